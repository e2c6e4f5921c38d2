/**
 * Typed expectations: a payload type in which any value may be a Pact matcher, and the two operations that build a
 * pact body from the spec's example (keep only the required fields; lay the consumer's overrides on top).
 */
import { MatchersV3 } from '@pact-foundation/pact';

/** A Pact V3 matcher whose example is a `T` (`like`, `regex`, `integer`, `datetime`, `eachLike`...). */
export type PactMatcher<T> = MatchersV3.Matcher<T>;

/** Literal types widened to their primitive: `equal('active')` is a `Matcher<string>`, not a `Matcher<'active'>`. */
type Widen<T> = T extends string ? string : T extends number ? number : T extends boolean ? boolean : T;

/**
 * A value of `T` in which any member, at any depth, may be left out or replaced by a Pact matcher of its type:
 * `{ amount: regex(/^\d+\.\d{2}$/, '10.00') }`. A matcher of the wrong type (`integer()` for a string) or a
 * member `T` does not declare is a compile error; a matcher's example of a string union is checked at run time
 * (message expectations are validated against the spec).
 */
export type Matchable<T> =
  | PactMatcher<Widen<T>>
  | (T extends readonly (infer U)[]
      ? readonly Matchable<U>[]
      : T extends object
        ? { readonly [K in keyof T]?: Matchable<T[K]> }
        : T);

/** Whether `value` is a Pact matcher object (it carries `pact:matcher:type`). */
export const isMatcher = (value: unknown): boolean => MatchersV3.isMatcher(value);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !isMatcher(value);

type Schema = Readonly<Record<string, unknown>>;

function resolveRef(schema: Schema, root: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/definitions/')) return schema;
  const target = (root.definitions as Record<string, Schema> | undefined)?.[ref.slice('#/definitions/'.length)];
  return target ? resolveRef(target, root) : schema;
}

/**
 * Keeps, at every depth, only the members of `value` that `schema` (a self-contained draft-07 schema with
 * `definitions`, as the catalog holds) lists as `required`; array items are pruned by `items`. A consumer that
 * starts from the spec's example this way promises to need only what every producer must send.
 */
export function requiredOnly(value: unknown, schema: Schema, root: Schema = schema): unknown {
  const resolved = resolveRef(schema, root);
  if (Array.isArray(value)) {
    const items = resolved.items;
    return typeof items === 'object' && items !== null
      ? value.map((v) => requiredOnly(v, items as Schema, root))
      : value;
  }
  if (!isPlainObject(value)) return value;
  const required = Array.isArray(resolved.required) ? (resolved.required as string[]) : [];
  const properties = (resolved.properties ?? {}) as Record<string, Schema>;
  const out: Record<string, unknown> = {};
  for (const key of required) {
    if (!Object.hasOwn(value, key)) continue;
    const property = properties[key];
    out[key] = property ? requiredOnly(value[key], property, root) : value[key];
  }
  return out;
}

/**
 * Lays `overrides` over `base`: plain objects merge member by member; anything else in `overrides` (a value, an
 * array, a matcher) replaces what `base` has; a member set to `undefined` is removed. Neither input is changed.
 */
export function mergeExpectation(base: unknown, overrides: unknown): unknown {
  if (overrides === undefined) return base;
  if (!isPlainObject(overrides) || !isPlainObject(base)) return overrides;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete out[key];
    else out[key] = mergeExpectation(base[key], value);
  }
  return out;
}

/** The example values of a body that may hold matchers (what the provider is expected to send, or better). */
export function reify(value: unknown): unknown {
  return MatchersV3.reify(value);
}
