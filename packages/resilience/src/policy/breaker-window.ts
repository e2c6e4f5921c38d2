/**
 * What a circuit breaker remembers of recent calls, by kind. Internal to `circuitBreaker`; the snapshot shapes are
 * part of `CircuitBreakerSnapshot` and therefore plain JSON.
 */

/** How the breaker decides to open. */
export type BreakerKind =
  /** Opens after `failures` failures in a row; a success resets the count. */
  | { readonly type: 'consecutive'; readonly failures: number }
  /** Judges the last `size` calls. */
  | { readonly type: 'count'; readonly size: number }
  /** Judges the calls of the last `windowMs`, kept in `buckets` slices (@default 10) that expire whole. */
  | { readonly type: 'time'; readonly windowMs: number; readonly buckets?: number };

/** Counts over the window: calls, failed calls, slow calls (a slow call may also be failed). */
export interface WindowStats {
  readonly total: number;
  readonly failures: number;
  readonly slow: number;
  /** For `consecutive`: failures since the last success. */
  readonly consecutiveFailures: number;
}

export type WindowSnapshot =
  | { readonly type: 'consecutive'; readonly failures: number }
  /** Outcomes oldest first: bit 0 = failed, bit 1 = slow. */
  | { readonly type: 'count'; readonly outcomes: readonly number[] }
  /** `[slice index (now / slice width), total, failures, slow]`, oldest first. */
  | { readonly type: 'time'; readonly slices: readonly (readonly [number, number, number, number])[] };

export interface CallWindow {
  record(now: number, failed: boolean, slow: boolean): void;
  stats(now: number): WindowStats;
  reset(): void;
  toJSON(): WindowSnapshot;
  /** Takes over a snapshot of the same type; ignores one of another type (the configuration changed). */
  restore(snapshot: WindowSnapshot): void;
}

const FAILED = 1;
const SLOW = 2;

export function createWindow(kind: BreakerKind): CallWindow {
  switch (kind.type) {
    case 'consecutive':
      return consecutiveWindow();
    case 'count':
      return countWindow(kind.size);
    case 'time':
      return timeWindow(kind.windowMs, kind.buckets ?? 10);
  }
}

function consecutiveWindow(): CallWindow {
  let failures = 0;
  let total = 0;
  return {
    record(_now, failed) {
      failures = failed ? failures + 1 : 0;
      total++;
    },
    stats: () => ({ total, failures, slow: 0, consecutiveFailures: failures }),
    reset() {
      failures = 0;
      total = 0;
    },
    toJSON: () => ({ type: 'consecutive', failures }),
    restore(snapshot) {
      if (snapshot.type === 'consecutive') failures = total = Math.max(0, Math.trunc(snapshot.failures));
    },
  };
}

function countWindow(size: number): CallWindow {
  // A ring buffer with running totals: O(1) per call.
  let ring: number[] = [];
  let head = 0;
  let failures = 0;
  let slow = 0;
  const add = (outcome: number) => {
    if (ring.length === size) {
      const old = ring[head]!;
      failures -= old & FAILED;
      slow -= (old & SLOW) >> 1;
      ring[head] = outcome;
      head = (head + 1) % size;
    } else {
      ring.push(outcome);
    }
    failures += outcome & FAILED;
    slow += (outcome & SLOW) >> 1;
  };
  const reset = () => {
    ring = [];
    head = 0;
    failures = 0;
    slow = 0;
  };
  return {
    record: (_now, failed, isSlow) => add((failed ? FAILED : 0) | (isSlow ? SLOW : 0)),
    stats: () => ({ total: ring.length, failures, slow, consecutiveFailures: 0 }),
    reset,
    toJSON: () => ({ type: 'count', outcomes: [...ring.slice(head), ...ring.slice(0, head)] }),
    restore(snapshot) {
      if (snapshot.type !== 'count') return;
      reset();
      for (const outcome of snapshot.outcomes.slice(-size)) add(outcome & (FAILED | SLOW));
    },
  };
}

function timeWindow(windowMs: number, buckets: number): CallWindow {
  const width = windowMs / buckets;
  // Live slices, oldest first; a slice is dropped once it lies wholly outside the window.
  let slices: [number, number, number, number][] = [];
  const expire = (now: number) => {
    const oldest = Math.floor(now / width) - buckets + 1;
    while (slices.length > 0 && slices[0]![0] < oldest) slices.shift();
  };
  return {
    record(now, failed, isSlow) {
      expire(now);
      const index = Math.floor(now / width);
      let last = slices[slices.length - 1];
      // A clock that stepped back adds to the newest slice rather than reorder them.
      if (last === undefined || index > last[0]) {
        last = [index, 0, 0, 0];
        slices.push(last);
      }
      last[1]++;
      if (failed) last[2]++;
      if (isSlow) last[3]++;
    },
    stats(now) {
      expire(now);
      let total = 0;
      let failures = 0;
      let slow = 0;
      for (const s of slices) {
        total += s[1];
        failures += s[2];
        slow += s[3];
      }
      return { total, failures, slow, consecutiveFailures: 0 };
    },
    reset() {
      slices = [];
    },
    toJSON: () => ({ type: 'time', slices: slices.map((s) => [...s] as [number, number, number, number]) }),
    restore(snapshot) {
      if (snapshot.type !== 'time') return;
      slices = snapshot.slices.map((s) => [s[0], s[1], s[2], s[3]]);
    },
  };
}
