import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../src/generate.js';
import { Workspace } from '../src/load/workspace.js';
import { NameAllocator } from '../src/transform/names.js';
import { SchemaTransform } from '../src/transform/schema-object.js';
import { payloadDoc, writeSpec } from './fixtures.js';
import { compile, scratch, writeAll } from './helpers.js';

/** One line, no outer parentheses: what a reader compares, independent of how the emitter wraps operands. */
function bare(type: string): string {
  let t = type.replace(/\s+/g, ' ').trim();
  while (t.startsWith('(') && t.endsWith(')')) {
    let depth = 0;
    let closesEarly = false;
    for (let i = 0; i < t.length - 1; i++) {
      if (t[i] === '(') depth++;
      else if (t[i] === ')') depth--;
      if (depth === 0) closesEarly = true;
    }
    if (closesEarly) break;
    t = t.slice(1, -1);
  }
  return t;
}

/** Each `given` is a flow-YAML schema next to components A and B; `want` is its TypeScript type on one line. */
const typeCases: readonly { readonly name: string; readonly given: string; readonly want: string }[] = [
  {
    name: 'required vs optional, every property readonly',
    given: '{ type: object, required: [a], properties: { a: { type: string }, b: { type: integer } } }',
    want: '{ readonly a: string; readonly b?: number; }',
  },
  { name: 'enum -> literal union', given: '{ type: string, enum: [draft, final] }', want: '"draft" | "final"' },
  { name: 'mixed enum keeps each literal', given: '{ enum: [a, 1, true, null] }', want: '"a" | 1 | true | null' },
  { name: 'const -> one literal', given: '{ const: fixed }', want: '"fixed"' },
  { name: 'oneOf -> union', given: '{ oneOf: [{ type: string }, { type: number }] }', want: 'string | number' },
  { name: 'anyOf -> union', given: '{ anyOf: [{ type: string }, { type: boolean }] }', want: 'string | boolean' },
  {
    name: 'allOf -> intersection of named parts',
    given: '{ allOf: [{ $ref: "#/components/schemas/A" }, { $ref: "#/components/schemas/B" }] }',
    want: 'A & B',
  },
  {
    name: 'array of a union gets parentheses',
    given:
      '{ type: array, items: { oneOf: [{ $ref: "#/components/schemas/A" }, { $ref: "#/components/schemas/B" }] } }',
    want: 'readonly (A | B)[]',
  },
  {
    name: 'array of an enum gets parentheses',
    given: '{ type: array, items: { type: string, enum: [x, y] } }',
    want: 'readonly ("x" | "y")[]',
  },
  {
    name: 'nested arrays',
    given: '{ type: array, items: { type: array, items: { type: string } } }',
    want: 'readonly (readonly string[])[]',
  },
  {
    name: 'array of a named schema',
    given: '{ type: array, items: { $ref: "#/components/schemas/A" } }',
    want: 'readonly A[]',
  },
  {
    name: 'tuple',
    given: '{ type: array, items: [{ type: string }, { type: number }] }',
    want: 'readonly [string, number]',
  },
  { name: 'nullable (OpenAPI style)', given: '{ type: string, nullable: true }', want: 'string | null' },
  { name: 'nullable through a type list', given: '{ type: [string, "null"] }', want: 'string | null' },
  { name: 'nullable enum', given: '{ type: string, enum: [a, b], nullable: true }', want: '("a" | "b") | null' },
  {
    name: 'additionalProperties schema -> index signature',
    given: '{ type: object, additionalProperties: { type: integer } }',
    want: '{ readonly [key: string]: number }',
  },
  {
    name: 'closed empty object',
    given: '{ type: object, properties: {}, additionalProperties: false }',
    want: 'Record<string, never>',
  },
  {
    name: 'keys that are not identifiers are quoted, __proto__ too',
    given:
      '{ type: object, properties: { "first-name": { type: string }, "1st": { type: string }, "a.b": { type: string }, __proto__: { type: string } } }',
    want: '{ readonly "first-name"?: string; readonly "1st"?: string; readonly "a.b"?: string; readonly "__proto__"?: string; }',
  },
  {
    name: 'wire names kept exactly, keywords included',
    given:
      '{ type: object, required: [status, name, delete, class, snake_case_id], properties: { status: { type: string }, name: { type: string }, delete: { type: boolean }, class: { type: string }, snake_case_id: { type: string } } }',
    want: '{ readonly status: string; readonly name: string; readonly delete: boolean; readonly class: string; readonly snake_case_id: string; }',
  },
  {
    name: 'a titled inline object is referred to by name',
    given: '{ type: object, title: Postal Address, properties: { line1: { type: string } } }',
    want: 'PostalAddress',
  },
  { name: 'an unknown type keyword is unknown', given: '{ description: only words }', want: 'unknown' },
  { name: 'a false schema is never', given: 'false', want: 'never' },
];

function transformOf(cases: readonly { readonly given: string }[]) {
  const file = join(scratch('schema'), 'schemas.yaml');
  writeFileSync(
    file,
    [
      'components:',
      '  schemas:',
      '    A: { type: object, properties: { a: { type: string } } }',
      '    B: { type: object, properties: { b: { type: string } } }',
      'cases:',
      ...cases.map((c, i) => `  c${i}: ${c.given}`),
      '',
    ].join('\n'),
  );
  const ws = new Workspace();
  const schemas = new SchemaTransform(ws, new NameAllocator());
  const at = (i: number) => ws.at(file, ['cases', `c${i}`])!;
  return { ws, schemas, at };
}

describe('Schema Object -> TypeScript type', () => {
  const { ws, schemas, at } = transformOf(typeCases);

  it.each(typeCases.map((c, i) => ({ ...c, i })))('$name', ({ i, want }) => {
    expect(bare(schemas.typeOf(at(i)))).toBe(want);
    expect(ws.diagnostics).toEqual([]);
  });

  it('a titled inline object becomes an exported interface with its own properties', () => {
    const i = typeCases.findIndex((c) => c.want === 'PostalAddress');
    schemas.typeOf(at(i));
    const named = schemas.declarations().find((d) => d.name === 'PostalAddress')!;
    expect(bare(schemas.declaration(named))).toBe('export interface PostalAddress { readonly line1?: string; }');
  });
});

describe('Schema Object -> JSON Schema (the catalog `schema`)', () => {
  const cases = [
    {
      name: 'x-* and example keys are dropped, validation keywords kept',
      given: '{ type: string, minLength: 1, format: email, x-pii: true, example: a@b.c, x-note: hi }',
      want: { type: 'string', minLength: 1, format: 'email' },
    },
    {
      name: 'named refs become #/definitions/Name, with the definition beside',
      given: '{ type: object, properties: { a: { $ref: "#/components/schemas/A" } } }',
      want: {
        type: 'object',
        properties: { a: { $ref: '#/definitions/A' } },
        definitions: { A: { type: 'object', properties: { a: { type: 'string' } } } },
      },
    },
    {
      name: 'nullable becomes a type list, and null joins the enum',
      given: '{ type: string, enum: [a], nullable: true }',
      want: { type: ['string', 'null'], enum: ['a', null] },
    },
  ];
  const { schemas, at } = transformOf(cases);
  it.each(cases.map((c, i) => ({ ...c, i })))('$name', ({ i, want }) => {
    expect(schemas.jsonSchema(at(i))).toEqual(want);
  });
});

const payload = `        type: object
        title: Thing Payload
        required: [__proto__, status, kind]
        properties:
          __proto__: { type: string }
          status: { type: string, enum: [open, closed] }
          kind: { $ref: '#/components/schemas/Kind' }
          failure: { $ref: '#/components/schemas/Error' }
          on: { $ref: '#/components/schemas/Date' }
          holder:
            type: object
            title: Holder
            properties:
              full_name: { type: string, x-pii: true, description: Legal name. }
          people:
            type: array
            items: { $ref: '#/components/schemas/Person' }
          other: { $ref: './other.yaml#/components/schemas/Kind' }
          clash: { $ref: '#/components/schemas/ThingHappenedV1' }`;
const components = `  schemas:
    Kind: { type: string, enum: [a, b] }
    Error: { type: object, properties: { code: { type: string } } }
    Date: { type: string, format: date }
    Person: { type: object, properties: { email: { type: string, x-pii: true, example: a@b.c } } }
    ThingHappenedV1: { type: string }`;

describe('generate() on a small document', async () => {
  const dir = scratch('schema-gen');
  const file = writeSpec(
    dir,
    'things.asyncapi.yaml',
    `${payloadDoc(payload, '')}      examples:\n        - payload: { __proto__: p, status: open, kind: a }\n${components}\n`,
  );
  writeSpec(dir, 'other.yaml', 'components:\n  schemas:\n    Kind: { type: integer }\n');
  const result = await generate([file], [], { validate: false });
  const types = result.events.get('types.ts') ?? '';
  const out = join(dir, 'out');
  writeAll(out, result.events);

  it('reports nothing and emits code that compiles', () => {
    expect(result.diagnostics).toEqual([]);
    expect(compile(out, ['index.ts'])).toEqual([]);
  });

  it.each([
    ['a titled inline payload is a named interface', 'export interface ThingPayload {'],
    ['the message type aliases it', 'export type ThingHappenedV1 = ThingPayload;'],
    ['a titled nested object is declared', 'export interface Holder {'],
    ['an enum component is a literal union', 'export type Kind = "a" | "b";'],
    ['Error gets the Model suffix', 'export interface ErrorModel {'],
    ['Date gets the Model suffix', 'export type DateModel = string;'],
    ['the same name from another file gets a suffix', 'export type Kind2 = number;'],
    ['a name taken by the message type gets a separated suffix', 'export type ThingHappenedV1_2 = string;'],
    ['x-pii shows up in JSDoc', '@pii personal data (x-pii)'],
    ['__proto__ is quoted', 'readonly "__proto__": string;'],
    ['properties refer to the suffixed names', 'readonly failure?: ErrorModel;'],
  ])('%s', (_name, want) => {
    expect(types).toContain(want);
  });

  it('does not declare the global names it avoided', () => {
    expect(types).not.toMatch(/export (interface|type) (Error|Date)\b/);
  });

  it('catalog: pii pointers, `*` for array items; schema without extensions, with named definitions', async () => {
    const { catalog } = (await import(join(out, 'index.ts'))) as {
      catalog: Record<
        string,
        {
          versions: Record<
            number,
            { pii: string[]; schema: Record<string, unknown>; examples: unknown[]; validate: (d: unknown) => boolean }
          >;
        }
      >;
    };
    const v1 = catalog['thing.happened']!.versions[1]!;
    expect(v1.pii).toEqual(['/holder/full_name', '/people/*/email']);
    const text = JSON.stringify(v1.schema);
    expect(text).not.toMatch(/"x-|"example"/);
    expect(v1.schema.properties).toMatchObject({
      failure: { $ref: '#/definitions/ErrorModel' },
      people: { type: 'array', items: { $ref: '#/definitions/Person' } },
    });
    expect(Object.keys(v1.schema.definitions as object)).toEqual(
      expect.arrayContaining(['DateModel', 'ErrorModel', 'Holder', 'Kind', 'Kind2', 'Person', 'ThingHappenedV1_2']),
    );
    // `__proto__` survives as a property of the runtime schema and example, not as their prototype.
    expect(Object.keys(v1.schema.properties as object)).toContain('__proto__');
    expect(Object.keys(v1.examples[0] as object)).toEqual(['__proto__', 'status', 'kind']);
    expect(v1.validate(v1.examples[0])).toBe(true);
    expect(v1.validate({ ...(v1.examples[0] as object), status: 'shut' })).toBe(false);
  });
});
