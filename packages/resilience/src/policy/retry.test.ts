import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../clock.js';
import { BrokenCircuitError, isResilienceError, PermanentError } from '../errors.js';
import { retry } from './retry.js';

/** fn that fails `failures` times with `error(n)`, then resolves with 'ok'; records attempts and their times. */
function flaky(failures: number, clock: { now(): number }, error = (n: number) => new Error(`fail ${n}`)) {
  const calls: { attempt: number; at: number }[] = [];
  const fn = async ({ attempt }: { attempt: number }) => {
    calls.push({ attempt, at: clock.now() });
    if (calls.length <= failures) throw error(calls.length);
    return 'ok';
  };
  return { fn, calls };
}

describe('retry', () => {
  it('retries failures with exponential full-jitter waits and resolves with the first success', async () => {
    const clock = createFakeClock();
    const { fn, calls } = flaky(2, clock);
    const policy = retry({ clock, random: () => 0.5, initialDelayMs: 100 });
    const result = policy.execute(fn);
    await clock.runAll();
    await expect(result).resolves.toBe('ok');
    // waits of 0.5 * 100 and 0.5 * 200
    expect(calls).toEqual([
      { attempt: 1, at: 0 },
      { attempt: 2, at: 50 },
      { attempt: 3, at: 150 },
    ]);
  });

  it('rejects with RetryExhaustedError after maxAttempts, its cause the last failure', async () => {
    const clock = createFakeClock();
    const { fn, calls } = flaky(10, clock);
    const result = retry({ clock, maxAttempts: 4 }).execute(fn);
    const settled = expect(result).rejects.toMatchObject({
      code: 'HUMANGOV_RETRY_EXHAUSTED',
      attempts: 4,
      cause: expect.objectContaining({ message: 'fail 4' }),
    });
    await clock.runAll();
    await settled;
    expect(calls).toHaveLength(4);
  });

  it('rethrows a PermanentError at once, unwrapped, and honours retryable: false and a custom predicate', async () => {
    const clock = createFakeClock();
    const permanent = new PermanentError('malformed id');
    const a = flaky(5, clock, () => permanent);
    await expect(retry({ clock }).execute(a.fn)).rejects.toBe(permanent);
    expect(a.calls).toHaveLength(1);

    const b = flaky(5, clock, () => Object.assign(new Error('422'), { retryable: false }));
    await expect(retry({ clock }).execute(b.fn)).rejects.toThrow('422');
    expect(b.calls).toHaveLength(1);

    const c = flaky(5, clock, (n) => new Error(n === 1 ? 'transient' : 'fatal'));
    const result = retry({ clock, retryable: (e) => (e as Error).message === 'transient' }).execute(c.fn);
    const settled = expect(result).rejects.toThrow('fatal');
    await clock.runAll();
    await settled;
    expect(c.calls).toHaveLength(2);
  });

  it('gives up rather than wait past maxElapsedMs', async () => {
    const clock = createFakeClock();
    const { fn, calls } = flaky(10, clock);
    const result = retry({ clock, maxAttempts: 10, maxElapsedMs: 1_000, random: () => 1, initialDelayMs: 100 });
    const settled = expect(result.execute(fn)).rejects.toMatchObject({ code: 'HUMANGOV_RETRY_EXHAUSTED', attempts: 4 });
    await clock.runAll();
    await settled;
    // waits 100, 200, 400 (start at 700); the next, 800, would end past 1000
    expect(calls.map((c) => c.at)).toEqual([0, 100, 300, 700]);
  });

  it('rejects promptly with the signal reason when aborted during a wait, and starts no further attempt', async () => {
    const clock = createFakeClock();
    const { fn, calls } = flaky(10, clock);
    const controller = new AbortController();
    const result = retry({ clock, initialDelayMs: 10_000, random: () => 1 }).execute(fn, controller.signal);
    await clock.advance(1);
    controller.abort(new Error('user left'));
    await expect(result).rejects.toThrow('user left');
    expect(calls).toHaveLength(1);
    expect(clock.pending).toBe(0);
    await expect(retry({ clock }).execute(fn, controller.signal)).rejects.toThrow('user left');
    expect(calls).toHaveLength(1);
  });

  it('waits at least an error’s retryAfterMs (a broken circuit’s), capped at maxDelayMs', async () => {
    const clock = createFakeClock();
    const broken = () => new BrokenCircuitError({ state: 'open', retryAfterMs: 5_000 });
    const a = flaky(1, clock, broken);
    const result = retry({ clock, random: () => 0 }).execute(a.fn);
    await clock.runAll();
    await result;
    expect(a.calls.map((c) => c.at)).toEqual([0, 5_000]);

    const b = flaky(1, clock, broken);
    const capped = retry({ clock, random: () => 0, maxDelayMs: 2_000 }).execute(b.fn);
    await clock.runAll();
    await capped;
    expect(b.calls[1]!.at - b.calls[0]!.at).toBe(2_000);
  });

  it('uses decorrelated jitter when asked: each wait between initial and three times the last', async () => {
    const clock = createFakeClock();
    const { fn, calls } = flaky(3, clock);
    const result = retry({ clock, jitter: 'decorrelated', random: () => 1, initialDelayMs: 100, maxAttempts: 4 });
    const done = result.execute(fn);
    await clock.runAll();
    await done;
    // 300, 900, 2700: the top of each range
    expect(calls.map((c) => c.at)).toEqual([0, 300, 1_200, 3_900]);
  });

  it('tells onRetry listeners about each wait until they unsubscribe', async () => {
    const clock = createFakeClock();
    const { fn } = flaky(2, clock);
    const policy = retry({ clock, random: () => 1 });
    const seen: unknown[] = [];
    const off = policy.onRetry(({ attempt, delayMs, error }) => {
      seen.push({ attempt, delayMs, message: (error as Error).message });
      off();
    });
    policy.onRetry(() => {
      throw new Error('a broken listener does not break the call');
    });
    const result = policy.execute(fn);
    await clock.runAll();
    await expect(result).resolves.toBe('ok');
    expect(seen).toEqual([{ attempt: 1, delayMs: 100, message: 'fail 1' }]);
  });

  it('turns a synchronous throw into a retried failure and validates options', async () => {
    const clock = createFakeClock();
    let n = 0;
    const result = retry({ clock }).execute(() => {
      if (++n === 1) throw new Error('sync');
      return n;
    });
    await clock.runAll();
    await expect(result).resolves.toBe(2);
    expect(() => retry({ maxAttempts: 0 })).toThrow(RangeError);
    expect(isResilienceError(new PermanentError('x'), 'HUMANGOV_PERMANENT')).toBe(true);
  });
});
