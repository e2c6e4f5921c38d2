import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { generate } from '../src/generate.js';
import { validateWithParser } from '../src/lint/parser-diagnostics.js';
import { compile, conformance, scratch, writeAll } from './helpers.js';

interface CatalogVersion {
  examples: unknown[];
  schema: Record<string, unknown>;
  validate: (d: unknown) => boolean;
}
const referenceAjv = new Ajv({ strict: false, logger: false });
addFormats.default(referenceAjv);

const asyncapiDir = join(conformance, 'asyncapi/3.0');
const asyncapiDocs = readdirSync(asyncapiDir)
  .filter((f) => f.endsWith('.yml'))
  .sort();
const openapiDocs = ['3.0', '3.1', 'real-world'].flatMap((d) =>
  readdirSync(join(conformance, 'openapi', d)).map((f) => join(conformance, 'openapi', d, f)),
);

describe('AsyncAPI 3.0 documents written by others', () => {
  it.each(asyncapiDocs)('%s: generates code that compiles under strict NodeNext, or says why not', async (name) => {
    const file = join(asyncapiDir, name);
    const parserErrors = (await validateWithParser(file)).filter((d) => d.severity === 'error');
    const result = await generate([file], []);
    if (parserErrors.length > 0) {
      // The parser rejects it (here: remote Avro schemas it cannot fetch): a diagnostic with file and line, no code.
      expect(result.events.size).toBe(0);
      expect(result.diagnostics.length).toBeGreaterThan(0);
      for (const d of result.diagnostics) expect(d.line).toBeGreaterThan(0);
      return;
    }
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const dir = scratch('asyncapi');
    writeAll(dir, result.events);
    expect(compile(dir, ['index.ts'])).toEqual([]);
    // The catalog loads, and its precompiled validators judge the documents' own examples exactly as ajv does when
    // it compiles the same schema at run time (some of these examples are invalid: Kraken's `pair` is an array).
    const { catalog } = (await import(join(dir, 'index.ts'))) as {
      catalog: Record<string, { versions: Record<number, CatalogVersion> }>;
    };
    expect(Object.keys(catalog).length).toBe(result.rows.length > 0 ? new Set(result.rows.map((r) => r.type)).size : 0);
    for (const entry of Object.values(catalog)) {
      for (const version of Object.values(entry.versions)) {
        const reference = referenceAjv.compile(version.schema);
        for (const example of version.examples) expect(version.validate(example)).toBe(reference(example));
      }
    }
  });

  it('rejects an AsyncAPI 2.6 document with a diagnostic naming the file, path and line', async () => {
    const file = join(conformance, 'asyncapi/2.6/streetlights-kafka.yml');
    const result = await generate([file], [], { validate: false });
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ file, path: '/asyncapi', line: 1, severity: 'error', rule: 'asyncapi-version' }),
    ]);
  });
});

describe('OpenAPI documents written by others', () => {
  it.each(openapiDocs)('%s: generates paths types that compile', async (file) => {
    const result = await generate([], [file]);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const dir = scratch('openapi');
    writeAll(dir, result.http);
    expect(compile(dir, [...result.http.keys()])).toEqual([]);
    expect([...result.http.values()].join('\n')).toMatch(/export (interface|type) paths\b/);
  });
});
