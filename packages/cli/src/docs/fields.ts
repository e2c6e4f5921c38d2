/**
 * A payload (or headers) schema as a flat list of fields, one row per property at any depth, for the docs' schema
 * tables and version diffs. Reads Schema Objects (AsyncAPI 3.0 "Schema Object", JSON Schema draft-07) through the
 * shared Workspace, so `$ref`s resolve exactly as for `humangov generate`.
 */

import { VALUE_ASSERTIONS } from '../json-schema-keywords.js';
import { isObject, type Located, nodeId, type Workspace } from '../load/workspace.js';
import type { SchemaTransform } from '../transform/schema-object.js';

/** One field of a schema. */
export interface FieldRow {
  /** JSON pointer of the field in the payload; `*` stands for any array item or map value (as in `piiPaths`). */
  readonly pointer: string;
  /** The field as a reader writes it: `address.line1`, `evidence[].id`. */
  readonly label: string;
  /** `string`, `integer`, `object`, `array<string>`, `string | null`, a named schema's base type... */
  readonly type: string;
  readonly required: boolean;
  /** Format, enum values, bounds, pattern, default: each as `keyword: value`. */
  readonly constraints: readonly string[];
  readonly description?: string;
  /** `own`: marked `x-pii: true`; `inherited`: inside a field that is. */
  readonly pii?: 'own' | 'inherited';
  readonly deprecated: boolean;
}

const CONSTRAINTS = [...VALUE_ASSERTIONS, 'default'] as const;
/** Nesting deeper than this is cut (a row says so); real payloads stay far below it. */
const MAX_DEPTH = 8;

/** The fields of a schema, in declaration order (parents before children). */
export function fieldRows(ws: Workspace, schemas: SchemaTransform, root: Located): FieldRow[] {
  const pii = new Set(schemas.piiPaths(root));
  const rows = new Map<string, FieldRow>();
  const add = (row: Omit<FieldRow, 'pii'>) => {
    if (rows.has(row.pointer)) return;
    const own = pii.has(row.pointer);
    const inherited = !own && [...pii].some((p) => p === '/' || row.pointer.startsWith(`${p}/`));
    rows.set(row.pointer, { ...row, ...((own || inherited) && { pii: own ? 'own' : 'inherited' }) });
  };

  const walk = (node: Located, pointer: string, label: string, stack: ReadonlySet<string>) => {
    const target = ws.deref(node);
    if (!target || !isObject(target.value)) return;
    const id = nodeId(target);
    if (stack.has(id) || stack.size >= MAX_DEPTH) return;
    const next = new Set([...stack, id]);
    for (const part of composed(ws, target)) {
      const v = part.value as Record<string, unknown>;
      const required = new Set(Array.isArray(v.required) ? v.required.map(String) : []);
      const props = ws.child(part, 'properties');
      if (props && isObject(props.value)) {
        for (const key of Object.keys(props.value)) {
          const prop = ws.child(props, key)!;
          const childPointer = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
          const childLabel = label ? `${label}.${key}` : key;
          add({ pointer: childPointer, label: childLabel, required: required.has(key), ...describeField(ws, prop) });
          walk(prop, childPointer, childLabel, next);
        }
      }
      for (const [key, suffix] of [
        ['items', '[]'],
        ['additionalProperties', '.*'],
      ] as const) {
        const child = ws.child(part, key);
        const shown = child && ws.deref(child);
        if (!child || !shown || !isObject(shown.value) || !hasFields(ws, shown)) continue;
        const childLabel = `${label || '(payload)'}${suffix}`;
        walk(child, `${pointer}/*`, childLabel, next);
      }
    }
  };

  const target = ws.deref(root);
  if (target && isObject(target.value) && !hasFields(ws, target)) {
    add({ pointer: '', label: '(payload)', required: true, ...describeField(ws, root) });
  }
  walk(root, '', '', new Set());
  return [...rows.values()];
}

/** A schema and the parts it is composed of (allOf, oneOf, anyOf), dereferenced, each once. */
function composed(ws: Workspace, target: Located): Located[] {
  const out: Located[] = [];
  const seen = new Set<string>();
  const visit = (node: Located) => {
    const t = ws.deref(node);
    if (!t || !isObject(t.value) || seen.has(nodeId(t))) return;
    seen.add(nodeId(t));
    out.push(t);
    for (const key of ['allOf', 'oneOf', 'anyOf']) for (const item of ws.items(t, key)) visit(item);
  };
  visit(target);
  return out;
}

/** Whether a schema has nested fields worth their own rows (properties, or items/values that have them). */
function hasFields(ws: Workspace, target: Located): boolean {
  return composed(ws, target).some((part) => {
    const v = part.value as Record<string, unknown>;
    if (isObject(v.properties) && Object.keys(v.properties).length > 0) return true;
    for (const key of ['items', 'additionalProperties']) {
      const child = ws.child(part, key);
      const shown = child && ws.deref(child);
      if (shown && isObject(shown.value) && hasFields(ws, shown)) return true;
    }
    return false;
  });
}

/** Type, constraints, description and deprecation of a property node (its own keywords win over its `$ref`'s). */
function describeField(
  ws: Workspace,
  node: Located,
): Pick<FieldRow, 'type' | 'constraints' | 'description' | 'deprecated'> {
  const target = ws.deref(node);
  const own = isObject(node.value) ? node.value : {};
  const v = target && isObject(target.value) ? target.value : {};
  const pick = (key: string): unknown => (key in own && key !== '$ref' ? own[key] : v[key]);
  const constraints: string[] = [];
  const values = pick('enum');
  if (Array.isArray(values)) constraints.push(`one of: ${values.map(show).join(', ')}`);
  if ('const' in own || 'const' in v) constraints.push(`const: ${show(pick('const'))}`);
  for (const key of CONSTRAINTS) {
    const value = pick(key);
    if (value !== undefined) constraints.push(`${key}: ${show(value)}`);
  }
  const description = pick('description') ?? pick('title');
  return {
    type: target ? typeName(ws, target, 0) : 'unknown',
    constraints,
    ...(typeof description === 'string' && { description: description.trim() }),
    deprecated: pick('deprecated') === true,
  };
}

/** A short type expression for a dereferenced schema: `string`, `array<object>`, `string | null`, `oneOf(A | B)`. */
export function typeName(ws: Workspace, target: Located, depth: number): string {
  const v = target.value;
  if (v === true || v === undefined) return 'any';
  if (v === false) return 'never';
  if (!isObject(v)) return 'unknown';
  let type: string;
  if (Array.isArray(v.type)) type = v.type.map(String).join(' | ');
  else if (typeof v.type === 'string') type = v.type;
  else if (isObject(v.properties) || isObject(v.additionalProperties)) type = 'object';
  else if ('items' in v) type = 'array';
  else if ('const' in v) type = typeof v.const;
  else if (Array.isArray(v.enum)) type = [...new Set(v.enum.map((e) => (e === null ? 'null' : typeof e)))].join(' | ');
  else type = '';
  if (type.split(' | ').includes('array') && depth < 3) {
    const items = ws.child(target, 'items');
    const shown = items && !Array.isArray(items.value) ? ws.deref(items) : undefined;
    if (shown) type = type.replace('array', `array<${typeName(ws, shown, depth + 1)}>`);
  }
  for (const key of ['oneOf', 'anyOf', 'allOf']) {
    const parts = ws.items(target, key).map((item) => {
      const t = ws.deref(item);
      if (!t) return 'unknown';
      const name = t.path.length === 3 && t.path[1] === 'schemas' ? t.path[2] : undefined;
      const title = isObject(t.value) && typeof t.value.title === 'string' ? t.value.title : undefined;
      return name ?? title ?? (depth < 3 ? typeName(ws, t, depth + 1) : 'unknown');
    });
    if (parts.length > 0)
      type = [type, `${key}(${parts.join(key === 'allOf' ? ' & ' : ' | ')})`].filter(Boolean).join(' ');
  }
  if (v.nullable === true && !type.includes('null')) type = `${type || 'any'} | null`;
  return type || 'any';
}

const show = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));
