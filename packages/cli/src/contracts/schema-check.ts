/**
 * Checks a pact's example value against a spec schema, the bi-directional way: the pact must not ask for anything
 * the schema does not promise.
 * - Values: validated with ajv (the generator's JSON Schema of the node, so `$ref`s resolve the same way).
 *   Under a `type`-like matcher only the type counts (see `rules.ts`).
 * - Fields: every field of the example must be declared by the schema (`properties`, `patternProperties`, or an
 *   `additionalProperties` schema), whether or not the schema is closed: an open schema allows more fields but
 *   promises none of them, so a consumer relying on one relies on nothing.
 * - Required fields: enforced only for what the consumer sends (`partial: false`); what the provider sends may be
 *   described partly, since a consumer asks only for the fields it reads.
 */

import { appendPactPath } from '@humangov/testing';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { fromPointer } from '../diagnostics.js';
import { VALUE_ASSERTIONS } from '../json-schema-keywords.js';
import { isObject, type Located, nodeId } from '../load/workspace.js';
import type { Problem } from './finding.js';
import type { RuleIndex } from './rules.js';
import type { SpecIndex } from './spec-index.js';

/** One check: `value` (found at Pact path `at`) against `schema`. */
export interface SchemaCheckInput {
  readonly schema: Located;
  readonly value: unknown;
  readonly rules: RuleIndex;
  /** Pact JSON path of `value`, e.g. `$.contents` or `$.response.body`. */
  readonly at: string;
  /** Where `value` sits inside the body the rules are keyed from (`['data']` for a structured CloudEvent). */
  readonly rulePrefix?: readonly (string | number)[];
  /** True for what the provider sends: fields the schema requires may be left out. */
  readonly partial: boolean;
}

/** Keywords about a value rather than its type: a `type`-like matcher does not ask for them. */
const VALUE_KEYWORDS = new Set<string>(['enum', 'const', ...VALUE_ASSERTIONS]);

export class SchemaChecker {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly index: SpecIndex) {
    addFormats.default(this.ajv);
  }

  check(input: SchemaCheckInput): Problem[] {
    const problems = [...this.values(input), ...this.fields(input)];
    const seen = new Set<string>();
    return problems.filter((p) => {
      const key = `${p.path}\n${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  private validator(schema: Located, partial: boolean): ValidateFunction {
    const key = `${nodeId(schema)}|${partial}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      const json = this.index.schemas.jsonSchema(schema);
      validate = this.ajv.compile((partial ? withoutRequired(json, false) : json) as Record<string, unknown>);
      this.compiled.set(key, validate);
    }
    return validate;
  }

  private values(input: SchemaCheckInput): Problem[] {
    const validate = this.validator(input.schema, input.partial);
    if (validate(input.value)) return [];
    const errors = validate.errors ?? [];
    return errors.flatMap((e): Problem[] => {
      // Undeclared fields are reported by `fields`, with the declared names; branch details by their oneOf/anyOf.
      if (e.keyword === 'additionalProperties' || e.keyword === 'unevaluatedProperties') return [];
      if (/\/(oneOf|anyOf)\/\d+\//.test(e.schemaPath)) return [];
      const steps = stepsOf(input.value, e.instancePath);
      const governing = input.rules.at([...(input.rulePrefix ?? []), ...steps]);
      if (governing.mode === 'shape' && VALUE_KEYWORDS.has(e.keyword)) return [];
      let path = steps.reduce<string>((p, s) => appendPactPath(p, s), input.at);
      if (e.keyword === 'required') path = appendPactPath(path, String(e.params.missingProperty));
      return [{ path, at: this.locate(input.schema, e.schemaPath), message: explain(e, valueAt(input.value, steps)) }];
    });
  }

  /** The spec node an ajv `schemaPath` names (through `#/definitions/<Name>` or the root). */
  private locate(root: Located, schemaPath: string): Located {
    const { ws, schemas } = this.index;
    const steps = fromPointer(schemaPath.replace(/^#/, ''));
    let current: Located | undefined = ws.deref(root) ?? root;
    if (steps[0] === 'definitions' && steps[1] !== undefined) {
      current = schemas.declarations().find((d) => d.name === steps[1])?.node ?? current;
      steps.splice(0, 2);
    }
    for (const step of steps) {
      const base: Located = ws.deref(current) ?? current;
      const next = ws.child(base, step);
      if (!next) break;
      current = next;
    }
    return current;
  }

  private fields(input: SchemaCheckInput): Problem[] {
    const problems: Problem[] = [];
    const walk = (value: unknown, nodes: readonly Located[], steps: (string | number)[]) => {
      const schemas = this.expand(nodes);
      const governing = input.rules.at([...(input.rulePrefix ?? []), ...steps]);
      const path = steps.reduce<string>((p, s) => appendPactPath(p, s), input.at);
      if (governing.mode === 'regex' && (typeof value === 'string' || typeof value === 'number')) {
        const regex = governing.rule?.matchers.find((m) => m.match === 'regex')?.regex;
        if (regex !== undefined && !new RegExp(regex).test(String(value))) {
          problems.push({
            path,
            at: undefined,
            message: `the example ${JSON.stringify(value)} does not match the pact's own regex ${regex}: fix the pact`,
          });
        }
      }
      if (Array.isArray(value)) {
        value.forEach((item, i) => {
          const items = schemas.flatMap((s) => this.itemSchemas(s, i));
          if (items.length > 0) walk(item, items, [...steps, i]);
        });
        return;
      }
      if (!isObject(value)) return;
      const objects = schemas.filter(isObjectSchema);
      if (objects.length === 0) return;
      for (const [key, child] of Object.entries(value)) {
        const declared = objects.flatMap((s) => this.propertySchemas(s, key));
        if (declared.length > 0) {
          walk(child, declared, [...steps, key]);
          continue;
        }
        const owner = objects.find((s) => isObject(s.value) && isObject(s.value.properties)) ?? objects[0]!;
        const names = [
          ...new Set(
            objects.flatMap((s) =>
              isObject(s.value) && isObject(s.value.properties) ? Object.keys(s.value.properties) : [],
            ),
          ),
        ];
        const listed =
          names.length === 0
            ? 'it declares no fields'
            : `it declares ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', ...' : ''}`;
        problems.push({
          path: appendPactPath(path, key),
          at: owner,
          message: `field "${key}" is not declared by the spec (${listed}): remove it from the pact, or add it to the spec first`,
        });
      }
    };
    walk(input.value, [input.schema], []);
    return problems;
  }

  /** Dereferenced schemas plus their allOf/anyOf/oneOf branches, each once. */
  private expand(nodes: readonly Located[]): Located[] {
    const { ws } = this.index;
    const out: Located[] = [];
    const seen = new Set<string>();
    const visit = (node: Located) => {
      const target = ws.deref(node);
      if (!target || seen.has(nodeId(target))) return;
      seen.add(nodeId(target));
      out.push(target);
      for (const key of ['allOf', 'anyOf', 'oneOf']) for (const item of ws.items(target, key)) visit(item);
    };
    for (const node of nodes) visit(node);
    return out;
  }

  private propertySchemas(schema: Located, key: string): Located[] {
    const { ws } = this.index;
    const v = schema.value as Record<string, unknown>;
    const found: Located[] = [];
    const props = ws.child(schema, 'properties');
    const own = props && ws.child(props, key);
    if (own) found.push(own);
    if (isObject(v.patternProperties)) {
      for (const pattern of Object.keys(v.patternProperties)) {
        if (safeTest(pattern, key)) found.push(ws.child(ws.child(schema, 'patternProperties')!, pattern)!);
      }
    }
    const extra = ws.child(schema, 'additionalProperties');
    if (extra && isObject(extra.value)) found.push(extra);
    return found;
  }

  private itemSchemas(schema: Located, index: number): Located[] {
    const { ws } = this.index;
    const items = ws.child(schema, 'items');
    if (items && isObject(items.value)) return [items];
    const tuple = (items && Array.isArray(items.value) ? items : undefined) ?? ws.child(schema, 'prefixItems');
    const positional = tuple && ws.child(tuple, index);
    return positional ? [positional] : [];
  }
}

function isObjectSchema(schema: Located): boolean {
  const v = schema.value;
  if (!isObject(v)) return false;
  const types = Array.isArray(v.type) ? v.type : [v.type];
  return types.includes('object') || 'properties' in v || 'patternProperties' in v || 'additionalProperties' in v;
}

function safeTest(pattern: string, key: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(key);
  } catch {
    return false;
  }
}

/** A copy of a JSON Schema without `required` (maps of names are walked as maps, so a field called `required` stays). */
function withoutRequired(schema: unknown, isMap: boolean): unknown {
  if (Array.isArray(schema)) return schema.map((s) => withoutRequired(s, false));
  if (!isObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (isMap) out[key] = withoutRequired(value, false);
    else if (key === 'required' && Array.isArray(value)) continue;
    else if (key === 'enum' || key === 'const' || key === 'examples' || key === 'default') out[key] = value;
    else out[key] = withoutRequired(value, ['properties', 'patternProperties', 'definitions', '$defs'].includes(key));
  }
  return out;
}

/** Steps of an ajv instance path, with array indexes as numbers. */
function stepsOf(value: unknown, pointer: string): (string | number)[] {
  const steps: (string | number)[] = [];
  let current = value;
  for (const token of fromPointer(pointer)) {
    if (Array.isArray(current)) {
      steps.push(Number(token));
      current = current[Number(token)];
    } else {
      steps.push(token);
      current = isObject(current) ? current[token] : undefined;
    }
  }
  return steps;
}

function valueAt(value: unknown, steps: readonly (string | number)[]): unknown {
  let current = value;
  for (const step of steps) current = (current as Record<string | number, unknown> | undefined)?.[step];
  return current;
}

const kindOf = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'an array'
      : Number.isInteger(v)
        ? 'an integer'
        : typeof v === 'object'
          ? 'an object'
          : `a ${typeof v}`;

/** What is wrong, in the user's terms, and what to do. */
function explain(e: ErrorObject, value: unknown): string {
  const shown = JSON.stringify(value);
  const fix = 'change the pact, or change the spec first';
  switch (e.keyword) {
    case 'type':
      return `the pact has ${kindOf(value)} (${shown}) where the spec promises ${String(e.params.type)}: ${fix}`;
    case 'enum': {
      const allowed = (e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ');
      return `${shown} is not one of the values the spec promises (${allowed}): use one of them, or add it to the spec first`;
    }
    case 'const':
      return `${shown} is not the value the spec promises (${JSON.stringify(e.params.allowedValue)}): ${fix}`;
    case 'pattern':
      return `${shown} does not match the spec's pattern ${String(e.params.pattern)}: ${fix}`;
    case 'format':
      return `${shown} is not a valid ${String(e.params.format)}, as the spec requires: ${fix}`;
    case 'required':
      return `the spec requires "${String(e.params.missingProperty)}" and the pact does not send it: add it to the pact`;
    case 'oneOf':
    case 'anyOf':
      return `${shown} matches none of the alternatives the spec allows (${e.keyword}): ${fix}`;
    default:
      return `${shown} ${e.message ?? 'is not allowed by the spec'}: ${fix}`;
  }
}
