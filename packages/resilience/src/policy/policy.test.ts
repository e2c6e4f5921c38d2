import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../clock.js';
import { circuitBreaker } from './circuit-breaker.js';
import { fallback } from './fallback.js';
import { noop, type Policy, wrap } from './policy.js';
import { retry } from './retry.js';
import { timeout } from './timeout.js';

/** A policy that logs entry and exit, to see the nesting order. */
function tracer(name: string, log: string[]): Policy {
  return {
    async execute(fn, signal) {
      log.push(`${name}>`);
      try {
        return await fn({ signal: signal ?? new AbortController().signal, attempt: 1 });
      } finally {
        log.push(`<${name}`);
      }
    },
  };
}

describe('wrap', () => {
  it('nests policies outer to inner', async () => {
    const log: string[] = [];
    const result = await wrap(tracer('a', log), tracer('b', log)).execute(() => {
      log.push('fn');
      return 42;
    });
    expect(result).toBe(42);
    expect(log).toEqual(['a>', 'b>', 'fn', '<b', '<a']);
  });

  it('passes the retry attempt and the innermost signal to fn', async () => {
    const clock = createFakeClock();
    const seen: { attempt: number; aborted: boolean }[] = [];
    const policy = wrap(retry({ clock, random: () => 0 }), timeout(50, { clock }), noop);
    const result = policy.execute(async ({ attempt, signal }) => {
      seen.push({ attempt, aborted: signal.aborted });
      if (attempt < 3) {
        await clock.sleep(100, signal); // times out
      }
      return attempt;
    });
    await clock.runAll();
    await expect(result).resolves.toBe(3);
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
  });

  it('retry outside a breaker waits out an open circuit instead of spending its attempts on fast failures', async () => {
    const clock = createFakeClock();
    const breaker = circuitBreaker({ clock, breaker: { type: 'consecutive', failures: 1 }, halfOpenAfterMs: 5_000 });
    const policy = wrap(retry({ clock, maxAttempts: 3, random: () => 0 }), breaker);
    const calls: number[] = [];
    const result = policy.execute(async () => {
      calls.push(clock.now());
      if (calls.length === 1) throw new Error('down');
      return 'recovered';
    });
    await clock.runAll();
    // try 1 fails and opens the circuit; try 2 (at 0 ms) fails fast without a call; try 3 waits 5 s and probes.
    await expect(result).resolves.toBe('recovered');
    expect(calls).toEqual([0, 5_000]);
    expect(breaker.state).toBe('closed');
  });

  it('resolves with a fallback value from any depth and with fn’s result otherwise', async () => {
    const clock = createFakeClock();
    const policy = wrap(fallback('default'), retry({ clock, maxAttempts: 1 }));
    await expect(policy.execute(() => Promise.reject(new Error('down')))).resolves.toBe('default');
    await expect(policy.execute(() => 'value')).resolves.toBe('value');
    await expect(wrap().execute(() => 'bare')).resolves.toBe('bare');
    expect(policy.policies).toHaveLength(2);
  });
});
