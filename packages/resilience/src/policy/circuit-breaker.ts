import { type Clock, systemClock } from '../clock.js';
import { BrokenCircuitError } from '../errors.js';
import { type BreakerKind, createWindow, type WindowSnapshot, type WindowStats } from './breaker-window.js';
import { createListeners } from './listeners.js';
import { contextFor, type Policy, type PolicyFn } from './policy.js';

export type { BreakerKind, WindowSnapshot } from './breaker-window.js';

/** `closed`: calls pass. `open`: calls fail fast. `half-open`: a few probe calls test the dependency. */
export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** When to open: n failures in a row, or rates over the last N calls or the last T ms. @default 5 in a row */
  readonly breaker?: BreakerKind;
  /** Sliding windows: open when failed calls / calls reaches this (0 < rate <= 1). @default 0.5 */
  readonly failureRate?: number;
  /** Sliding windows: a call (failed or not) that takes this long or longer is slow. @default undefined: none is */
  readonly slowCallMs?: number;
  /** Sliding windows: open when slow calls / calls reaches this (needs `slowCallMs`). @default 1 */
  readonly slowCallRate?: number;
  /** Sliding windows: no rate opens the circuit before the window holds this many calls. @default 10 (count: at most size) */
  readonly minimumThroughput?: number;
  /** How long the circuit stays open before it lets probes through. @default 10_000 */
  readonly halfOpenAfterMs?: number;
  /**
   * Half-open: at most this many probe calls run at once (others fail fast with `BrokenCircuitError`), and this
   * many successful probes close the circuit. A failed or slow probe opens it again. @default 1
   */
  readonly halfOpenMaxProbes?: number;
  /** Which errors count as failures; the others are not recorded at all. @default every error */
  readonly isFailure?: (error: unknown) => boolean;
  /** @default systemClock */
  readonly clock?: Clock;
}

export interface CircuitStateChange {
  readonly from: CircuitState;
  readonly to: CircuitState;
  /** `clock.now()` at the change. */
  readonly at: number;
}

/** Plain JSON: store it, and hand it to `restore` in a new process so that it starts where the old one stopped. */
export interface CircuitBreakerSnapshot {
  readonly version: 1;
  readonly state: CircuitState;
  readonly isolated: boolean;
  /** `clock.now()` when it last opened; null when closed. The half-open wait counts from here, across restarts. */
  readonly openedAt: number | null;
  readonly window: WindowSnapshot;
}

export interface CircuitBreakerPolicy extends Policy {
  /** The current state (an open circuit whose wait is over reports, and becomes, `half-open`). */
  readonly state: CircuitState;
  /** Calls `listener` on every state change, synchronously. Returns a function that unsubscribes it. */
  onStateChange(listener: (change: CircuitStateChange) => void): () => void;
  /** Opens the circuit and holds it open (no half-open) until `reset()`. Its errors are not retryable. */
  isolate(): void;
  /** Closes the circuit and forgets every recorded call; ends an `isolate()`. */
  reset(): void;
  toJSON(): CircuitBreakerSnapshot;
  /** Takes over a snapshot (a window of another breaker kind is dropped). Throws TypeError on a malformed one. */
  restore(snapshot: CircuitBreakerSnapshot): void;
}

/**
 * Fails fast while a dependency is failing, so it can recover and callers don't wait on it.
 *
 * Closed, it runs calls and records each outcome; when the `breaker` rule trips it opens. Open, it rejects every
 * call with `BrokenCircuitError` (retryable, `retryAfterMs` = time left until half-open) without running it.
 * After `halfOpenAfterMs` it is half-open: up to `halfOpenMaxProbes` calls run at once; that many successes close
 * it, one failure or slow probe opens it again. A call that started in one period and ends in another is not
 * recorded, nor is a call whose own signal aborted before it failed (its caller gave up; the dependency was not
 * at fault) — so put `timeout` inside the breaker for timeouts to count. The breaker passes fn's result or error
 * through unchanged.
 */
export function circuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreakerPolicy {
  const kind = options.breaker ?? { type: 'consecutive', failures: 5 };
  const failureRate = options.failureRate ?? 0.5;
  const slowCallMs = options.slowCallMs;
  const slowCallRate = options.slowCallRate ?? 1;
  const minimumThroughput = options.minimumThroughput ?? (kind.type === 'count' ? Math.min(10, kind.size) : 10);
  const halfOpenAfterMs = options.halfOpenAfterMs ?? 10_000;
  const maxProbes = options.halfOpenMaxProbes ?? 1;
  const isFailure = options.isFailure ?? (() => true);
  const clock = options.clock ?? systemClock;
  validate(kind, { failureRate, slowCallMs, slowCallRate, minimumThroughput, halfOpenAfterMs, maxProbes });

  const window = createWindow(kind);
  const listeners = createListeners<CircuitStateChange>();
  let state: CircuitState = 'closed';
  let openedAt: number | null = null;
  let isolated = false;
  // Bumped on every change of period, so outcomes of calls from an earlier period are dropped.
  let generation = 0;
  let probes = 0;
  let probeSuccesses = 0;

  const transition = (to: CircuitState) => {
    const from = state;
    const at = clock.now();
    generation++;
    probes = 0;
    probeSuccesses = 0;
    if (to !== 'half-open') window.reset();
    if (to === 'open') openedAt = at;
    if (to === 'closed') openedAt = null;
    state = to;
    if (from !== to) listeners.emit({ from, to, at });
  };

  const current = (): CircuitState => {
    if (state === 'open' && !isolated && clock.now() >= (openedAt ?? 0) + halfOpenAfterMs) transition('half-open');
    return state;
  };

  const trips = (s: WindowStats): boolean => {
    if (kind.type === 'consecutive') return s.consecutiveFailures >= kind.failures;
    if (s.total === 0 || s.total < minimumThroughput) return false;
    return s.failures / s.total >= failureRate || (slowCallMs !== undefined && s.slow / s.total >= slowCallRate);
  };

  // `failed` undefined: an ignored outcome (not a failure by `isFailure`, or the caller aborted).
  const settle = (period: number, probe: boolean, startedAt: number, failed: boolean | undefined) => {
    if (period !== generation) return;
    const now = clock.now();
    const slow = slowCallMs !== undefined && now - startedAt >= slowCallMs;
    if (probe) {
      probes--;
      if (failed === undefined) return;
      if (failed || slow) transition('open');
      else if (++probeSuccesses >= maxProbes) transition('closed');
      return;
    }
    if (failed === undefined) return;
    window.record(now, failed, slow);
    if (trips(window.stats(now))) transition('open');
  };

  return {
    get state() {
      return current();
    },
    onStateChange: listeners.add,
    async execute<T>(fn: PolicyFn<T>, outer?: AbortSignal): Promise<T> {
      const s = current();
      if (s === 'open') {
        const retryAfterMs = Math.max(0, (openedAt ?? 0) + halfOpenAfterMs - clock.now());
        throw new BrokenCircuitError({ state: 'open', isolated, retryAfterMs });
      }
      const probe = s === 'half-open';
      if (probe) {
        if (probes >= maxProbes) throw new BrokenCircuitError({ state: 'half-open', retryAfterMs: 0 });
        probes++;
      }
      const period = generation;
      const startedAt = clock.now();
      try {
        const value = await fn(contextFor(outer, 1));
        settle(period, probe, startedAt, false);
        return value;
      } catch (error) {
        settle(period, probe, startedAt, outer?.aborted || !isFailure(error) ? undefined : true);
        throw error;
      }
    },
    isolate() {
      isolated = true;
      transition('open');
    },
    reset() {
      isolated = false;
      transition('closed');
    },
    toJSON() {
      return { version: 1, state: current(), isolated, openedAt, window: window.toJSON() };
    },
    restore(snapshot) {
      if (!isSnapshot(snapshot)) throw new TypeError('circuitBreaker.restore: not a version 1 breaker snapshot');
      isolated = snapshot.isolated && snapshot.state === 'open';
      transition(snapshot.state);
      if (snapshot.state !== 'closed') openedAt = snapshot.openedAt ?? clock.now();
      window.restore(snapshot.window);
    },
  };
}

function isSnapshot(s: unknown): s is CircuitBreakerSnapshot {
  if (typeof s !== 'object' || s === null) return false;
  const v = s as Partial<Record<keyof CircuitBreakerSnapshot, unknown>>;
  return (
    v.version === 1 &&
    (v.state === 'closed' || v.state === 'open' || v.state === 'half-open') &&
    typeof v.isolated === 'boolean' &&
    (v.openedAt === null || typeof v.openedAt === 'number') &&
    typeof v.window === 'object' &&
    v.window !== null
  );
}

function validate(
  kind: BreakerKind,
  o: {
    failureRate: number;
    slowCallMs: number | undefined;
    slowCallRate: number;
    minimumThroughput: number;
    halfOpenAfterMs: number;
    maxProbes: number;
  },
): void {
  const fail = (message: string): never => {
    throw new RangeError(`circuitBreaker: ${message}`);
  };
  if (kind.type === 'consecutive' && !(kind.failures >= 1)) fail('breaker.failures must be >= 1');
  if (kind.type === 'count' && !(Number.isInteger(kind.size) && kind.size >= 1)) fail('breaker.size must be >= 1');
  if (kind.type === 'count' && o.minimumThroughput > kind.size) fail('minimumThroughput must be <= breaker.size');
  if (kind.type === 'time' && !(kind.windowMs > 0)) fail('breaker.windowMs must be > 0');
  if (kind.type === 'time' && !(Number.isInteger(kind.buckets ?? 10) && (kind.buckets ?? 10) >= 1)) {
    fail('breaker.buckets must be >= 1');
  }
  if (kind.type === 'consecutive' && o.slowCallMs !== undefined) fail('slowCallMs needs a count or time window');
  if (!(o.failureRate > 0 && o.failureRate <= 1)) fail('failureRate must be in (0, 1]');
  if (!(o.slowCallRate > 0 && o.slowCallRate <= 1)) fail('slowCallRate must be in (0, 1]');
  if (o.slowCallMs !== undefined && !(o.slowCallMs >= 0)) fail('slowCallMs must be >= 0');
  if (!(o.minimumThroughput >= 1)) fail('minimumThroughput must be >= 1');
  if (!(o.halfOpenAfterMs >= 0)) fail('halfOpenAfterMs must be >= 0');
  if (!(Number.isInteger(o.maxProbes) && o.maxProbes >= 1)) fail('halfOpenMaxProbes must be >= 1');
}
