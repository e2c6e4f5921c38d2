/**
 * Schema Object -> TypeScript type and self-contained JSON Schema.
 *
 * Implements the AsyncAPI 3.0 Schema Object (a superset of JSON Schema draft-07, spec section "Schema Object"),
 * including OpenAPI's `nullable`. Property names come through exactly as on the wire. A schema is *named* when it
 * is a `components.schemas` entry or carries a `title`; named schemas become exported declarations and
 * `definitions` entries, everything else is inlined.
 */
import { VALUE_ASSERTIONS } from '../json-schema-keywords.js';
import { isObject, type Located, nodeId, type Workspace } from '../load/workspace.js';
import { jsdoc, type NameAllocator, propertyKey } from './names.js';

/** JSON Schema draft-07 keywords kept in validator schemas; anything else (x-*, example, discriminator) is dropped. */
const KEYWORDS: ReadonlySet<string> = new Set([
  'type',
  'enum',
  'const',
  'required',
  ...VALUE_ASSERTIONS,
  'title',
  'description',
  'contentMediaType',
  'contentEncoding',
  'readOnly',
  'writeOnly',
]);
/** Keywords whose value is a schema or a list/map of schemas. */
const SUBSCHEMA = new Set([
  'items',
  'additionalItems',
  'additionalProperties',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
]);
const SUBSCHEMA_LIST = new Set(['allOf', 'anyOf', 'oneOf']);
const SUBSCHEMA_MAP = new Set(['properties', 'patternProperties']);

export interface NamedSchema {
  readonly name: string;
  readonly node: Located;
}

/** Collects named schemas and renders types and validator schemas for them. */
export class SchemaTransform {
  private readonly named = new Map<string, NamedSchema>();

  constructor(
    private readonly ws: Workspace,
    private readonly names: NameAllocator,
  ) {}

  /** The declared name of a schema node, if it has one (component key or title). */
  nameOf(node: Located): string | undefined {
    const id = nodeId(node);
    const known = this.named.get(id);
    if (known) return known.name;
    const p = node.path;
    let wanted: string | undefined;
    if (p.length === 3 && p[0] === 'components' && p[1] === 'schemas') wanted = p[2];
    else if (p.length === 2 && (p[0] === 'definitions' || p[0] === '$defs')) wanted = p[1];
    else if (isObject(node.value) && typeof node.value.title === 'string') wanted = node.value.title;
    if (wanted === undefined) return undefined;
    const name = this.names.name(id, wanted);
    this.named.set(id, { name, node });
    return name;
  }

  /** All named schemas met so far, sorted by name. */
  declarations(): NamedSchema[] {
    return [...this.named.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** `export interface X {...}` or `export type X = ...` for a named schema. */
  declaration(named: NamedSchema): string {
    const v = named.node.value;
    const doc = isObject(v) ? describe(v) : [];
    const body = this.typeBody(named.node, '', new Set([nodeId(named.node)]));
    const header = jsdoc(doc);
    return body.startsWith('{') && body.endsWith('}') && paren(body) === body
      ? `${header}export interface ${named.name} ${body}\n`
      : `${header}export type ${named.name} = ${body};\n`;
  }

  /** TypeScript type expression for a schema node: a name when it is named, its body otherwise. */
  typeOf(node: Located, indent = '', stack = new Set<string>()): string {
    const target = this.ws.deref(node);
    if (!target) return 'unknown';
    const name = this.nameOf(target);
    if (name) return name;
    const id = nodeId(target);
    if (stack.has(id)) {
      // An unnamed schema that contains itself: give it a name so the type can refer to itself.
      return this.names.name(id, target.path[target.path.length - 1] ?? 'Recursive');
    }
    return this.typeBody(target, indent, new Set([...stack, id]));
  }

  private typeBody(node: Located, indent: string, stack: Set<string>): string {
    const v = node.value;
    if (v === true || (isObject(v) && Object.keys(v).every((k) => !isTypeKeyword(k)))) return 'unknown';
    if (v === false) return 'never';
    if (!isObject(v)) {
      this.ws.report(
        node,
        'warning',
        'schema-unsupported',
        'a schema must be an object or a boolean; typed as unknown',
      );
      return 'unknown';
    }
    const list = (key: string, sep: string) =>
      unique(this.ws.items(node, key).map((item) => paren(this.typeOf(item, indent, stack)))).join(sep) || undefined;
    let type: string;
    if ('const' in v) type = literal(v.const);
    else if (Array.isArray(v.enum)) type = unique(v.enum.map(literal)).join(' | ') || 'never';
    else {
      const parts: string[] = [];
      const union = list('oneOf', ' | ') ?? list('anyOf', ' | ');
      if (union) parts.push(paren(union));
      const all = list('allOf', ' & ');
      if (all) parts.push(all);
      const own = this.ownType(node, v, indent, stack);
      if (own) parts.push(paren(own));
      type = parts.length === 0 ? 'unknown' : parts.join(' & ');
    }
    if (v.nullable === true && type !== 'unknown') type = `${paren(type)} | null`;
    return type;
  }

  private ownType(node: Located, v: Record<string, unknown>, indent: string, stack: Set<string>): string | undefined {
    const declared = Array.isArray(v.type) ? (v.type as unknown[]) : v.type === undefined ? [] : [v.type];
    const types = declared.length > 0 ? declared.map(String) : inferTypes(v);
    if (types.length === 0) return undefined;
    const parts = types.map((t) => {
      switch (t) {
        case 'string':
          return 'string';
        case 'number':
        case 'integer':
          return 'number';
        case 'boolean':
          return 'boolean';
        case 'null':
          return 'null';
        case 'array':
          return this.arrayType(node, indent, stack);
        case 'object':
          return this.objectType(node, v, indent, stack);
        default:
          this.ws.report(node, 'warning', 'schema-unsupported', `unknown type "${t}"; typed as unknown`);
          return 'unknown';
      }
    });
    return unique(parts).join(' | ');
  }

  private arrayType(node: Located, indent: string, stack: Set<string>): string {
    const items = this.ws.child(node, 'items');
    if (!items) return 'readonly unknown[]';
    if (Array.isArray(items.value)) {
      return `readonly [${this.ws
        .items(node, 'items')
        .map((item) => this.typeOf(item, indent, stack))
        .join(', ')}]`;
    }
    return `readonly ${paren(this.typeOf(items, indent, stack))}[]`;
  }

  private objectType(node: Located, v: Record<string, unknown>, indent: string, stack: Set<string>): string {
    const inner = indent + '  ';
    const required = new Set(Array.isArray(v.required) ? v.required.map(String) : []);
    const lines: string[] = [];
    const props = this.ws.child(node, 'properties');
    if (props && isObject(props.value)) {
      for (const key of Object.keys(props.value)) {
        const prop = this.ws.child(props, key)!;
        const shown = this.ws.deref(prop);
        const doc = [...(isObject(prop.value) ? describe(prop.value) : [])];
        if (shown && shown !== prop && isObject(shown.value) && doc.length === 0 && !this.nameOf(shown)) {
          doc.push(...describe(shown.value));
        }
        const optional = required.has(key) ? '' : '?';
        lines.push(
          `${jsdoc(doc, inner)}${inner}readonly ${propertyKey(key)}${optional}: ${this.typeOf(prop, inner, stack)};`,
        );
      }
    }
    const extra = this.ws.child(node, 'additionalProperties');
    const open = extra ? extra.value !== false : false;
    const patterned = isObject(v.patternProperties) && Object.keys(v.patternProperties).length > 0;
    if (lines.length === 0 && extra && isObject(extra.value) && !patterned) {
      return `{ readonly [key: string]: ${this.typeOf(extra, inner, stack)} }`;
    }
    if (open || patterned) lines.push(`${inner}readonly [key: string]: unknown;`);
    if (lines.length === 0)
      return v.additionalProperties === false ? 'Record<string, never>' : '{ readonly [key: string]: unknown }';
    return `{\n${lines.join('\n')}\n${indent}}`;
  }

  /**
   * A self-contained draft-07 JSON Schema for a root node: references to named schemas become
   * `#/definitions/<Name>`, unnamed references are inlined, extension keywords are dropped.
   */
  jsonSchema(root: Located): Record<string, unknown> {
    const definitions: Record<string, unknown> = {};
    const pending: NamedSchema[] = [];
    const visit = (node: Located, isRoot: boolean, stack: Set<string>): unknown => {
      const target = this.ws.deref(node);
      if (!target) return {};
      const name = this.nameOf(target);
      if (name && !isRoot) {
        if (!(name in definitions)) {
          definitions[name] = null;
          pending.push({ name, node: target });
        }
        return { $ref: `#/definitions/${name}` };
      }
      const id = nodeId(target);
      if (stack.has(id)) return {};
      return this.plainSchema(target, (child) => visit(child, false, new Set([...stack, id])));
    };
    const rootTarget = this.ws.deref(root);
    const schema = rootTarget ? (visit(rootTarget, true, new Set()) as Record<string, unknown>) : {};
    for (let named = pending.shift(); named; named = pending.shift()) {
      definitions[named.name] = visit(named.node, true, new Set());
    }
    if (Object.keys(definitions).length === 0) return schema;
    const sorted = Object.fromEntries(
      Object.keys(definitions)
        .sort()
        .map((k) => [k, definitions[k]]),
    );
    return { ...schema, definitions: sorted };
  }

  private plainSchema(node: Located, visit: (child: Located) => unknown): unknown {
    const v = node.value;
    if (typeof v === 'boolean') return v;
    if (!isObject(v)) return {};
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(v)) {
      const child = this.ws.child(node, key)!;
      if (KEYWORDS.has(key)) out[key] = value;
      else if (SUBSCHEMA.has(key)) {
        out[key] = Array.isArray(value) ? value.map((_, i) => visit(this.ws.child(child, i)!)) : visit(child);
      } else if (SUBSCHEMA_LIST.has(key) && Array.isArray(value)) {
        out[key] = value.map((_, i) => visit(this.ws.child(child, i)!));
      } else if (SUBSCHEMA_MAP.has(key) && isObject(value)) {
        out[key] = Object.fromEntries(Object.keys(value).map((k) => [k, visit(this.ws.child(child, k)!)]));
      }
    }
    if (v.nullable === true) {
      // The TypeScript type says `| null`, so the validator must accept null whatever keywords carry the schema.
      if ('const' in out || 'oneOf' in out || 'anyOf' in out || 'allOf' in out)
        return { anyOf: [out, { type: 'null' }] };
      if (typeof out.type === 'string') out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    }
    return out;
  }

  /**
   * JSON pointers of the fields marked `x-pii: true` under a root schema; `*` stands for any array item or map value.
   */
  piiPaths(root: Located): string[] {
    const found = new Set<string>();
    const walk = (node: Located, path: string, stack: Set<string>) => {
      const target = this.ws.deref(node);
      if (!target || !isObject(target.value)) return;
      if ((isObject(node.value) && node.value['x-pii'] === true) || target.value['x-pii'] === true) {
        found.add(path || '/');
      }
      const id = nodeId(target);
      if (stack.has(id)) return;
      const next = new Set([...stack, id]);
      const props = this.ws.child(target, 'properties');
      if (props && isObject(props.value)) {
        for (const key of Object.keys(props.value)) {
          walk(this.ws.child(props, key)!, `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, next);
        }
      }
      for (const key of ['items', 'additionalProperties']) {
        const child = this.ws.child(target, key);
        if (child && isObject(child.value)) walk(child, `${path}/*`, next);
      }
      for (const key of SUBSCHEMA_LIST) {
        for (const item of this.ws.items(target, key)) walk(item, path, next);
      }
    };
    walk(root, '', new Set());
    return [...found].sort();
  }
}

const isTypeKeyword = (k: string): boolean =>
  KEYWORDS.has(k) ||
  SUBSCHEMA.has(k) ||
  SUBSCHEMA_LIST.has(k) ||
  SUBSCHEMA_MAP.has(k) ||
  k === '$ref' ||
  k === 'nullable';

function inferTypes(v: Record<string, unknown>): string[] {
  if ('properties' in v || 'additionalProperties' in v || 'patternProperties' in v || 'required' in v)
    return ['object'];
  if ('items' in v) return ['array'];
  return [];
}

function describe(v: Record<string, unknown>): string[] {
  const lines: string[] = [];
  if (typeof v.description === 'string') lines.push(v.description.trim());
  else if (typeof v.summary === 'string') lines.push(v.summary.trim());
  if (typeof v.format === 'string') lines.push(`@format ${v.format}`);
  if (v['x-pii'] === true) lines.push('@pii personal data (x-pii): never log it, redact it in dead letters');
  if (v.deprecated === true) lines.push('@deprecated');
  return lines;
}

const literal = (value: unknown): string => (value === undefined ? 'undefined' : JSON.stringify(value));
const unique = (parts: string[]): string[] => [...new Set(parts)];
/** Wraps a type in parentheses when it has a top-level `|` or `&`, or is a `readonly` array, so it can be an operand. */
function paren(t: string): string {
  if (t.startsWith('readonly ')) return `(${t})`;
  let depth = 0;
  let quote = '';
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (!quote && t.startsWith('/*', i)) {
      i = t.indexOf('*/', i + 2) + 1;
      if (i === 0) break;
    } else if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"') quote = c;
    else if ('{[(<'.includes(c)) depth++;
    else if ('}])>'.includes(c)) depth--;
    else if (depth === 0 && (c === '|' || c === '&')) return `(${t})`;
  }
  return t;
}
