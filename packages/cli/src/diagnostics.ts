/** Severity of a diagnostic, most severe first. */
export type Severity = 'error' | 'warning' | 'info';

/**
 * One finding about a spec: where (file, JSON path, line and column, both 1-based) and what to fix.
 * Printed as `file:line:col severity rule message`.
 */
export interface Diagnostic {
  readonly file: string;
  /** JSON pointer inside the file, e.g. `/components/messages/CitizenRegisteredV1`. */
  readonly path: string;
  readonly line: number;
  readonly col: number;
  readonly severity: Severity;
  readonly rule: string;
  readonly message: string;
}

/** Renders a diagnostic on one line, with `file` relative to `cwd` when it lies inside it. */
export function formatDiagnostic(d: Diagnostic, cwd = process.cwd()): string {
  const file = d.file.startsWith(cwd + '/') ? d.file.slice(cwd.length + 1) : d.file;
  return `${file}:${d.line}:${d.col} ${d.severity} ${d.rule} ${d.message}${d.path ? ` (at #${d.path})` : ''}`;
}

/** Sorts diagnostics by file, line, column so output is stable. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}

export const hasErrors = (list: readonly Diagnostic[]): boolean => list.some((d) => d.severity === 'error');

/**
 * Thrown by the generator for a construct it cannot handle; the command prints the diagnostics and exits 1
 * instead of showing a stack trace.
 */
export class SpecError extends Error {
  readonly code = 'HUMANGOV_SPEC_INVALID';
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
    this.name = 'SpecError';
  }
}

/** JSON pointer (RFC 6901) of a path of keys. */
export function toPointer(path: readonly (string | number)[]): string {
  return path.map((k) => '/' + String(k).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Keys of a JSON pointer. */
export function fromPointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((k) => decodeURIComponent(k).replace(/~1/g, '/').replace(/~0/g, '~'));
}
