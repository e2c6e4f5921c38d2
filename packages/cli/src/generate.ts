/**
 * `humangov generate` as a function: specs in, generated files out (in memory). Writing and drift checking
 * live in the command; this stays pure so tests can call it directly.
 */
import { basename } from 'node:path';
import { type Diagnostic, hasErrors, sortDiagnostics } from './diagnostics.js';
import { emitEventsModule } from './emit/events-module.js';
import { header } from './emit/header.js';
import { emitHttpModules } from './emit/http-module.js';
import { validateWithParser } from './lint/parser-diagnostics.js';
import { Workspace } from './load/workspace.js';
import { readAsyncApi } from './transform/asyncapi-document.js';
import { NameAllocator } from './transform/names.js';
import { SchemaTransform } from './transform/schema-object.js';

export interface GenerateResult {
  /** Generated events modules, keyed by path relative to the events output folder. */
  readonly events: ReadonlyMap<string, string>;
  /** Generated HTTP modules, keyed by path relative to the HTTP output folder. */
  readonly http: ReadonlyMap<string, string>;
  readonly diagnostics: readonly Diagnostic[];
  /** One row per message version, for `humangov catalog`. */
  readonly rows: readonly CatalogRow[];
}

export interface CatalogRow {
  readonly type: string;
  readonly version: number;
  readonly typeName: string;
  readonly channel: string;
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
}

export interface GenerateOptions {
  /** Also run the AsyncAPI parser's validation (slower). @default true */
  readonly validate?: boolean;
}

/** Generates from AsyncAPI and OpenAPI files. Outputs are empty when any error diagnostic was found. */
export async function generate(
  asyncapi: readonly string[],
  openapi: readonly string[],
  options: GenerateOptions = {},
): Promise<GenerateResult> {
  const diagnostics: Diagnostic[] = [];
  if (options.validate !== false) {
    for (const file of asyncapi)
      diagnostics.push(...(await validateWithParser(file)).filter((d) => d.severity === 'error'));
  }
  const ws = new Workspace();
  const allocator = new NameAllocator();
  const schemas = new SchemaTransform(ws, allocator);
  const sources = [...asyncapi].map((f) => basename(f));
  let events = new Map<string, string>();
  let rows: CatalogRow[] = [];
  if (asyncapi.length > 0 && !hasErrors(diagnostics)) {
    const model = readAsyncApi(ws, asyncapi);
    if (!hasErrors(ws.diagnostics)) {
      events = emitEventsModule(model, schemas, allocator, header(sources));
      rows = model.events.map((e) => ({
        type: e.type,
        version: e.version,
        typeName: `${e.name}V${e.version}`,
        channel: e.channel.address,
        producers: e.producers,
        consumers: e.consumers,
      }));
    }
  }
  diagnostics.push(...ws.diagnostics);
  const http = await emitHttpModules(openapi, header, diagnostics);
  const failed = hasErrors(diagnostics);
  return {
    events: failed ? new Map() : events,
    http: failed ? new Map() : http,
    diagnostics: sortDiagnostics(dedupe(diagnostics)),
    rows: failed ? [] : rows,
  };
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.file}:${d.line}:${d.col}:${d.rule}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
