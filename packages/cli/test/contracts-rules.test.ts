import type { PactRule } from '@humangov/testing';
import { describe, expect, it } from 'vitest';
import { modeOf, RuleIndex } from '../src/contracts/rules.js';

const rule = (...match: string[]): PactRule => ({
  combine: 'AND',
  matchers: match.map((m) => ({ match: m, regex: 'x' })),
});

describe('matching rules as the contract check reads them', () => {
  const index = new RuleIndex({
    '$.items': rule('type'),
    '$.items[*].status': rule('regex'),
    '$.items[0].status': rule('equality'),
    "$['odd key']": rule('integer'),
    '$.map.*': rule('type'),
  });

  it.each<[(string | number)[], string, string | undefined]>([
    [['items'], 'shape', '$.items'],
    [['items', 3, 'name'], 'shape', '$.items'], // a type rule cascades to the children
    [['items', 3, 'status'], 'regex', '$.items[*].status'], // the more specific rule wins
    [['items', 0, 'status'], 'exact', '$.items[0].status'], // a literal index beats [*]
    [['odd key'], 'shape', "$['odd key']"],
    [['map', 'anything'], 'shape', '$.map.*'],
    [['other'], 'exact', undefined], // no rule: the example value itself is the expectation
  ])('%j -> %s (%s)', (path, mode, key) => {
    const found = index.at(path);
    expect(found.mode).toBe(mode);
    expect(found.key).toBe(key);
  });

  it('AND takes the strictest matcher, OR the loosest', () => {
    expect(modeOf(rule('type', 'regex'))).toBe('regex');
    expect(modeOf({ ...rule('type', 'regex'), combine: 'OR' })).toBe('shape');
    expect(modeOf(rule('equality', 'type'))).toBe('exact');
  });
});
