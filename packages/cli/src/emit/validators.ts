/**
 * Precompiled validators (ajv standalone): no schema is compiled at run time. The output depends only on
 * `ajv-formats`' format table; ajv's own runtime helpers are inlined so the module needs nothing else.
 */
import { _, Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { isObject } from '../load/workspace.js';

export interface ValidatorInput {
  readonly exportName: string;
  readonly schema: Record<string, unknown>;
}

/** Helpers that ajv's generated code would `require`, written out so the module is self-contained. */
const RUNTIME: Readonly<Record<string, string>> = {
  // Code points, as ajv counts them: UTF-16 length minus the surrogate pairs. The regex test runs natively, where
  // iterating the string by code point took ~4 us per 800 characters on the publish and consume paths.
  'ajv/dist/runtime/ucs2length': `const __surrogate = /[\\uD800-\\uDBFF]/;
const __pair = /[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]/g;
function __ucs2length(str) {
  let length = str.length;
  if (!__surrogate.test(str)) return length;
  __pair.lastIndex = 0;
  while (__pair.exec(str) !== null) length--;
  return length;
}`,
  'ajv/dist/runtime/equal': `function __equal(a, b) {
  if (a === b) return true;
  if (a && b && typeof a == 'object' && typeof b == 'object') {
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && __equal(a[k], b[k]));
  }
  return a !== a && b !== b;
}`,
};

/**
 * The format table of the generated module: ajv-formats' full formats, with a fast path for `date-time`. The full
 * check splits the string and runs two regexes (~0.5 us); most timestamps are `YYYY-MM-DDTHH:MM:SS[.fraction]Z`,
 * which the fast path confirms from character codes (~0.07 us). It only ever says yes: anything it does not confirm
 * goes to the full check, so the module accepts exactly what ajv-formats accepts.
 */
const FORMATS = `const __DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function __twoDigits(s, i) {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}
function __isUtcDateTime(s) {
  const n = s.length;
  if (n < 20 || s.charCodeAt(n - 1) !== 90 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  if (s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return false;
  const century = __twoDigits(s, 0);
  const yy = __twoDigits(s, 2);
  const month = __twoDigits(s, 5);
  const day = __twoDigits(s, 8);
  const hour = __twoDigits(s, 11);
  const minute = __twoDigits(s, 14);
  const second = __twoDigits(s, 17);
  if (century < 0 || yy < 0 || month < 1 || month > 12 || day < 1) return false;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  const year = century * 100 + yy;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : __DAYS[month])) return false;
  if (n === 20) return true;
  if (n === 21 || s.charCodeAt(19) !== 46) return false;
  for (let i = 20; i < n - 1; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
const __fullDateTime = __fullFormats['date-time'];
const __formats = {
  ...__fullFormats,
  'date-time': { ...__fullDateTime, validate: (s) => __isUtcDateTime(s) || __fullDateTime.validate(s) },
};`;

/** Generates the `validators.ts` module. Throws only on an ajv helper this generator does not know (a bug). */
export function emitValidators(head: string, inputs: readonly ValidatorInput[]): string {
  const ajv = new Ajv({
    code: { source: true, esm: true, lines: false, formats: _`__formats` },
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    allErrors: false,
    logger: false,
  });
  addFormats.default(ajv);
  const unknownFormats = new Set<string>();
  for (const input of inputs) collectFormats(input.schema, unknownFormats);
  for (const format of unknownFormats) ajv.addFormat(format, true);
  const refs: Record<string, string> = {};
  inputs.forEach((input, i) => {
    ajv.addSchema(input.schema, `schema${i}`);
    refs[input.exportName] = `schema${i}`;
  });
  let code = inputs.length > 0 ? standaloneCode.default(ajv, refs) : '';
  code = code.replace(/^"use strict";/, '');
  const used = new Set<string>();
  code = code.replace(/require\("([^"]+)"\)\.default/g, (_match: string, module: string) => {
    if (!(module in RUNTIME))
      throw new Error(`ajv standalone code requires ${module}, which the generator does not inline`);
    used.add(module);
    return `__${module.split('/').pop()}`;
  });
  if (/require\(/.test(code)) throw new Error('ajv standalone code still calls require()');
  code = shortCircuitLengths(code);
  code = code.replace(/export const (\w+) = (\w+);/g, 'export const $1: Validator = $2 as Validator;');
  return [
    head,
    '// @ts-nocheck: the body below is ajv standalone output, typed through the exports.',
    "import { fullFormats as __fullFormats } from 'ajv-formats/dist/formats.js';",
    '',
    FORMATS,
    '',
    '/** One error of a validator: `instancePath` is a JSON pointer into the validated data. */',
    'export interface ValidationError {',
    '  readonly instancePath: string;',
    '  readonly schemaPath: string;',
    '  readonly keyword: string;',
    '  readonly params: Readonly<Record<string, unknown>>;',
    '  readonly message?: string;',
    '}',
    '',
    '/** A precompiled validator: true when `data` is valid; the errors of the last failed call are on `errors`. */',
    'export interface Validator {',
    '  (data: unknown): boolean;',
    '  errors?: readonly ValidationError[] | null;',
    '}',
    '',
    ...[...used].sort().map((m) => RUNTIME[m] + '\n'),
    code.replace(/;(?=export const)/g, ';\n'),
    '',
  ].join('\n');
}

/**
 * `maxLength`/`minLength` count code points (`__ucs2length`, a scan of the whole string). A string has at most as many
 * code points as UTF-16 units and at least half as many, so most strings are decided by `length` alone:
 * `len(x) > N` only when `x.length > N`; `len(x) < N` always when `x.length < N`, never when `x.length >= 2N`.
 */
function shortCircuitLengths(code: string): string {
  const alias = /const (func\d+) = __ucs2length;/.exec(code)?.[1];
  if (!alias) return code;
  return code
    .replaceAll(new RegExp(`${alias}\\((\\w+)\\) > (\\d+)`, 'g'), (_m, x: string, n: string) => {
      return `(${x}.length > ${n} && ${alias}(${x}) > ${n})`;
    })
    .replaceAll(new RegExp(`${alias}\\((\\w+)\\) < (\\d+)`, 'g'), (_m, x: string, n: string) => {
      return `(${x}.length < ${n} || (${x}.length < ${2 * Number(n)} && ${alias}(${x}) < ${n}))`;
    });
}

function collectFormats(schema: unknown, unknown: Set<string>): void {
  if (Array.isArray(schema)) for (const s of schema) collectFormats(s, unknown);
  else if (isObject(schema)) {
    if (typeof schema.format === 'string' && !(schema.format in fullFormats)) unknown.add(schema.format);
    for (const value of Object.values(schema)) collectFormats(value, unknown);
  }
}
