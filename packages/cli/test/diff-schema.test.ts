/**
 * The schema rules of `humangov diff OLD NEW --mode M`, as a given/want table of hand-made JSON Schema pairs.
 * `fails` lists the modes under which the pair is a breaking change (decision 0006): BACKWARD breaks when a value
 * valid under OLD is invalid under NEW, FORWARD when a value valid under NEW is invalid under OLD.
 */
import { describe, expect, it } from 'vitest';
import type { Mode } from '../src/diff/classify.js';
import { judge, writePair } from './fixtures/diff/helpers.js';
import { scratch } from './helpers.js';

const B: Mode[] = ['BACKWARD', 'FULL'];
const F: Mode[] = ['FORWARD', 'FULL'];
const ALL: Mode[] = ['BACKWARD', 'FORWARD', 'FULL'];
const NONE: Mode[] = [];

const str = { type: 'string' };
const closed = (properties: object, required: string[] = []) => ({
  type: 'object',
  additionalProperties: false,
  properties,
  required,
});
const open = (properties: object, required: string[] = []) => ({ type: 'object', properties, required });

interface Row {
  readonly name: string;
  readonly before: unknown;
  readonly after: unknown;
  /** Modes under which the change breaks. */
  readonly fails: Mode[];
  /** Rule and display path of the change that decides it. */
  readonly rule?: string;
  readonly path?: string;
}

const rows: Row[] = [
  // Content models and properties.
  {
    name: 'optional field added, closed model',
    before: closed({ a: str }),
    after: closed({ a: str, b: str }),
    fails: F,
    rule: 'property-added',
    path: 'b',
  },
  {
    name: 'optional field added, open model',
    before: open({ a: str }),
    after: open({ a: str, b: str }),
    fails: B,
    rule: 'property-added',
    path: 'b',
  },
  {
    name: 'unconstrained field added, open model',
    before: open({ a: str }),
    after: open({ a: str, b: {} }),
    fails: NONE,
    rule: 'property-added',
  },
  {
    name: 'field added that additionalProperties already allowed',
    before: { ...open({ a: str }), additionalProperties: str },
    after: { ...open({ a: str, b: str }), additionalProperties: str },
    fails: NONE,
    rule: 'property-added',
  },
  {
    name: 'field added matching patternProperties',
    before: { ...closed({}), patternProperties: { '^x-': str } },
    after: { ...closed({ 'x-b': str }), patternProperties: { '^x-': str } },
    fails: NONE,
    rule: 'property-added',
  },
  {
    name: 'optional field removed, closed model',
    before: closed({ a: str, b: str }),
    after: closed({ a: str }),
    fails: B,
    rule: 'property-removed',
    path: 'b',
  },
  {
    name: 'optional field removed, open model',
    before: open({ a: str, b: str }),
    after: open({ a: str }),
    fails: F,
    rule: 'property-removed',
  },
  {
    name: 'required field removed, closed model',
    before: closed({ a: str, b: str }, ['b']),
    after: closed({ a: str }),
    fails: ALL,
    rule: 'property-removed',
  },
  {
    name: 'required field removed, open model',
    before: open({ a: str, b: str }, ['b']),
    after: open({ a: str }),
    fails: F,
    rule: 'property-removed',
  },
  {
    name: 'required field added, closed model',
    before: closed({ a: str }),
    after: closed({ a: str, b: str }, ['b']),
    fails: ALL,
    rule: 'property-added',
  },
  {
    name: 'required field added, open model',
    before: open({ a: str }),
    after: open({ a: str, b: str }, ['b']),
    fails: B,
    rule: 'property-added',
  },
  {
    name: 'field made required',
    before: closed({ a: str }),
    after: closed({ a: str }, ['a']),
    fails: B,
    rule: 'required-added',
    path: 'a',
  },
  {
    name: 'field made optional',
    before: closed({ a: str }, ['a']),
    after: closed({ a: str }),
    fails: F,
    rule: 'required-removed',
    path: 'a',
  },
  {
    name: 'model closed (additionalProperties: false added)',
    before: open({ a: str }),
    after: closed({ a: str }),
    fails: B,
    rule: 'content-model-closed',
  },
  {
    name: 'model opened (additionalProperties: false removed)',
    before: closed({ a: str }),
    after: open({ a: str }),
    fails: F,
    rule: 'content-model-opened',
  },
  {
    name: 'additionalProperties schema widened',
    before: { ...open({}), additionalProperties: str },
    after: { ...open({}), additionalProperties: { type: ['string', 'number'] } },
    fails: F,
    rule: 'additional-properties-changed',
  },
  {
    name: 'minProperties raised',
    before: { type: 'object', minProperties: 1 },
    after: { type: 'object', minProperties: 2 },
    fails: B,
    rule: 'minProperties-tightened',
  },
  // Types.
  { name: 'type changed string -> integer', before: str, after: { type: 'integer' }, fails: ALL, rule: 'type-changed' },
  {
    name: 'type widened integer -> number',
    before: { type: 'integer' },
    after: { type: 'number' },
    fails: F,
    rule: 'type-widened',
  },
  {
    name: 'type narrowed number -> integer',
    before: { type: 'number' },
    after: { type: 'integer' },
    fails: B,
    rule: 'type-narrowed',
  },
  {
    name: 'nullable: true added (OpenAPI 3.0)',
    before: str,
    after: { ...str, nullable: true },
    fails: F,
    rule: 'type-widened',
  },
  {
    name: 'null dropped from a type list',
    before: { type: ['string', 'null'] },
    after: str,
    fails: B,
    rule: 'type-narrowed',
  },
  { name: 'type added to an untyped schema', before: {}, after: str, fails: B, rule: 'type-added' },
  // Enums and const.
  {
    name: 'enum value removed',
    before: { ...str, enum: ['a', 'b'] },
    after: { ...str, enum: ['a'] },
    fails: B,
    rule: 'enum-value-removed',
  },
  {
    name: 'enum value added',
    before: { ...str, enum: ['a'] },
    after: { ...str, enum: ['a', 'b'] },
    fails: F,
    rule: 'enum-value-added',
  },
  { name: 'enum restriction added', before: str, after: { ...str, enum: ['a'] }, fails: B, rule: 'enum-added' },
  { name: 'enum restriction removed', before: { ...str, enum: ['a'] }, after: str, fails: F, rule: 'enum-removed' },
  { name: 'const changed', before: { const: 'a' }, after: { const: 'b' }, fails: ALL, rule: 'enum-value-removed' },
  { name: 'enum reordered', before: { ...str, enum: ['a', 'b'] }, after: { ...str, enum: ['b', 'a'] }, fails: NONE },
  // Bounds.
  {
    name: 'maxLength tightened',
    before: { ...str, maxLength: 10 },
    after: { ...str, maxLength: 5 },
    fails: B,
    rule: 'maxLength-tightened',
  },
  {
    name: 'maxLength loosened',
    before: { ...str, maxLength: 5 },
    after: { ...str, maxLength: 10 },
    fails: F,
    rule: 'maxLength-loosened',
  },
  { name: 'minLength added', before: str, after: { ...str, minLength: 1 }, fails: B, rule: 'minLength-added' },
  {
    name: 'minimum raised',
    before: { type: 'number', minimum: 0 },
    after: { type: 'number', minimum: 1 },
    fails: B,
    rule: 'minimum-tightened',
  },
  {
    name: 'exclusiveMinimum: true added (OpenAPI 3.0)',
    before: { type: 'number', minimum: 0 },
    after: { type: 'number', minimum: 0, exclusiveMinimum: true },
    fails: B,
    rule: 'minimum-tightened',
  },
  {
    name: 'exclusiveMaximum 10 -> maximum 10',
    before: { type: 'number', exclusiveMaximum: 10 },
    after: { type: 'number', maximum: 10 },
    fails: F,
    rule: 'maximum-loosened',
  },
  {
    name: 'maximum removed',
    before: { type: 'integer', maximum: 9 },
    after: { type: 'integer' },
    fails: F,
    rule: 'maximum-removed',
  },
  {
    name: 'multipleOf 2 -> 4',
    before: { type: 'integer', multipleOf: 2 },
    after: { type: 'integer', multipleOf: 4 },
    fails: B,
    rule: 'multipleOf-changed',
  },
  {
    name: 'multipleOf 4 -> 2',
    before: { type: 'integer', multipleOf: 4 },
    after: { type: 'integer', multipleOf: 2 },
    fails: F,
    rule: 'multipleOf-changed',
  },
  {
    name: 'minItems raised',
    before: { type: 'array', items: str },
    after: { type: 'array', items: str, minItems: 1 },
    fails: B,
    rule: 'minItems-added',
  },
  {
    name: 'uniqueItems added',
    before: { type: 'array', items: str },
    after: { type: 'array', items: str, uniqueItems: true },
    fails: B,
    rule: 'uniqueItems-added',
  },
  // Formats and patterns.
  { name: 'format added', before: str, after: { ...str, format: 'uuid' }, fails: B, rule: 'format-added' },
  { name: 'format removed', before: { ...str, format: 'uuid' }, after: str, fails: F, rule: 'format-removed' },
  {
    name: 'format changed',
    before: { ...str, format: 'date' },
    after: { ...str, format: 'date-time' },
    fails: ALL,
    rule: 'format-changed',
  },
  { name: 'pattern added', before: str, after: { ...str, pattern: '^[A-Z]+$' }, fails: B, rule: 'pattern-added' },
  {
    name: 'pattern changed',
    before: { ...str, pattern: '^[A-Z]+$' },
    after: { ...str, pattern: '^[A-Z0-9]+$' },
    fails: ALL,
    rule: 'pattern-changed',
  },
  { name: 'pattern removed', before: { ...str, pattern: '^[A-Z]+$' }, after: str, fails: F, rule: 'pattern-removed' },
  // Composition, arrays, references.
  {
    name: 'oneOf branch added',
    before: { oneOf: [{ title: 'A', ...str }] },
    after: {
      oneOf: [
        { title: 'A', ...str },
        { title: 'B', type: 'integer' },
      ],
    },
    fails: F,
    rule: 'branch-added',
  },
  {
    name: 'oneOf branch removed',
    before: {
      oneOf: [
        { title: 'A', ...str },
        { title: 'B', type: 'integer' },
      ],
    },
    after: { oneOf: [{ title: 'A', ...str }] },
    fails: B,
    rule: 'branch-removed',
  },
  {
    name: 'field made required inside a oneOf branch',
    before: {
      oneOf: [
        { title: 'Card', ...closed({ n: str }) },
        { title: 'Bank', ...closed({ iban: str }) },
      ],
    },
    after: {
      oneOf: [
        { title: 'Card', ...closed({ n: str }, ['n']) },
        { title: 'Bank', ...closed({ iban: str }) },
      ],
    },
    fails: B,
    rule: 'required-added',
    path: '<oneOf Card>.n',
  },
  {
    name: 'array item type changed',
    before: { type: 'array', items: str },
    after: { type: 'array', items: { type: 'integer' } },
    fails: ALL,
    rule: 'type-changed',
    path: '[]',
  },
  {
    name: 'change inside a $ref target',
    before: { ...closed({ a: { $ref: '#/$defs/A' } }), $defs: { A: closed({ b: str }) } },
    after: { ...closed({ a: { $ref: '#/$defs/A' } }), $defs: { A: closed({ b: str }, ['b']) } },
    fails: B,
    rule: 'required-added',
    path: 'a.b',
  },
  {
    name: 'field moved between allOf members',
    before: { allOf: [closed({ a: str, b: str }), { required: ['a'] }] },
    after: { allOf: [closed({ a: str }), { properties: { b: str }, required: ['a'] }] },
    fails: NONE,
  },
  {
    name: '`not` changed (not analysed: both ways)',
    before: { not: str },
    after: { not: { type: 'integer' } },
    fails: ALL,
    rule: 'not-changed',
  },
  {
    name: 'annotations only (title, description, examples, x-*)',
    before: { ...closed({ a: { ...str, description: 'x' } }), title: 'T' },
    after: { ...closed({ a: { ...str, description: 'y', examples: ['e'], 'x-pii': true } }), title: 'U' },
    fails: NONE,
  },
  {
    name: 'recursive schema unchanged',
    before: { $defs: { Node: closed({ next: { $ref: '#/$defs/Node' } }) }, $ref: '#/$defs/Node' },
    after: { $defs: { Node: closed({ next: { $ref: '#/$defs/Node' } }) }, $ref: '#/$defs/Node' },
    fails: NONE,
  },
  {
    name: 'recursive schema, change one level down',
    before: { $defs: { Node: closed({ next: { $ref: '#/$defs/Node' }, v: str }) }, $ref: '#/$defs/Node' },
    after: {
      $defs: { Node: closed({ next: { $ref: '#/$defs/Node' }, v: { ...str, maxLength: 3 } }) },
      $ref: '#/$defs/Node',
    },
    fails: B,
    rule: 'maxLength-added',
    path: 'v',
  },
];

describe('humangov diff: schema rules under BACKWARD, FORWARD and FULL', () => {
  const dir = scratch('diff-schema');
  it.each(rows.map((r, i) => [r.name, r, i] as const))('%s', (_, row, i) => {
    const { fails, report } = judge(dir, writePair(dir, `row${i}`, row.before, row.after));
    expect(report.diagnostics).toEqual([]);
    expect(fails).toEqual(row.fails);
    if (row.rule) expect(report.changes.map((c) => c.rule)).toContain(row.rule);
    else expect(report.changes.filter((c) => c.narrows || c.widens)).toEqual([]);
    if (row.path) expect(report.changes.find((c) => c.rule === row.rule)?.path).toBe(row.path);
  });

  it('reports a field made required with the path, the rule and a fix that names it', () => {
    const { report } = judge(
      dir,
      writePair(dir, 'fix', closed({ a: closed({ b: str }) }), closed({ a: closed({ b: str }, ['b']) })),
    );
    expect(report.changes).toEqual([
      expect.objectContaining({
        rule: 'required-added',
        path: 'a.b',
        message: 'made required',
        breaking: true,
        breaks: { BACKWARD: true, FORWARD: false, FULL: true },
        fix: expect.stringMatching(/^Make the field optional again/),
      }),
    ]);
  });
});
