import { describe, expect, it } from 'vitest';
import { createFakeClock, systemClock } from './clock.js';

describe('createFakeClock', () => {
  it('fires due timers in order of due time, then of setting, with now() at each due time', async () => {
    const clock = createFakeClock(1_000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => fired.push(`c@${clock.now()}`), 20);
    clock.setTimeout(() => fired.push('late'), 31);
    await clock.advance(30);
    expect(fired).toEqual(['a@1010', 'b@1020', 'c@1020']);
    expect(clock.now()).toBe(1_030);
    expect(clock.pending).toBe(1);
  });

  it('fires a timer set by code that resumed after an earlier timer, when it falls due within the advance', async () => {
    const clock = createFakeClock();
    const woke: number[] = [];
    const loop = async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(10);
        woke.push(clock.now());
      }
    };
    const done = loop();
    await clock.advance(25);
    expect(woke).toEqual([10, 20]);
    await clock.advance(5);
    await done;
    expect(woke).toEqual([10, 20, 30]);
  });

  it('does not fire a cleared timer', async () => {
    const clock = createFakeClock();
    let fired = false;
    const handle = clock.setTimeout(() => {
      fired = true;
    }, 5);
    clock.clearTimeout(handle);
    await clock.advance(10);
    expect(fired).toBe(false);
    expect(clock.pending).toBe(0);
  });

  it('sleep rejects at once with the reason when its signal aborts, and clears its timer', async () => {
    const clock = createFakeClock();
    const controller = new AbortController();
    const slept = clock.sleep(1_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(slept).rejects.toThrow('stop');
    expect(clock.pending).toBe(0);
    await expect(clock.sleep(1, controller.signal)).rejects.toThrow('stop');
  });

  it('runAll runs timers until none is left, and stops a timer loop', async () => {
    const clock = createFakeClock();
    const chain = async () => {
      await clock.sleep(100);
      await clock.sleep(200);
      return clock.now();
    };
    const end = chain();
    await clock.runAll();
    await expect(end).resolves.toBe(300);
    const again = () => clock.setTimeout(again, 1);
    again();
    await expect(clock.runAll(50)).rejects.toThrow(/more than 50 timers/);
  });
});

describe('systemClock', () => {
  it('reads wall-clock time and sleeps for zero ms', async () => {
    const before = Date.now();
    await systemClock.sleep(0);
    expect(systemClock.now()).toBeGreaterThanOrEqual(before);
    const controller = new AbortController();
    const slept = systemClock.sleep(60_000, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(slept).rejects.toThrow('cancelled');
  });
});
