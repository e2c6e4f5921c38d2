import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../clock.js';
import { bulkhead } from './bulkhead.js';
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

  describe('the signal fn gets', () => {
    // Every policy that takes the caller's signal as it is (timeout makes its own, aborted at its deadline).
    const policies = (): [string, Policy<unknown>][] => [
      ['noop', noop],
      ['retry', retry()],
      ['circuitBreaker', circuitBreaker()],
      ['fallback', fallback(0)],
      ['bulkhead', bulkhead({ maxConcurrent: 2 })],
      ['wrap of them all', wrap(retry(), circuitBreaker(), fallback(0), bulkhead({ maxConcurrent: 2 }))],
    ];

    /** Counts the AbortControllers made while `run` runs. */
    async function countControllers(run: () => Promise<unknown>): Promise<number> {
      const Original = globalThis.AbortController;
      let made = 0;
      globalThis.AbortController = class extends Original {
        constructor() {
          super();
          made++;
        }
      };
      try {
        await run();
      } finally {
        globalThis.AbortController = Original;
      }
      return made;
    }

    it('is the caller’s own signal, through every policy', async () => {
      for (const [name, policy] of policies()) {
        const caller = new AbortController();
        let seen: AbortSignal | undefined;
        await policy.execute(({ signal }) => {
          seen = signal;
        }, caller.signal);
        expect(seen, name).toBe(caller.signal);
      }
    });

    it('without a caller’s signal: one that never aborts, fresh for each call', async () => {
      for (const [name, policy] of policies()) {
        const seen: AbortSignal[] = [];
        for (let i = 0; i < 2; i++) {
          await policy.execute(({ signal }) => {
            seen.push(signal);
            expect(signal.aborted, name).toBe(false);
            expect(signal.reason, name).toBeUndefined();
          });
        }
        expect(seen[0], name).toBeInstanceOf(AbortSignal);
        expect(seen[0], name).not.toBe(seen[1]);
      }
    });

    it('without a caller’s signal: the same one each time fn reads or destructures it', async () => {
      for (const [name, policy] of policies()) {
        await policy.execute((context) => {
          const first = context.signal;
          const { signal, attempt } = context;
          expect(context.signal, name).toBe(first);
          expect(signal, name).toBe(first);
          expect(attempt, name).toBe(1);
        });
      }
    });

    it('without a caller’s signal: made only when fn reads it (an AbortController costs ~2.5 µs)', async () => {
      for (const [name, policy] of policies()) {
        expect(await countControllers(() => policy.execute(() => 1)), name).toBe(0);
        expect(await countControllers(() => policy.execute(({ signal }) => signal.aborted)), name).toBe(1);
      }
    });
  });
});
