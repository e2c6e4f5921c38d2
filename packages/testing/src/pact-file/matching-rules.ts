/**
 * Matching rules, normalised. Pact V2 writes one flat object keyed by paths into the whole request or response
 * (`$.body.name`, `$.headers.Accept`, `$.query.page`, `$.path`); V3 and V4 write categories (`body`, `header`,
 * `query`, `path`, `metadata`, `status`), and V4 message writers disagree on the contents category: the pact
 * specification's test cases say `content`, the Rust and JVM writers say `body`. Both become `body` here.
 */
import type { JsonNode, JsonReader } from './json-reader.js';
import type { PactMatcher, PactRule, PactRuleSet } from './model.js';
import { parsePactPath } from './pact-path.js';

/** Category spellings -> the one name the model uses. */
const CATEGORY: Readonly<Record<string, string>> = {
  body: 'body',
  content: 'body',
  header: 'header',
  headers: 'header',
  query: 'query',
  path: 'path',
  metadata: 'metadata',
  metaData: 'metadata',
  status: 'status',
};

/** Rules by normalised category; absent categories are absent keys. */
export type RulesByCategory = Readonly<Record<string, PactRuleSet>>;

/** Reads a `matchingRules` member (absent or null means no rules). */
export function readMatchingRules(r: JsonReader, node: JsonNode): RulesByCategory {
  const raw = r.optionalRecord(node, 'matchingRules');
  const keys = Object.keys(raw);
  if (keys.length > 0 && keys.every((k) => k.startsWith('$'))) return readFlatRules(r, node, keys);
  const out: Record<string, Record<string, PactRule>> = {};
  for (const key of keys) {
    const category = CATEGORY[key];
    const child = r.child(node, key);
    // Categories of plugins and future versions are kept out of the model rather than failing the file.
    if (category === undefined) continue;
    const set = out[category] ?? {};
    out[category] = set;
    const value = r.record(child, `matching rule category "${key}"`);
    if (category === 'path' && 'matchers' in value) {
      set.$ = readRule(r, child);
      continue;
    }
    for (const path of Object.keys(value)) {
      const ruleNode = r.child(child, path);
      if (category === 'body' && parsePactPath(path) === undefined) {
        r.fail(ruleNode.path, `"${path}" is not a Pact JSON path (write it like $.field, $.list[*].name or $['a b'])`);
      }
      set[path] = readRule(r, ruleNode);
    }
  }
  return out;
}

/** V2: `{ "$.body.a": {...}, "$.headers.Accept": {...} }`. */
function readFlatRules(r: JsonReader, node: JsonNode, keys: readonly string[]): RulesByCategory {
  const out: Record<string, Record<string, PactRule>> = {};
  for (const key of keys) {
    const ruleNode = r.child(node, key);
    const rule = readRule(r, ruleNode);
    const m = /^\$\.(body|headers?|query|path|metadata|metaData)(.*)$/.exec(key);
    if (!m) {
      r.fail(ruleNode.path, `"${key}" must start with $.body, $.headers., $.query. or $.path (Pact V2 matching rules)`);
    }
    const category = CATEGORY[m[1]!]!;
    const rest = m[2]!;
    const set = out[category] ?? {};
    out[category] = set;
    if (category === 'body') {
      const path = `$${rest}`;
      if (parsePactPath(path) === undefined) r.fail(ruleNode.path, `"${key}" is not a Pact JSON path`);
      set[path] = rule;
    } else if (category === 'path') set.$ = rule;
    else {
      const name = rest.startsWith('.') ? rest.slice(1) : /^\['(.*)'\]$/.exec(rest)?.[1];
      if (!name) r.fail(ruleNode.path, `"${key}" must name a ${category} (like $.${m[1]}.Name)`);
      set[name] = rule;
    }
  }
  return out;
}

function readRule(r: JsonReader, node: JsonNode): PactRule {
  const value = r.record(node, 'a matching rule');
  if (!('matchers' in value)) return { combine: 'AND', matchers: [readMatcher(r, node)] };
  const combine = value.combine ?? 'AND';
  if (combine !== 'AND' && combine !== 'OR') {
    r.fail(r.child(node, 'combine').path, `combine must be "AND" or "OR", found ${JSON.stringify(combine)}`);
  }
  const matchers = r.array(r.child(node, 'matchers'), 'matchers').map((m) => readMatcher(r, m));
  return { combine, matchers };
}

function readMatcher(r: JsonReader, node: JsonNode): PactMatcher {
  const value = r.record(node, 'a matcher');
  const regex = r.optionalString(r.child(node, 'regex'), 'regex');
  if (regex !== undefined) {
    try {
      new RegExp(regex);
    } catch (error) {
      r.fail(r.child(node, 'regex').path, `"${regex}" is not a valid regular expression (${(error as Error).message})`);
    }
  }
  for (const bound of ['min', 'max'] as const) {
    const b = value[bound];
    if (b !== undefined && !(typeof b === 'number' && Number.isInteger(b) && b >= 0)) {
      r.fail(r.child(node, bound).path, `${bound} must be a non-negative integer, found ${JSON.stringify(b)}`);
    }
  }
  const match = value.match ?? (regex !== undefined ? 'regex' : 'type');
  if (typeof match !== 'string') r.fail(r.child(node, 'match').path, 'match must be a matcher name such as "type"');
  if (match === 'regex' && regex === undefined) r.fail(node.path, 'a regex matcher needs a "regex"');
  return { ...value, match };
}

/** Rule set of a category, or an empty one. */
export const ruleSet = (rules: RulesByCategory, category: string): PactRuleSet => rules[category] ?? {};
