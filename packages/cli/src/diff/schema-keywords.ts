/**
 * Keyword rules for one schema position: type, enum/const, string/number/array/object bounds, format, pattern,
 * multipleOf, uniqueItems. Each rule says whether the change narrows (an old value becomes invalid) or widens
 * (a new value was invalid before); see classify.ts for what that means per mode.
 */
import { canonical, JSON_TYPES, type SchemaView } from './schema-view.js';

/** A change inside a schema, before it is attached to a message or operation. */
export interface SchemaChange {
  readonly rule: string;
  /** Display path segments: property names, `[]` for items, `{*}` for additional properties, `<oneOf ...>`. */
  readonly path: readonly string[];
  readonly message: string;
  readonly narrows: boolean;
  readonly widens: boolean;
}

type Emit = (rule: string, message: string, narrows: boolean, widens: boolean) => void;

const covered = (type: string, set: ReadonlySet<string>) => set.has(type) || (type === 'integer' && set.has('number'));
const typesOf = (view: SchemaView): ReadonlySet<string> => view.types ?? new Set(JSON_TYPES);
const list = (items: readonly unknown[]) => items.map((v) => (typeof v === 'string' ? v : canonical(v))).join(', ');

/** Whether both revisions allow a JSON type, so that keywords about that type are worth comparing. */
export function bothAllow(a: SchemaView, b: SchemaView, ...types: string[]): boolean {
  const ta = typesOf(a);
  const tb = typesOf(b);
  return types.some((t) => covered(t, ta) && covered(t, tb));
}

export function compareTypes(a: SchemaView, b: SchemaView, emit: Emit): void {
  const before = typesOf(a);
  const after = typesOf(b);
  const lost = [...before].filter((t) => !covered(t, after));
  const gained = [...after].filter((t) => !covered(t, before));
  if (lost.length === 0 && gained.length === 0) return;
  const show = (s: ReadonlySet<string> | undefined) => (s ? [...s].sort().join(' | ') : 'any');
  const what =
    lost.length > 0 && gained.length > 0
      ? 'type-changed'
      : lost.length > 0
        ? a.types === undefined
          ? 'type-added'
          : 'type-narrowed'
        : b.types === undefined
          ? 'type-removed'
          : 'type-widened';
  emit(what, `type changed from ${show(a.types)} to ${show(b.types)}`, lost.length > 0, gained.length > 0);
}

export function compareValues(a: SchemaView, b: SchemaView, emit: Emit): void {
  if (a.values === undefined && b.values === undefined) return;
  if (a.values === undefined) {
    emit('enum-added', `now restricted to the values ${list(b.values!)}`, true, false);
    return;
  }
  if (b.values === undefined) {
    emit('enum-removed', `no longer restricted to the values ${list(a.values)}`, false, true);
    return;
  }
  const before = new Set(a.values.map(canonical));
  const after = new Set(b.values.map(canonical));
  const removed = a.values.filter((v) => !after.has(canonical(v)));
  const added = b.values.filter((v) => !before.has(canonical(v)));
  if (removed.length > 0)
    emit('enum-value-removed', `enum value${removed.length > 1 ? 's' : ''} ${list(removed)} removed`, true, false);
  if (added.length > 0)
    emit('enum-value-added', `enum value${added.length > 1 ? 's' : ''} ${list(added)} added`, false, true);
}

interface Bound {
  readonly value: number;
  readonly exclusive: boolean;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The effective lower or upper numeric bound, from draft-07 numbers or OpenAPI 3.0 boolean exclusivity. */
function numericBound(k: Readonly<Record<string, unknown>>, side: 'min' | 'max'): Bound | undefined {
  const inclusive = num(side === 'min' ? k.minimum : k.maximum);
  const exclusive = side === 'min' ? k.exclusiveMinimum : k.exclusiveMaximum;
  const candidates: Bound[] = [];
  if (inclusive !== undefined) candidates.push({ value: inclusive, exclusive: exclusive === true });
  if (num(exclusive) !== undefined) candidates.push({ value: num(exclusive)!, exclusive: true });
  if (candidates.length === 0) return undefined;
  // Both given: the tighter one wins.
  return candidates.reduce((x, y) => (tighter(x, y, side) ? x : y));
}

/** Whether bound x admits fewer values than bound y. */
function tighter(x: Bound, y: Bound, side: 'min' | 'max'): boolean {
  if (x.value !== y.value) return side === 'min' ? x.value > y.value : x.value < y.value;
  return x.exclusive && !y.exclusive;
}

function compareBound(
  name: string,
  before: Bound | undefined,
  after: Bound | undefined,
  side: 'min' | 'max',
  emit: Emit,
) {
  const show = (b: Bound) => `${b.exclusive ? (side === 'min' ? '>' : '<') : side === 'min' ? '>=' : '<='} ${b.value}`;
  if (!before && !after) return;
  if (!before) return emit(`${name}-added`, `${name} ${show(after!)} added`, true, false);
  if (!after) return emit(`${name}-removed`, `${name} ${show(before)} removed`, false, true);
  if (tighter(after, before, side))
    emit(`${name}-tightened`, `${name} tightened from ${show(before)} to ${show(after)}`, true, false);
  else if (tighter(before, after, side))
    emit(`${name}-loosened`, `${name} loosened from ${show(before)} to ${show(after)}`, false, true);
}

const COUNT_BOUNDS: readonly [string, 'min' | 'max', string][] = [
  ['minLength', 'min', 'string'],
  ['maxLength', 'max', 'string'],
  ['minItems', 'min', 'array'],
  ['maxItems', 'max', 'array'],
  ['minProperties', 'min', 'object'],
  ['maxProperties', 'max', 'object'],
];

export function compareBounds(a: SchemaView, b: SchemaView, emit: Emit): void {
  for (const [keyword, side, type] of COUNT_BOUNDS) {
    if (!bothAllow(a, b, type)) continue;
    const bound = (k: Readonly<Record<string, unknown>>) => {
      const v = num(k[keyword]);
      return v === undefined ? undefined : { value: v, exclusive: false };
    };
    compareBound(keyword, bound(a.keywords), bound(b.keywords), side, emit);
  }
  if (!bothAllow(a, b, 'number', 'integer')) return;
  compareBound('minimum', numericBound(a.keywords, 'min'), numericBound(b.keywords, 'min'), 'min', emit);
  compareBound('maximum', numericBound(a.keywords, 'max'), numericBound(b.keywords, 'max'), 'max', emit);
  const before = num(a.keywords.multipleOf);
  const after = num(b.keywords.multipleOf);
  if (before === after) return;
  if (before === undefined) emit('multipleOf-added', `multipleOf ${after} added`, true, false);
  else if (after === undefined) emit('multipleOf-removed', `multipleOf ${before} removed`, false, true);
  else {
    // Every old value stays valid when the old step is a multiple of the new one, and vice versa.
    const narrows = !Number.isInteger(before / after);
    const widens = !Number.isInteger(after / before);
    emit('multipleOf-changed', `multipleOf changed from ${before} to ${after}`, narrows, widens);
  }
}

/** format and pattern: adding narrows, removing widens, changing does both (regex inclusion is not decidable here). */
export function compareStringRules(a: SchemaView, b: SchemaView, emit: Emit): void {
  if (!bothAllow(a, b, 'string')) return;
  for (const keyword of ['format', 'pattern'] as const) {
    const before = a.keywords[keyword];
    const after = b.keywords[keyword];
    if (before === after) continue;
    if (before === undefined) emit(`${keyword}-added`, `${keyword} ${String(after)} added`, true, false);
    else if (after === undefined) emit(`${keyword}-removed`, `${keyword} ${String(before)} removed`, false, true);
    else emit(`${keyword}-changed`, `${keyword} changed from ${String(before)} to ${String(after)}`, true, true);
  }
}

export function compareUniqueItems(a: SchemaView, b: SchemaView, emit: Emit): void {
  if (!bothAllow(a, b, 'array')) return;
  const before = a.keywords.uniqueItems === true;
  const after = b.keywords.uniqueItems === true;
  if (before !== after)
    emit(
      after ? 'uniqueItems-added' : 'uniqueItems-removed',
      `uniqueItems ${after ? 'added' : 'removed'}`,
      after,
      before,
    );
}

/** Keywords this tool does not model (not, if/then/else, tuples, dependencies...): any difference may break both ways. */
export function compareOther(a: SchemaView, b: SchemaView, emit: Emit): void {
  for (const key of new Set([...Object.keys(a.other), ...Object.keys(b.other)])) {
    if (canonical(a.other[key]) === canonical(b.other[key])) continue;
    emit(`${key}-changed`, `\`${key}\` changed (not analysed further: treated as breaking both ways)`, true, true);
  }
}
