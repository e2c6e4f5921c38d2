import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, UsageError } from '../args.js';
import { CONFIG_FILE } from '../config.js';
import { isMode, MODES, type Mode } from '../diff/classify.js';
import { UnknownRefError } from '../diff/git-base.js';
import { formatJson } from '../diff/report-json.js';
import { formatMarkdown } from '../diff/report-markdown.js';
import { formatText } from '../diff/report-text.js';
import { type DiffReport, diffBase, diffFiles } from '../diff/run-diff.js';
import type { Io } from '../io.js';

export const diffHelp = `humangov diff --base REF [--format text|markdown|json] [--mode MODE]
humangov diff OLD_FILE NEW_FILE [--mode BACKWARD|FORWARD|FULL] [--format text|markdown|json]

Finds breaking changes between two revisions of the specs (AsyncAPI 3, OpenAPI 3.x, or JSON Schema files):
removed channels, operations, messages, fields and status codes; changed types and addresses; fields or
parameters made required; enum values removed or added; formats, patterns and bounds tightened or loosened;
content models closed or opened; oneOf branches removed or added. Each change is judged under a mode:
  BACKWARD  consumers on the new spec read data written with the old one (default);
            HTTP: clients built from the old spec keep working against the new server
  FORWARD   consumers on the old spec read data written with the new one;
            HTTP: clients built from the new spec work against a server still on the old one
  FULL      both

--base REF compares the specs named in ${CONFIG_FILE} at git revision REF with the working tree.
  A break is waived (still reported) when the message gets a new major version (a new message with a higher
  x-version, the old one kept) or the spec's owning package has a major changeset (.changeset/*.md):
  "diff": { "mode": "BACKWARD", "modes": { "<spec file or folder>": "FULL" },
            "owners": { "asyncapi": "@humangov/events", "openapi": "@humangov/sdk" } }
OLD_FILE NEW_FILE compares two files; it fails exactly when a change breaks under --mode (no waivers).

Options:
  --base REF        git revision to compare with (e.g. HEAD~1, origin/main)
  --mode MODE       BACKWARD, FORWARD or FULL (with --base: overrides ${CONFIG_FILE})
  --format FORMAT   text (default), markdown (for a pull request) or json

Exit: 0 no breaking change, 1 a breaking change (or a spec that cannot be read), 2 usage error.`;

const FORMATS = ['text', 'markdown', 'json'] as const;

export async function diffCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, { values: ['base', 'mode', 'format'] });
  const format = args.values.get('format')?.[0] ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got ${format})`);
  const modeArg = args.values.get('mode')?.[0];
  if (modeArg !== undefined && !isMode(modeArg.toUpperCase()))
    throw new UsageError(`--mode must be one of ${MODES.join(', ')} (got ${modeArg})`);
  const mode = modeArg?.toUpperCase() as Mode | undefined;
  const base = args.values.get('base')?.[0];
  let report: DiffReport;
  if (base !== undefined) {
    if (args.positionals.length > 0)
      throw new UsageError(`--base compares the configured specs: drop ${args.positionals.join(' ')}`);
    try {
      report = diffBase(io.cwd, base, mode ? { mode } : {});
    } catch (error) {
      if (
        error instanceof UnknownRefError ||
        (error instanceof Error && /not inside a git repository/.test(error.message))
      )
        throw new UsageError(error.message);
      throw error;
    }
  } else {
    if (args.positionals.length !== 2)
      throw new UsageError('name two files (OLD_FILE NEW_FILE), or compare with a git revision: --base REF');
    const [oldFile, newFile] = args.positionals as [string, string];
    for (const file of [oldFile, newFile])
      if (!existsSync(resolve(io.cwd, file))) throw new UsageError(`file not found: ${file}`);
    report = diffFiles(oldFile, newFile, { cwd: io.cwd, ...(mode && { mode }) });
  }
  io.out(
    format === 'json'
      ? formatJson(report)
      : format === 'markdown'
        ? formatMarkdown(report)
        : formatText(report, io.cwd),
  );
  return report.failed ? 1 : 0;
}
