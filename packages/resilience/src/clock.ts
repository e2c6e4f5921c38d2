declare const timerBrand: unique symbol;

/** An opaque timer handle: pass it back to the `clearTimeout` of the clock that made it. */
export type TimerHandle = { readonly [timerBrand]: true };

/**
 * Time as the policies see it. Inject one (every policy takes `clock`) to control time in tests; the default is
 * `systemClock`. `now()` is wall-clock milliseconds since the epoch, so breaker snapshots stay meaningful across a
 * process restart.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /**
   * Resolves after `ms`. If `signal` aborts first (or already has), rejects at once with `signal.reason` and
   * clears the timer.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: `Date.now()` and the global timers. Timers are not `unref`ed: a pending retry keeps Node alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms) as unknown as TimerHandle,
  clearTimeout: (handle) => globalThis.clearTimeout(handle as unknown as ReturnType<typeof globalThis.setTimeout>),
  sleep: (ms, signal) => sleepOn(systemClock, ms, signal),
};

function sleepOn(clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A clock that moves only when told to. For tests: no real sleeps, and timers fire in a known order. */
export interface FakeClock extends Clock {
  /**
   * Moves time forward by `ms`, firing every timer that falls due, earliest first (ties in the order they were
   * set), with `now()` equal to each timer's due time while it runs. Between timers, and before it resolves, it
   * lets pending promise callbacks run, so a timer set by code that resumes after an earlier timer also fires if
   * it falls due within `ms`.
   */
  advance(ms: number): Promise<void>;
  /**
   * Lets pending promise callbacks run, then advances to each pending timer in turn until none is left; throws
   * after `limit` timers (a timer loop).
   */
  runAll(limit?: number): Promise<void>;
  /** Number of timers set and not yet fired or cleared. */
  readonly pending: number;
}

interface FakeTimer {
  readonly due: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** Creates a `FakeClock` whose `now()` starts at `startMs` (default 0). */
export function createFakeClock(startMs = 0): FakeClock {
  let now = startMs;
  let seq = 0;
  const timers = new Map<number, FakeTimer>();

  const next = (until: number): FakeTimer | undefined => {
    let best: FakeTimer | undefined;
    for (const t of timers.values()) {
      if (t.due <= until && (best === undefined || t.due < best.due || (t.due === best.due && t.seq < best.seq))) {
        best = t;
      }
    }
    return best;
  };

  const clock: FakeClock = {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++seq;
      timers.set(id, { due: now + Math.max(0, ms), seq: id, fn });
      return id as unknown as TimerHandle;
    },
    clearTimeout(handle) {
      timers.delete(handle as unknown as number);
    },
    sleep: (ms, signal) => sleepOn(clock, ms, signal),
    async advance(ms) {
      const target = now + Math.max(0, ms);
      await flush();
      for (let timer = next(target); timer !== undefined; timer = next(target)) {
        timers.delete(timer.seq);
        now = timer.due;
        timer.fn();
        await flush();
      }
      now = target;
      await flush();
    },
    async runAll(limit = 10_000) {
      await flush();
      for (let fired = 0; timers.size > 0; fired++) {
        if (fired >= limit) throw new Error(`fake clock: more than ${limit} timers; is a timer rescheduling itself?`);
        const first = next(Number.POSITIVE_INFINITY);
        if (first === undefined) break;
        await clock.advance(first.due - now);
      }
    },
    get pending() {
      return timers.size;
    },
  };
  return clock;
}

// A macrotask turn: every promise callback queued so far (and those they queue) runs before it.
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
