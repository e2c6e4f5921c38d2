/**
 * A schema seen through `$ref`s and `allOf`: the flattened facts the comparison needs. JSON Schema draft-07 /
 * 2020-12 as AsyncAPI 3 and OpenAPI 3.x use it, plus OpenAPI 3.0's `nullable` and boolean `exclusiveMinimum`.
 */

import { VALUE_ASSERTIONS } from '../json-schema-keywords.js';
import { isObject, type Located, nodeId, type Workspace } from '../load/workspace.js';

/** A schema position: a node, `true` (anything: an absent schema or an open content model) or `false` (nothing). */
export type SchemaRef = Located | boolean;

export const JSON_TYPES = ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'] as const;

export interface SchemaView {
  /** Identity for cycle detection; undefined for `true`/`false`. */
  readonly id?: string;
  /** `false`: no value is valid. */
  readonly nothing: boolean;
  /** Allowed JSON types; undefined means every type. */
  readonly types?: ReadonlySet<string>;
  /** Allowed values (`enum`, or `const` as one value); undefined means no such restriction. */
  readonly values?: readonly unknown[];
  /** Scalar assertion keywords (format, pattern, bounds, multipleOf, uniqueItems, ...) after `allOf` merging. */
  readonly keywords: Readonly<Record<string, unknown>>;
  readonly properties: ReadonlyMap<string, Located>;
  readonly required: ReadonlySet<string>;
  readonly patternProperties: ReadonlyMap<string, Located>;
  /** What undeclared properties may be: `true` when absent (open content model). */
  readonly additional: SchemaRef;
  /** Schema of array items (`true` when absent); tuple forms land in `other`. */
  readonly items: SchemaRef;
  /** `oneOf` / `anyOf` branches (dereferenced), when present. */
  readonly union?: { readonly keyword: 'oneOf' | 'anyOf'; readonly branches: readonly Located[] };
  /** Other assertion keywords (not, if/then/else, contains, dependencies, tuples...), compared as a whole. */
  readonly other: Readonly<Record<string, unknown>>;
  readonly deprecated: boolean;
}

/** Keywords that only annotate: changing them changes no valid value. */
const ANNOTATIONS = new Set([
  'title',
  'description',
  'examples',
  'example',
  'default',
  '$comment',
  '$id',
  '$schema',
  '$anchor',
  'externalDocs',
  'xml',
  'discriminator',
  'readOnly',
  'writeOnly',
  'contentMediaType',
  'contentEncoding',
  'definitions',
  '$defs',
]);
/** Keywords this module reads itself. */
const STRUCTURAL = new Set([
  'type',
  'nullable',
  'enum',
  'const',
  'properties',
  'required',
  'patternProperties',
  'additionalProperties',
  'items',
  'allOf',
  'oneOf',
  'anyOf',
  'deprecated',
  '$ref',
]);
/** Scalar assertions compared keyword by keyword (schema-keywords.ts). */
export const SCALAR_KEYWORDS = new Set<string>(VALUE_ASSERTIONS);

/** Follows `$ref`s; a broken reference counts as "anything" (the workspace has reported it). */
export function resolveSchema(ws: Workspace, ref: SchemaRef | undefined): Located | boolean {
  if (ref === undefined || typeof ref === 'boolean') return ref ?? true;
  const node = ws.deref(ref);
  if (!node) return true;
  return typeof node.value === 'boolean' ? node.value : node;
}

/** The flattened view of a schema position. */
export function viewOf(ws: Workspace, ref: SchemaRef | undefined): SchemaView {
  const target = resolveSchema(ws, ref);
  const empty = { keywords: {}, properties: new Map(), required: new Set<string>(), patternProperties: new Map() };
  if (typeof target === 'boolean') {
    return { ...empty, nothing: !target, additional: true, items: true, other: {}, deprecated: false };
  }
  const acc = new Accumulator(ws);
  acc.add(target, new Set());
  return acc.view(nodeId(target));
}

class Accumulator {
  types?: Set<string>;
  values?: unknown[];
  nullable = false;
  nothing = false;
  deprecated = false;
  readonly keywords: Record<string, unknown> = {};
  readonly other: Record<string, unknown> = {};
  readonly properties = new Map<string, Located>();
  readonly required = new Set<string>();
  readonly patternProperties = new Map<string, Located>();
  additional?: SchemaRef;
  items?: SchemaRef;
  union?: { keyword: 'oneOf' | 'anyOf'; branches: Located[] };

  constructor(private readonly ws: Workspace) {}

  add(node: Located, seen: Set<string>): void {
    const id = nodeId(node);
    if (seen.has(id)) return;
    seen.add(id);
    const v = node.value;
    if (v === false) this.nothing = true;
    if (!isObject(v)) return;
    if (v.type !== undefined) {
      const list = (Array.isArray(v.type) ? v.type : [v.type]).map(String);
      this.types = this.types ? new Set(list.filter((t) => this.types!.has(t))) : new Set(list);
    }
    if (v.nullable === true) this.nullable = true;
    if (Array.isArray(v.enum)) this.values ??= v.enum;
    if ('const' in v) this.values ??= [v.const];
    if (v.deprecated === true) this.deprecated = true;
    for (const [key, value] of Object.entries(v)) {
      if (SCALAR_KEYWORDS.has(key)) this.keywords[key] ??= value;
      else if (!STRUCTURAL.has(key) && !ANNOTATIONS.has(key) && !key.startsWith('x-')) this.other[key] ??= value;
    }
    for (const [key, target] of [
      ['properties', this.properties],
      ['patternProperties', this.patternProperties],
    ] as const) {
      const map = this.ws.child(node, key);
      if (map && isObject(map.value))
        for (const name of Object.keys(map.value)) target.set(name, this.ws.child(map, name)!);
    }
    if (Array.isArray(v.required)) for (const name of v.required) this.required.add(String(name));
    const additional = this.ws.child(node, 'additionalProperties');
    // `false` in any allOf member closes the merged object: that is how validators treat it too.
    if (additional && (this.additional === undefined || additional.value === false)) this.additional = additional;
    const items = this.ws.child(node, 'items');
    if (items) {
      if (Array.isArray(items.value)) this.other.items ??= items.value;
      else this.items ??= items;
    }
    for (const keyword of ['oneOf', 'anyOf'] as const) {
      if (!Array.isArray(v[keyword]) || this.union) continue;
      const branches = this.ws.items(node, keyword).map((b) => this.ws.deref(b) ?? b);
      this.union = { keyword, branches };
    }
    for (const member of this.ws.items(node, 'allOf')) {
      const target = this.ws.deref(member);
      if (target) this.add(target, seen);
    }
  }

  view(id: string): SchemaView {
    let types = this.types;
    if (types && this.nullable) types = new Set([...types, 'null']);
    let values = this.values;
    if (values && this.nullable && !values.includes(null)) values = [...values, null];
    return {
      id,
      nothing: this.nothing || types?.size === 0,
      ...(types && { types }),
      ...(values && { values }),
      keywords: this.keywords,
      properties: this.properties,
      required: this.required,
      patternProperties: this.patternProperties,
      additional: this.additional ?? true,
      items: this.items ?? true,
      ...(this.union && { union: this.union }),
      other: this.other,
      deprecated: this.deprecated,
    };
  }
}

/** The schema a property name gets: declared, else the first matching pattern property, else `additionalProperties`. */
export function propertySchema(view: SchemaView, name: string): SchemaRef {
  const declared = view.properties.get(name);
  if (declared) return declared;
  for (const [pattern, schema] of view.patternProperties) {
    try {
      if (new RegExp(pattern, 'u').test(name)) return schema;
    } catch {
      // An invalid pattern matches nothing; lint reports it.
    }
  }
  return view.additional;
}

/** A stable text form of a JSON value (sorted keys), for equality and for enum values in messages. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'undefined';
}
