/**
 * What a pact's matching rules let through at one place of a body. Pact rules cascade: a rule on `$.items` also
 * governs `$.items[0].name` unless a more specific rule names that path. The contract check cares about one
 * distinction:
 * - `exact`: no rule (or `equality`): the example value is the expectation, so the value itself must be one the
 *   spec allows;
 * - `regex`: the provider may send any string matching the regex; the example (which the regex must match) must
 *   still be a value the spec allows;
 * - `shape`: `type`, `integer`, `decimal`, `number`, `boolean`, `date`, `include`... ask for a value of a type or
 *   form, not for the example's value, so only the example's type is checked against the spec (its enum, pattern,
 *   format and bounds are not).
 */
import { type PactPathToken, type PactRule, type PactRuleSet, parsePactPath } from '@humangov/testing';

export type RuleMode = 'exact' | 'regex' | 'shape';

/** The rule that governs a place, with its mode. */
export interface Governing {
  readonly mode: RuleMode;
  readonly rule?: PactRule;
  /** The rule's own key (its Pact path). */
  readonly key?: string;
}

/** Looks rules up by the path of a value inside the body the rules belong to. */
export class RuleIndex {
  private readonly parsed: { key: string; tokens: PactPathToken[]; rule: PactRule }[];

  constructor(rules: PactRuleSet) {
    this.parsed = Object.entries(rules).flatMap(([key, rule]) => {
      const tokens = parsePactPath(key);
      return tokens ? [{ key, tokens, rule }] : [];
    });
  }

  /** The governing rule at `path` (keys and array indexes from the body's root). */
  at(path: readonly (string | number)[]): Governing {
    let best: { key: string; tokens: PactPathToken[]; rule: PactRule; wild: number } | undefined;
    for (const candidate of this.parsed) {
      if (candidate.tokens.length > path.length) continue;
      if (!candidate.tokens.every((t, i) => tokenMatches(t, path[i]!))) continue;
      const wild = candidate.tokens.filter((t) => t.kind === 'any-field' || t.kind === 'any-index').length;
      if (
        !best ||
        candidate.tokens.length > best.tokens.length ||
        (candidate.tokens.length === best.tokens.length && wild < best.wild)
      ) {
        best = { ...candidate, wild };
      }
    }
    if (!best) return { mode: 'exact' };
    return { mode: modeOf(best.rule), rule: best.rule, key: best.key };
  }
}

function tokenMatches(token: PactPathToken, step: string | number): boolean {
  switch (token.kind) {
    case 'field':
      return String(step) === token.name;
    case 'index':
      return typeof step === 'number' && step === token.index;
    case 'any-index':
      return typeof step === 'number';
    case 'any-field':
      return true;
  }
}

/** The mode of a rule: with `OR`, the loosest matcher decides; with `AND`, the strictest. */
export function modeOf(rule: PactRule): RuleMode {
  const modes = rule.matchers.map(
    (m): RuleMode => (m.match === 'equality' ? 'exact' : m.match === 'regex' ? 'regex' : 'shape'),
  );
  const order: RuleMode[] = rule.combine === 'OR' ? ['shape', 'regex', 'exact'] : ['exact', 'regex', 'shape'];
  return order.find((m) => modes.includes(m)) ?? 'exact';
}
