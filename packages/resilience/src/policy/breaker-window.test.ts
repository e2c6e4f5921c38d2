import { describe, expect, it } from 'vitest';
import { createWindow } from './breaker-window.js';

describe('breaker windows', () => {
  it('consecutive: counts failures since the last success', () => {
    const w = createWindow({ type: 'consecutive', failures: 3 });
    w.record(0, true, false);
    w.record(0, true, false);
    expect(w.stats(0).consecutiveFailures).toBe(2);
    w.record(0, false, false);
    expect(w.stats(0).consecutiveFailures).toBe(0);
  });

  it('count: keeps the last N outcomes and snapshots them oldest first', () => {
    const w = createWindow({ type: 'count', size: 3 });
    for (const [failed, slow] of [
      [true, false],
      [false, true],
      [true, true],
      [false, false],
    ] as const) {
      w.record(0, failed, slow);
    }
    expect(w.stats(0)).toMatchObject({ total: 3, failures: 1, slow: 2 });
    expect(w.toJSON()).toEqual({ type: 'count', outcomes: [2, 3, 0] });
    const copy = createWindow({ type: 'count', size: 2 });
    copy.restore(w.toJSON());
    expect(copy.stats(0)).toMatchObject({ total: 2, failures: 1, slow: 1 }); // the newest two fit
  });

  it('time: drops whole slices as they leave the window, and tolerates a clock that steps back', () => {
    const w = createWindow({ type: 'time', windowMs: 1_000, buckets: 4 });
    w.record(0, true, false);
    w.record(600, false, false);
    expect(w.stats(999).total).toBe(2);
    expect(w.stats(1_000).total).toBe(1); // the slice [0, 250) expired
    w.record(500, true, false); // stepped back: counted in the newest slice
    expect(w.stats(1_000)).toMatchObject({ total: 2, failures: 1 });
    expect(w.stats(2_000).total).toBe(0);
  });

  it('ignores a snapshot of another kind', () => {
    const w = createWindow({ type: 'time', windowMs: 1_000 });
    w.record(0, true, false);
    w.restore({ type: 'consecutive', failures: 4 });
    expect(w.stats(0).total).toBe(1);
  });
});
