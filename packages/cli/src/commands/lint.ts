import { resolve } from 'node:path';
import { parseArgs, UsageError } from '../args.js';
import { CONFIG_FILE, expandSpecs, loadConfig } from '../config.js';
import { formatDiagnostic, hasErrors } from '../diagnostics.js';
import type { Io } from '../io.js';
import { lint } from '../lint/lint.js';

export const lintHelp = `humangov lint [FILE...]

Checks AsyncAPI documents and prints one line per finding:
  file:line:col severity rule message
Runs the AsyncAPI parser's validation plus HumanGov rules:
  message-version     every message has an integer x-version
  message-example     every message has at least one example
  example-valid       every example validates against the message's payload schema
  kafka-key           every message on a Kafka channel has a key schema and an x-partition-key into its payload
  no-anonymous-schema every object schema is a components.schemas entry or has a title
  pii-marked          fields that hold personal data carry x-pii: true
Exits 1 when any error was found. With no files, lints the AsyncAPI folders of ${CONFIG_FILE}.`;

export async function lintCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, {});
  const paths =
    args.positionals.length > 0 ? args.positionals.map((f) => resolve(io.cwd, f)) : loadConfig(io.cwd)?.asyncapi;
  if (!paths) throw new UsageError(`no ${CONFIG_FILE} in ${io.cwd}: name AsyncAPI files`);
  const files = expandSpecs(paths, 'asyncapi');
  const diagnostics = await lint(files);
  for (const d of diagnostics) io.out(formatDiagnostic(d, io.cwd));
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  io.out(`lint: ${files.length} files, ${errors} errors, ${diagnostics.length - errors} warnings`);
  return hasErrors(diagnostics) ? 1 : 0;
}
