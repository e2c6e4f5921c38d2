import { describe, expect, it } from 'vitest';
import { decorrelatedBounds, decorrelatedJitter, fullJitter, fullJitterCeiling } from './backoff.js';

const options = { initialDelayMs: 100, maxDelayMs: 1_000 };

describe('backoff', () => {
  it('full jitter: between 0 and min(max, initial * 2^(n-1))', () => {
    expect([1, 2, 3, 4, 5].map((n) => fullJitterCeiling(n, options))).toEqual([100, 200, 400, 800, 1_000]);
    expect(fullJitter(3, options, () => 0)).toBe(0);
    expect(fullJitter(3, options, () => 0.5)).toBe(200);
  });

  it('decorrelated jitter: between initial and min(max, 3 * previous)', () => {
    expect(decorrelatedBounds(100, options)).toEqual([100, 300]);
    expect(decorrelatedBounds(500, options)).toEqual([100, 1_000]);
    expect(decorrelatedJitter(200, options, () => 0.5)).toBe(350);
    // a cap below the initial delay wins
    expect(decorrelatedBounds(100, { initialDelayMs: 100, maxDelayMs: 50 })).toEqual([50, 50]);
  });
});
