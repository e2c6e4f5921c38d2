import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../clock.js';
import { decorrelatedBounds, fullJitterCeiling } from './backoff.js';
import { retry } from './retry.js';

const settings = fc.record({
  maxAttempts: fc.integer({ min: 1, max: 8 }),
  maxElapsedMs: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }),
  jitter: fc.constantFrom('full' as const, 'decorrelated' as const),
  initialDelayMs: fc.integer({ min: 0, max: 1_000 }),
  maxDelayMs: fc.integer({ min: 0, max: 10_000 }),
  failures: fc.integer({ min: 0, max: 10 }),
  fnMs: fc.integer({ min: 0, max: 300 }),
  randoms: fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 10 }),
});

describe('retry (properties)', () => {
  it('stays within maxAttempts, the jitter bounds and maxElapsedMs plus one delay', async () => {
    await fc.assert(
      fc.asyncProperty(settings, async (s) => {
        const clock = createFakeClock();
        let r = 0;
        const policy = retry({ ...s, clock, random: () => s.randoms[r++ % s.randoms.length]! });
        const delays: number[] = [];
        policy.onRetry(({ delayMs }) => delays.push(delayMs));
        const starts: number[] = [];
        const outcome = policy
          .execute(async () => {
            starts.push(clock.now());
            await clock.sleep(s.fnMs);
            if (starts.length <= s.failures) throw new Error('down');
            return 'ok';
          })
          .then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          );
        await clock.runAll();
        const result = await outcome;

        expect(starts.length).toBeLessThanOrEqual(s.maxAttempts);
        if (s.maxElapsedMs === undefined) expect(starts.length).toBe(Math.min(s.failures + 1, s.maxAttempts));
        if ('value' in result) expect(starts.length).toBe(s.failures + 1);
        else expect(result.error).toMatchObject({ code: 'HUMANGOV_RETRY_EXHAUSTED', attempts: starts.length });

        let previous = s.initialDelayMs;
        delays.forEach((delay, i) => {
          const [low, high] = s.jitter === 'full' ? [0, fullJitterCeiling(i + 1, s)] : decorrelatedBounds(previous, s);
          expect(delay).toBeGreaterThanOrEqual(low);
          expect(delay).toBeLessThanOrEqual(high);
          previous = delay;
        });
        // The brief's bound (elapsed <= maxElapsedMs + one delay) and the tighter one retry promises: no attempt
        // starts after maxElapsedMs.
        const budget = s.maxElapsedMs ?? Number.POSITIVE_INFINITY;
        const lastStart = starts[starts.length - 1]!;
        expect(lastStart).toBeLessThanOrEqual(budget);
        expect(clock.now()).toBeLessThanOrEqual(budget + Math.max(s.fnMs, ...delays));
      }),
      { numRuns: 200 },
    );
  });
});
