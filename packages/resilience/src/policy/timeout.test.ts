import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../clock.js';
import { timeout } from './timeout.js';

describe('timeout', () => {
  it('aborts fn’s signal at the deadline and rejects with TimeoutError', async () => {
    const clock = createFakeClock();
    let seen: AbortSignal | undefined;
    const result = timeout(100, { clock }).execute(({ signal }) => {
      seen = signal;
      return clock.sleep(10_000, signal).then(() => 'late');
    });
    const settled = expect(result).rejects.toMatchObject({ code: 'HUMANGOV_POLICY_TIMEOUT', timeoutMs: 100 });
    await clock.advance(99);
    expect(seen?.aborted).toBe(false);
    await clock.advance(1);
    await settled;
    expect(seen?.aborted).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it('resolves with fn’s value in time and clears its timer', async () => {
    const clock = createFakeClock();
    await expect(timeout(100, { clock }).execute(() => 'fast')).resolves.toBe('fast');
    expect(clock.pending).toBe(0);
  });

  it('waits for an fn that ignores the signal, wrapping its late failure in TimeoutError (cooperative)', async () => {
    const clock = createFakeClock();
    let finished = false;
    const result = timeout(100, { clock }).execute(async () => {
      await clock.sleep(500);
      finished = true;
      throw new Error('gave up by itself');
    });
    const settled = expect(result).rejects.toMatchObject({
      code: 'HUMANGOV_POLICY_TIMEOUT',
      cause: expect.objectContaining({ message: 'gave up by itself' }),
    });
    await clock.advance(500);
    await settled;
    expect(finished).toBe(true);
  });

  it('passes the caller’s abort inward with the caller’s reason', async () => {
    const clock = createFakeClock();
    const controller = new AbortController();
    const result = timeout(1_000, { clock }).execute(({ signal }) => clock.sleep(5_000, signal), controller.signal);
    controller.abort(new Error('caller left'));
    await expect(result).rejects.toThrow('caller left');
    await expect(timeout(1_000, { clock }).execute(() => 1, controller.signal)).rejects.toThrow('caller left');
  });
});
