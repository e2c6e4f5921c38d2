// Compile-time contract of `Policy` and `wrap`, checked by `tsc --noEmit` (CI). Each `@ts-expect-error` line
// also asserts what happens at run time.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { bulkhead } from './bulkhead.js';
import { circuitBreaker } from './circuit-breaker.js';
import { fallback } from './fallback.js';
import { noop, type Policy, wrap } from './policy.js';
import { retry } from './retry.js';
import { timeout } from './timeout.js';

describe('compile-time contract', () => {
  it('execute keeps fn’s return type; a fallback adds its own', async () => {
    const policy = wrap(retry(), circuitBreaker(), timeout(1_000), bulkhead({ maxConcurrent: 1 }));
    expectTypeOf(policy).toExtend<Policy>();
    const n = await policy.execute(() => 1);
    expectTypeOf(n).toEqualTypeOf<number>();
    const s = await policy.execute(async () => 'x');
    expectTypeOf(s).toEqualTypeOf<string>();
    // @ts-expect-error TS2322: execute resolves with fn's number, not a string
    const wrong: string = await noop.execute(() => 1);
    expect(wrong).toBe(1);

    const withDefault = await wrap(fallback(null), retry({ maxAttempts: 1 })).execute(() => 1);
    expectTypeOf(withDefault).toEqualTypeOf<number | null>();
  });

  it('keeps each wrapped policy’s own type', () => {
    const policy = wrap(retry(), circuitBreaker());
    expectTypeOf(policy.policies[0].onRetry).toBeFunction();
    expectTypeOf(policy.policies[1].state).toEqualTypeOf<'closed' | 'open' | 'half-open'>();
  });

  it('rejects what is not a policy', () => {
    // @ts-expect-error TS2345: a number is not a Policy
    expect(() => wrap(retry(), 42)).toThrow(/argument 2 is not a policy/);
    // @ts-expect-error TS2345: a bare function is not a Policy
    expect(() => wrap(() => 1)).toThrow(TypeError);
  });

  it('types the context fn receives', async () => {
    await noop.execute((context) => {
      expectTypeOf(context.signal).toEqualTypeOf<AbortSignal>();
      expectTypeOf(context.attempt).toEqualTypeOf<number>();
      // @ts-expect-error TS2540: the context is readonly
      context.attempt = 2;
    });
  });
});
