import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs, UsageError } from '../args.js';
import { CONFIG_FILE, expandSpecs, loadConfig } from '../config.js';
import { formatDiagnostic } from '../diagnostics.js';
import { buildDocs } from '../docs/build.js';
import { GENERATOR_META } from '../docs/html.js';
import type { Io } from '../io.js';

export const docsHelp = `humangov docs --out DIR [--asyncapi FILE...] [--openapi FILE...]

Writes a static HTML site from the specs into DIR: an index with a producers -> channels -> consumers
diagram (inline SVG), a page per service (AsyncAPI document), a page per message with every version's
schema table, PII fields (x-pii), Kafka/AMQP bindings, examples and the field changes between versions,
and a page per HTTP API (OpenAPI document) with its operations. No JavaScript, nothing fetched at view
time: open DIR/index.html in a browser. The same specs give byte-identical pages.

With no files, reads the asyncapi and openapi folders of ${CONFIG_FILE}.
Pages in DIR written by an earlier run that the specs no longer produce are removed; other files are left alone.

Options:
  --out DIR           output folder (created if missing)
  --asyncapi FILE...  AsyncAPI documents (files or folders of *.asyncapi.yaml)
  --openapi FILE...   OpenAPI documents (files or folders of *.openapi.yaml)`;

export async function docsCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, { lists: ['asyncapi', 'openapi'], values: ['out'] });
  if (args.positionals.length > 0)
    throw new UsageError(`unexpected argument ${args.positionals[0]}: name files with --asyncapi or --openapi`);
  const out = args.values.get('out')?.[0];
  if (!out) throw new UsageError('--out DIR is required: the folder to write the site into');
  let asyncapi: string[];
  let openapi: string[];
  if (args.values.has('asyncapi') || args.values.has('openapi')) {
    const files = (key: string) => (args.values.get(key) ?? []).map((f) => resolve(io.cwd, f));
    asyncapi = expandSpecs(files('asyncapi'), 'asyncapi');
    openapi = expandSpecs(files('openapi'), 'openapi');
  } else {
    const config = loadConfig(io.cwd);
    if (!config) throw new UsageError(`no ${CONFIG_FILE} in ${io.cwd}: name specs with --asyncapi FILE...`);
    asyncapi = expandSpecs(config.asyncapi, 'asyncapi');
    openapi = expandSpecs(config.openapi, 'openapi');
  }
  if (asyncapi.length === 0 && openapi.length === 0) throw new UsageError('no spec files found');

  const result = buildDocs(asyncapi, openapi);
  for (const d of result.diagnostics) io.err(formatDiagnostic(d, io.cwd));
  if (result.diagnostics.some((d) => d.severity === 'error')) {
    io.err('docs: fix the errors above; nothing was written');
    return 1;
  }
  const dir = resolve(io.cwd, out);
  mkdirSync(dir, { recursive: true });
  let removed = 0;
  for (const name of earlierPages(dir)) {
    if (result.pages.has(name)) continue;
    rmSync(join(dir, name));
    removed++;
  }
  for (const [name, html] of result.pages) writeFileSync(join(dir, name), html);
  const { site } = result;
  io.out(
    `docs: ${result.pages.size} pages in ${relative(io.cwd, dir) || '.'} (${site.services.length} services, ${site.messages.length} event types, ${site.apis.length} HTTP APIs)${removed > 0 ? `; ${removed} stale pages removed` : ''}; open ${relative(io.cwd, join(dir, 'index.html'))}`,
  );
  return 0;
}

/** `.html` files directly in `dir` that an earlier `humangov docs` wrote (they carry its generator meta tag). */
function earlierPages(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.html'))
    .filter((name) => {
      try {
        return readFileSync(join(dir, name), 'utf8').slice(0, 200).includes(GENERATOR_META);
      } catch {
        return false;
      }
    });
}
