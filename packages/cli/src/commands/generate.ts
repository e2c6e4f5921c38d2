import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs, UsageError } from '../args.js';
import { CONFIG_FILE, expandSpecs, loadConfig } from '../config.js';
import { formatDiagnostic } from '../diagnostics.js';
import { generate } from '../generate.js';
import type { Io } from '../io.js';

export const generateHelp = `humangov generate [--check] [--asyncapi FILE... [--openapi FILE...] --out DIR]

Generates TypeScript from AsyncAPI 3.x and OpenAPI 3.x specs:
  for every message version a type with wire-exact property names, its JSON Schema, a precompiled validator
  and a typed catalog entry; for every OpenAPI document openapi-typescript \`paths\` types.

With no files, reads ${CONFIG_FILE} in the current folder:
  { "asyncapi": ["specs/asyncapi"], "openapi": ["specs/openapi"],
    "eventsOut": "packages/events/src/generated", "httpOut": "packages/sdk/src/http/generated" }

Options:
  --asyncapi FILE...  AsyncAPI documents (files or folders of *.asyncapi.yaml)
  --openapi FILE...   OpenAPI documents (files or folders of *.openapi.yaml)
  --out DIR           output folder (events in DIR, HTTP types in DIR/http)
  --check             write nothing; exit 1 when the committed output differs from what the specs produce
  --no-validate       skip the AsyncAPI parser's validation (faster; lint still runs it)`;

interface Target {
  readonly asyncapi: string[];
  readonly openapi: string[];
  readonly eventsOut: string;
  readonly httpOut: string;
}

function target(argv: readonly string[], io: Io): { target: Target; check: boolean; validate: boolean } {
  const args = parseArgs(argv, { flags: ['check', 'no-validate'], lists: ['asyncapi', 'openapi'], values: ['out'] });
  if (args.positionals.length > 0)
    throw new UsageError(`unexpected argument ${args.positionals[0]}: name files with --asyncapi or --openapi`);
  const check = args.flags.has('check');
  const validate = !args.flags.has('no-validate');
  const named = args.values.has('asyncapi') || args.values.has('openapi');
  if (named) {
    const out = args.values.get('out')?.[0];
    if (!out) throw new UsageError('--out DIR is required with --asyncapi/--openapi');
    const dir = resolve(io.cwd, out);
    const files = (key: string, kind: 'asyncapi' | 'openapi') =>
      expandSpecs(
        (args.values.get(key) ?? []).map((f) => resolve(io.cwd, f)),
        kind,
      );
    return {
      target: {
        asyncapi: files('asyncapi', 'asyncapi'),
        openapi: files('openapi', 'openapi'),
        eventsOut: dir,
        httpOut: join(dir, 'http'),
      },
      check,
      validate,
    };
  }
  const config = loadConfig(io.cwd);
  if (!config) throw new UsageError(`no ${CONFIG_FILE} in ${io.cwd}: name specs with --asyncapi FILE... --out DIR`);
  return {
    target: {
      asyncapi: expandSpecs(config.asyncapi, 'asyncapi'),
      openapi: expandSpecs(config.openapi, 'openapi'),
      eventsOut: config.eventsOut,
      httpOut: config.httpOut,
    },
    check,
    validate,
  };
}

export async function generateCommand(argv: readonly string[], io: Io): Promise<number> {
  const { target: t, check, validate } = target(argv, io);
  if (t.asyncapi.length === 0 && t.openapi.length === 0) throw new UsageError('no spec files found');
  const result = await generate(t.asyncapi, t.openapi, { validate });
  for (const d of result.diagnostics) io.err(formatDiagnostic(d, io.cwd));
  if (result.diagnostics.some((d) => d.severity === 'error')) {
    io.err('generate: fix the errors above; nothing was written');
    return 1;
  }
  const outputs: [string, ReadonlyMap<string, string>][] = [];
  if (t.asyncapi.length > 0) outputs.push([t.eventsOut, result.events]);
  if (t.openapi.length > 0) outputs.push([t.httpOut, result.http]);
  const drift: string[] = [];
  for (const [dir, files] of outputs) {
    const existing = listGenerated(dir);
    for (const [name, content] of files) {
      const file = join(dir, name);
      const current = existing.get(file);
      if (current === content) continue;
      drift.push(`${current === undefined ? 'missing' : 'changed'}: ${relative(io.cwd, file)}`);
      if (!check) {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, content);
      }
    }
    for (const file of existing.keys()) {
      if (files.has(relative(dir, file))) continue;
      drift.push(`stale: ${relative(io.cwd, file)}`);
      if (!check) rmSync(file);
    }
  }
  if (check) {
    if (drift.length === 0) {
      io.out('generate --check: generated code matches the specs');
      return 0;
    }
    io.err(
      `generate --check: generated code differs from what the specs produce:\n  ${drift.join('\n  ')}\nRun \`humangov generate\` and commit the result.`,
    );
    return 1;
  }
  io.out(
    `generate: ${result.rows.length} message versions, ${t.openapi.length} HTTP APIs; ${drift.length} files written or removed`,
  );
  return 0;
}

/** Generated files in a folder: only files that carry the do-not-edit header, so hand-written ones are never touched. */
function listGenerated(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return found;
  }
  for (const name of names) {
    if (!name.endsWith('.ts')) continue;
    const file = join(dir, name);
    const content = readFileSync(file, 'utf8');
    if (content.startsWith('// This file is generated by `humangov generate`')) found.set(file, content);
  }
  return found;
}
