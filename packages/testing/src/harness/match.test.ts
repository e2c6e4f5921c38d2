import { describe, expect, it } from 'vitest';
import { closest, mismatches, show } from './match.js';

describe('partial matching', () => {
  it.each([
    ['extra fields of the actual value are ignored', { a: 1, b: 2 }, { a: 1 }, []],
    ['nested objects match field by field', { a: { b: 1, c: 2 } }, { a: { b: 3 } }, ['/a/b']],
    ['arrays match element by element, same length', { xs: [1, { y: 2 }] }, { xs: [1, { y: 3 }] }, ['/xs/1/y']],
    ['an array of another length is one difference', { xs: [1, 2] }, { xs: [1] }, ['/xs']],
    ['a field expected undefined must be absent', { a: 1 }, { a: undefined }, ['/a']],
    ['an object where a primitive is', { a: 'x' }, { a: { b: 1 } }, ['/a']],
    ['keys are escaped as JSON Pointer tokens', { 'a/b': { '~': 1 } }, { 'a/b': { '~': 2 } }, ['/a~1b/~0']],
    ['a primitive at the top', 1, 2, ['/']],
  ])('%s', (_title, actual, expected, paths) => {
    expect(mismatches(actual, expected).map((m) => m.path)).toEqual(paths);
  });

  it('closest picks the candidate with the fewest differences, the earliest on a tie', () => {
    const found = closest(
      [
        { a: 1, b: 1 },
        { a: 2, b: 1 },
        { a: 2, b: 9 },
      ],
      (c) => mismatches(c, { a: 2, b: 2 }),
    );
    expect(found?.index).toBe(1);
    expect(closest([], () => [])).toBeUndefined();
  });

  it('show cuts long values and names undefined', () => {
    expect(show('x'.repeat(200), 10)).toBe('"xxxxxxxx…');
    expect(show(undefined)).toBe('undefined');
  });
});
