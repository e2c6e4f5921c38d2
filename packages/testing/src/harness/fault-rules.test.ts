import type { TransportMessage } from '@humangov/sdk';
import { describe, expect, it } from 'vitest';
import { createFaultBook, type FaultRule, seededRandom } from './fault-rules.js';

const message = (type: string, key?: string): TransportMessage => ({
  channel: 'c',
  ...(key !== undefined && { key }),
  attributes: { type, id: `${type}-${key ?? ''}` },
  headers: {},
  body: new Uint8Array(),
});

const faultsOf = (rules: readonly FaultRule[], types: readonly string[], seed = 1) => {
  const book = createFaultBook(rules, seed);
  return types.map((type) => book.decide('publish', message(type))?.rule.fault ?? '-');
};

describe('fault rules', () => {
  it('the seeded generator repeats its sequence, differs by seed, and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs.map((x) => Math.floor(x * 10))).size).toBe(10);
  });

  it('nth picks the nth considered message of its rule; times caps the injections', () => {
    expect(faultsOf([{ fault: 'fail', nth: [2, 4] }], ['a', 'a', 'a', 'a', 'a'])).toEqual([
      '-',
      'fail',
      '-',
      'fail',
      '-',
    ]);
    expect(faultsOf([{ fault: 'fail', times: 2 }], ['a', 'a', 'a'])).toEqual(['fail', 'fail', '-']);
    expect(faultsOf([{ fault: 'fail', nth: 3 }], ['a', 'b', 'c'])).toEqual(['-', '-', 'fail']);
  });

  it('match selects by event type, a list of types, or a predicate; nth counts only matching messages', () => {
    const types = ['x', 'y', 'x', 'z'];
    expect(faultsOf([{ fault: 'fail', match: 'x', nth: 2 }], types)).toEqual(['-', '-', 'fail', '-']);
    expect(faultsOf([{ fault: 'fail', match: ['y', 'z'] }], types)).toEqual(['-', 'fail', '-', 'fail']);
    expect(faultsOf([{ fault: 'fail', match: (m) => m.attributes.type !== 'x' }], types)).toEqual([
      '-',
      'fail',
      '-',
      'fail',
    ]);
  });

  it('the first rule that selects a message decides; rules of the other side are not consulted', () => {
    const rules: FaultRule[] = [{ fault: 'drop' }, { fault: 'reorder', match: 'x' }, { fault: 'fail' }];
    expect(faultsOf(rules, ['x', 'y'])).toEqual(['reorder', 'fail']);
  });

  it('probability draws from the seed: the same seed gives the same faults, about p of the messages', () => {
    const types = Array.from({ length: 400 }, () => 'a');
    const rules: FaultRule[] = [{ fault: 'fail', probability: 0.25 }];
    const first = faultsOf(rules, types, 7);
    expect(faultsOf(rules, types, 7)).toEqual(first);
    expect(faultsOf(rules, types, 8)).not.toEqual(first);
    const n = first.filter((f) => f === 'fail').length;
    expect(n).toBeGreaterThan(60);
    expect(n).toBeLessThan(140);
  });

  it('stats and log record what was injected; heal stops injecting but keeps counting', () => {
    const book = createFaultBook([{ fault: 'duplicate', match: 'x' }], 1);
    book.decide('delivery', message('x', 'k1'), 'g');
    book.decide('delivery', message('y'), 'g');
    book.heal();
    expect(book.decide('delivery', message('x', 'k2'), 'g')).toBeUndefined();
    expect(book.stats).toEqual({
      injected: { fail: 0, 'lose-confirm': 0, reorder: 0, drop: 0, duplicate: 1, delay: 0 },
      publishes: 0,
      deliveries: 3,
    });
    expect(book.log).toEqual([
      { fault: 'duplicate', rule: 0, channel: 'c', key: 'k1', id: 'x-k1', type: 'x', group: 'g' },
    ]);
  });

  it.each([
    [{ fault: 'explode' }, /fault must be one of fail, lose-confirm/],
    [{ fault: 'fail', probability: 1.5 }, /probability must be a number from 0 to 1, got 1.5/],
    [{ fault: 'fail', nth: 0 }, /nth must hold positive integers \(1 is the first message\)/],
    [{ fault: 'fail', times: -1 }, /times must be a non-negative integer/],
    [{ fault: 'delay', delayMs: Number.NaN }, /delayMs must be a finite number/],
    [{ fault: 'fail', match: 3 }, /match must be an event type, a list of them, or a predicate/],
  ])('a bad rule %j is a TypeError that says what to fix', (rule, says) => {
    expect(() => createFaultBook([rule as FaultRule], 1)).toThrow(says);
    expect(() => createFaultBook([rule as FaultRule], 1)).toThrow(TypeError);
  });
});
