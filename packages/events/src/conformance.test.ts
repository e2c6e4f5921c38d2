import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Catalog } from './catalog.js';
import { createCodec } from './codec.js';
import { message, permissive } from './test-fixtures/catalog.js';

// Samples of the CloudEvents SDK conformance suite; their type `mock.test` is declared with a permissive validator.
const directory = new URL('./test-fixtures/cloudevents/', import.meta.url);
const samples = readdirSync(directory).filter((name) => name.endsWith('.json'));
const read = (name: string) => new Uint8Array(readFileSync(new URL(name, directory)));
const foreign = {
  'mock.test': {
    type: 'mock.test',
    latest: 1,
    versions: { 1: message('mock.test', 1, permissive(), { dataschema: 'http://localhost/schema' }) },
  },
} satisfies Catalog;
const codec = createCodec(foreign, { now: () => new Date('2025-01-01T00:00:00Z') });

describe('structured-mode CloudEvents from other producers', () => {
  it('has the samples', () => {
    expect(samples).toHaveLength(7);
  });

  it.each([
    ['json_data_with_ext_invalid.json', '/a_invalid_name'],
    ['fail_numeric_decimal.json', '/decimal'],
  ])('rejects %s naming the attribute', (name, path) => {
    const result = codec.parse(read(name));
    expect(result.issues).toEqual([expect.objectContaining({ path, code: 'HUMANGOV_ENVELOPE_INVALID' })]);
    expect(result.issues?.[0]?.message).toContain(path.slice(1));
  });

  it.each(samples.filter((name) => !['json_data_with_ext_invalid.json', 'fail_numeric_decimal.json'].includes(name)))(
    'parses %s',
    (name) => {
      const original = JSON.parse(new TextDecoder().decode(read(name)));
      const { value, issues } = codec.parse(read(name));
      expect(issues).toBeUndefined();
      const { data_base64, ...attributes } = original;
      expect(value).toMatchObject({ ...attributes, version: 1, correlationid: '1' });
      if (data_base64 !== undefined) expect(value?.data).toEqual({});
    },
  );

  it('fills what a minimal event omits and keeps foreign extensions through serialize', () => {
    const min = codec.parse(read('min.json')).value;
    expect(min).toMatchObject({ time: '2025-01-01T00:00:00.000Z', datacontenttype: 'application/json' });
    expect(min?.dataschema).toBe('http://localhost/schema');
    const ext = codec.parse(read('json_data_with_ext.json')).value!;
    expect(JSON.parse(new TextDecoder().decode(codec.serialize(ext)))).toMatchObject({ astring: 'aaa', anumber: 10 });
  });

  it('reports only an unknown type when the catalog does not know mock.test', () => {
    const empty = createCodec({});
    for (const name of ['json_data.json', 'min.json', 'text_data.json', 'base64_json_data.json']) {
      expect(empty.parse(read(name)).issues).toEqual([
        expect.objectContaining({ path: '/type', code: 'HUMANGOV_EVENT_UNKNOWN' }),
      ]);
    }
  });
});
