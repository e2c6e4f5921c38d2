/**
 * Compares two JSON Schemas (each in its own workspace, `$ref`s followed by the loader `generate` uses) and lists
 * what changed, with whether each change narrows or widens the set of valid values.
 *
 * Content models: an undeclared property is governed by `patternProperties`, then `additionalProperties`
 * (absent = open = anything). So adding a property to an open object narrows (old data may carry that name with
 * any value), and adding one to a closed object widens (old readers reject it) — the registry rules for JSON Schema.
 */
import type { Workspace } from '../load/workspace.js';
import {
  bothAllow,
  compareBounds,
  compareOther,
  compareStringRules,
  compareTypes,
  compareUniqueItems,
  compareValues,
  type SchemaChange,
} from './schema-keywords.js';
import { canonical, propertySchema, type SchemaRef, type SchemaView, viewOf } from './schema-view.js';

export type { SchemaChange } from './schema-keywords.js';

interface Context {
  readonly before: Workspace;
  readonly after: Workspace;
}

/** Every change between schema `a` (in workspace `before`) and schema `b` (in `after`), outermost first. */
export function diffSchema(before: Workspace, a: SchemaRef | undefined, after: Workspace, b: SchemaRef | undefined) {
  const out: SchemaChange[] = [];
  walk({ before, after }, a ?? true, b ?? true, [], out, new Set());
  return out;
}

/** Folds a list of changes into one pair of flags. */
export function flags(changes: readonly SchemaChange[]): { narrows: boolean; widens: boolean } {
  return { narrows: changes.some((c) => c.narrows), widens: changes.some((c) => c.widens) };
}

function walk(ctx: Context, a: SchemaRef, b: SchemaRef, path: string[], out: SchemaChange[], stack: Set<string>) {
  const va = viewOf(ctx.before, a);
  const vb = viewOf(ctx.after, b);
  // Two unconstrained positions (absent items, open content models) are equal, and end the walk.
  if (!va.id && !vb.id && va.nothing === vb.nothing) return;
  const pair = `${va.id ?? va.nothing}|${vb.id ?? vb.nothing}`;
  // Recursive schemas: a pair already being compared further up the path adds nothing new.
  if (stack.has(pair)) return;
  const inner = new Set(stack).add(pair);
  const emit = (rule: string, message: string, narrows: boolean, widens: boolean) =>
    out.push({ rule, path, message, narrows, widens });
  if (va.nothing || vb.nothing) {
    if (va.nothing && !vb.nothing)
      emit('schema-allowed', 'was `false` (nothing allowed), now allows values', false, true);
    if (!va.nothing && vb.nothing) emit('schema-forbidden', 'now `false`: no value is allowed', true, false);
    return;
  }
  compareTypes(va, vb, emit);
  compareValues(va, vb, emit);
  compareBounds(va, vb, emit);
  compareStringRules(va, vb, emit);
  compareUniqueItems(va, vb, emit);
  compareOther(va, vb, emit);
  if (va.deprecated !== vb.deprecated)
    emit(
      vb.deprecated ? 'deprecated' : 'undeprecated',
      vb.deprecated ? 'deprecated' : 'no longer deprecated',
      false,
      false,
    );
  if (bothAllow(va, vb, 'object')) compareObject(ctx, va, vb, path, out, inner);
  if (bothAllow(va, vb, 'array')) walk(ctx, va.items, vb.items, [...path, '[]'], out, inner);
  compareUnion(ctx, va, vb, path, out, inner);
}

const article = (words: string) => `${/^[aeiou]/.test(words) ? 'an' : 'a'} ${words}`;

const contentModel = (view: SchemaView): string => {
  const ap = view.additional;
  const value = typeof ap === 'boolean' ? ap : ap.value;
  if (value === false) return 'closed (additionalProperties: false)';
  if (value === true || (typeof value === 'object' && value !== null && Object.keys(value).length === 0))
    return view.patternProperties.size > 0 ? 'partially open (patternProperties)' : 'open';
  return 'partially open (additionalProperties schema)';
};

function compareObject(
  ctx: Context,
  va: SchemaView,
  vb: SchemaView,
  path: string[],
  out: SchemaChange[],
  stack: Set<string>,
) {
  const names = new Set([...va.properties.keys(), ...vb.properties.keys(), ...va.required, ...vb.required]);
  for (const name of names) {
    const at = [...path, name];
    const inOld = va.properties.has(name);
    const inNew = vb.properties.has(name);
    const madeRequired = !va.required.has(name) && vb.required.has(name);
    const madeOptional = va.required.has(name) && !vb.required.has(name);
    const push = (rule: string, message: string, narrows: boolean, widens: boolean) =>
      out.push({ rule, path: at, message, narrows, widens });
    if (inOld && inNew) {
      walk(ctx, va.properties.get(name)!, vb.properties.get(name)!, at, out, stack);
      if (madeRequired) push('required-added', 'made required', true, false);
      if (madeOptional) push('required-removed', 'made optional', false, true);
    } else if (inNew) {
      const sub: SchemaChange[] = [];
      walk(ctx, propertySchema(va, name), vb.properties.get(name)!, at, sub, stack);
      const f = flags(sub);
      const required = vb.required.has(name) ? 'required' : 'optional';
      push(
        'property-added',
        `${required} property added to ${article(contentModel(va))} object`,
        f.narrows || madeRequired,
        f.widens || madeOptional,
      );
    } else if (inOld) {
      const sub: SchemaChange[] = [];
      walk(ctx, va.properties.get(name)!, propertySchema(vb, name), at, sub, stack);
      const f = flags(sub);
      const required = va.required.has(name) ? 'required' : 'optional';
      push(
        'property-removed',
        `${required} property removed; the object is now ${contentModel(vb)}`,
        f.narrows || madeRequired,
        f.widens || madeOptional,
      );
    } else if (madeRequired) push('required-added', 'made required (undeclared property)', true, false);
    else if (madeOptional) push('required-removed', 'made optional (undeclared property)', false, true);
  }
  const rest: SchemaChange[] = [];
  walk(ctx, va.additional, vb.additional, [...path, '{*}'], rest, stack);
  if (rest.length > 0) {
    const f = flags(rest);
    const rule = contentModel(vb).startsWith('closed')
      ? 'content-model-closed'
      : contentModel(va).startsWith('closed')
        ? 'content-model-opened'
        : 'additional-properties-changed';
    out.push({
      rule,
      path,
      message: `undeclared properties: ${contentModel(va)} -> ${contentModel(vb)}`,
      ...f,
    });
  }
  const patterns = (v: SchemaView) =>
    canonical(Object.fromEntries([...v.patternProperties].map(([k, n]) => [k, n.value])));
  if (patterns(va) !== patterns(vb))
    out.push({
      rule: 'patternProperties-changed',
      path,
      message: '`patternProperties` changed (not analysed further: treated as breaking both ways)',
      narrows: true,
      widens: true,
    });
}

const branchName = (node: { path: readonly string[]; value: unknown }, index: number): string => {
  const v = node.value as { title?: unknown } | null;
  if (v && typeof v === 'object' && typeof v.title === 'string') return v.title;
  const p = node.path;
  if (p.length >= 2 && ['schemas', 'definitions', '$defs'].includes(p[p.length - 2]!)) return p[p.length - 1]!;
  return `#${index + 1}`;
};

/** oneOf/anyOf: branches are matched by equal content, then by name, then a lone leftover pair is compared. */
function compareUnion(
  ctx: Context,
  va: SchemaView,
  vb: SchemaView,
  path: string[],
  out: SchemaChange[],
  stack: Set<string>,
) {
  const ua = va.union;
  const ub = vb.union;
  if (!ua && !ub) return;
  if (!ua || !ub) {
    const keyword = (ua ?? ub)!.keyword;
    out.push(
      ua
        ? { rule: `${keyword}-removed`, path, message: `\`${keyword}\` removed`, narrows: false, widens: true }
        : { rule: `${keyword}-added`, path, message: `\`${keyword}\` added`, narrows: true, widens: false },
    );
    return;
  }
  const left = ua.branches.map((node, i) => ({ node, name: branchName(node, i), text: canonical(node.value) }));
  const right = ub.branches.map((node, i) => ({ node, name: branchName(node, i), text: canonical(node.value) }));
  const pairs: [(typeof left)[number], (typeof right)[number]][] = [];
  const take = (match: (x: (typeof left)[number], y: (typeof right)[number]) => boolean) => {
    for (const x of [...left]) {
      const y = right.find((candidate) => match(x, candidate));
      if (!y) continue;
      pairs.push([x, y]);
      left.splice(left.indexOf(x), 1);
      right.splice(right.indexOf(y), 1);
    }
  };
  take((x, y) => x.text === y.text);
  take((x, y) => !x.name.startsWith('#') && x.name === y.name);
  take(() => left.length === 1 && right.length === 1);
  const keyword = ub.keyword;
  for (const [x, y] of pairs) walk(ctx, x.node, y.node, [...path, `<${keyword} ${y.name}>`], out, stack);
  for (const x of left)
    out.push({
      rule: 'branch-removed',
      path,
      message: `${keyword} branch ${x.name} removed`,
      narrows: true,
      widens: false,
    });
  for (const y of right)
    out.push({
      rule: 'branch-added',
      path,
      message: `${keyword} branch ${y.name} added`,
      narrows: false,
      widens: true,
    });
}
