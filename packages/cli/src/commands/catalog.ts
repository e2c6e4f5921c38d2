import { resolve } from 'node:path';
import { parseArgs, UsageError } from '../args.js';
import { CONFIG_FILE, expandSpecs, loadConfig } from '../config.js';
import { formatDiagnostic } from '../diagnostics.js';
import { type CatalogRow, generate } from '../generate.js';
import type { Io } from '../io.js';

export const catalogHelp = `humangov catalog [FILE...]

Prints the event catalog the specs describe, one row per message version:
event type, version, generated type, channel, producers and consumers.
With no files, reads the AsyncAPI folders of ${CONFIG_FILE}.`;

export async function catalogCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, {});
  const files =
    args.positionals.length > 0 ? args.positionals.map((f) => resolve(io.cwd, f)) : loadConfig(io.cwd)?.asyncapi;
  if (!files) throw new UsageError(`no ${CONFIG_FILE} in ${io.cwd}: name AsyncAPI files`);
  const result = await generate(expandSpecs(files, 'asyncapi'), [], { validate: false });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  for (const d of errors) io.err(formatDiagnostic(d, io.cwd));
  if (errors.length > 0) return 1;
  io.out(renderTable(result.rows));
  const types = new Set(result.rows.map((r) => r.type)).size;
  io.out(`${types} event types, ${result.rows.length} message versions`);
  return 0;
}

/** A plain-text table with aligned columns. */
export function renderTable(rows: readonly CatalogRow[]): string {
  const head = ['EVENT', 'VERSION', 'TYPE', 'CHANNEL', 'PRODUCERS', 'CONSUMERS'];
  const body = rows.map((r) => [
    r.type,
    `v${r.version}`,
    r.typeName,
    r.channel,
    r.producers.join(', ') || '-',
    r.consumers.join(', ') || '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
