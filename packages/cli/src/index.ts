/**
 * @humangov/cli as a library: the functions behind `humangov generate`, `lint` and `catalog`, for build tools
 * that want the results without spawning the command.
 */

export type { Diagnostic, Severity } from './diagnostics.js';
export { formatDiagnostic } from './diagnostics.js';
export type { CatalogRow, GenerateOptions, GenerateResult } from './generate.js';
export { generate } from './generate.js';
export type { Io } from './io.js';
export { lint, PERSONAL_FIELDS } from './lint/lint.js';
export { main } from './main.js';
