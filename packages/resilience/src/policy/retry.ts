import { type Clock, systemClock } from '../clock.js';
import { isResilienceError, RetryExhaustedError } from '../errors.js';
import { decorrelatedJitter, fullJitter, type Jitter } from './backoff.js';
import { createListeners } from './listeners.js';
import { contextFor, type Policy, type PolicyFn } from './policy.js';

export interface RetryOptions {
  /** Calls in all, the first included. @default 3 */
  readonly maxAttempts?: number;
  /**
   * Time budget from the first call: no retry starts after it. Retry gives up rather than wait past it, so every
   * attempt starts within `maxElapsedMs` of the first (plus the time fn itself takes). @default Infinity
   */
  readonly maxElapsedMs?: number;
  /** Exponential backoff's randomisation: `full` or `decorrelated` (see backoff.ts). @default 'full' */
  readonly jitter?: Jitter;
  /** Base of the exponential backoff. @default 100 */
  readonly initialDelayMs?: number;
  /** No wait is longer than this, not even one asked for by an error's `retryAfterMs`. @default 30_000 */
  readonly maxDelayMs?: number;
  /**
   * Which failures to retry. @default every error but a `PermanentError` and an error whose `retryable` is `false`
   */
  readonly retryable?: (error: unknown) => boolean;
  /** @default systemClock */
  readonly clock?: Clock;
  /** Uniform in [0, 1). @default Math.random */
  readonly random?: () => number;
}

/** Emitted before each wait: `attempt` failed with `error`; the next try starts after `delayMs`. */
export interface RetryEvent {
  readonly attempt: number;
  readonly error: unknown;
  readonly delayMs: number;
}

export interface RetryPolicy extends Policy {
  /** Calls `listener` before each wait. Returns a function that unsubscribes it. */
  onRetry(listener: (event: RetryEvent) => void): () => void;
}

/** The default `retryable` predicate: all but `PermanentError` and errors that say `retryable: false`. */
export function isRetryable(error: unknown): boolean {
  if (isResilienceError(error, 'HUMANGOV_PERMANENT')) return false;
  return !(typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === false);
}

/**
 * Runs fn and, while it fails with a retryable error, runs it again after a backoff delay, up to `maxAttempts`
 * calls and within `maxElapsedMs`.
 *
 * - A non-retryable failure is rethrown as is, at once.
 * - When attempts or time run out it rejects with `RetryExhaustedError` (`cause`: the last failure, `attempts`).
 * - An error carrying `retryAfterMs` (e.g. `BrokenCircuitError`) makes the next wait at least that long
 *   (still capped at `maxDelayMs`).
 * - The signal: an abort during a wait rejects at once with the signal's reason; after an abort no new attempt
 *   starts, and a failure is reported as the signal's reason.
 * - Calls never overlap: attempt n+1 starts after attempt n settled.
 */
export function retry(options: RetryOptions = {}): RetryPolicy {
  const maxAttempts = options.maxAttempts ?? 3;
  const maxElapsedMs = options.maxElapsedMs ?? Number.POSITIVE_INFINITY;
  const backoff = { initialDelayMs: options.initialDelayMs ?? 100, maxDelayMs: options.maxDelayMs ?? 30_000 };
  const jitter = options.jitter ?? 'full';
  const retryable = options.retryable ?? isRetryable;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('retry: maxAttempts must be >= 1');
  if (!(maxElapsedMs >= 0)) throw new RangeError('retry: maxElapsedMs must be >= 0');
  if (!(backoff.initialDelayMs >= 0) || !(backoff.maxDelayMs >= 0)) {
    throw new RangeError('retry: initialDelayMs and maxDelayMs must be >= 0');
  }
  const listeners = createListeners<RetryEvent>();

  return {
    onRetry: listeners.add,
    async execute<T>(fn: PolicyFn<T>, outer?: AbortSignal): Promise<T> {
      const start = clock.now();
      let previousDelay = backoff.initialDelayMs;
      for (let attempt = 1; ; attempt++) {
        outer?.throwIfAborted();
        try {
          return await fn(contextFor(outer, attempt));
        } catch (error) {
          if (outer?.aborted) throw outer.reason;
          if (!retryable(error)) throw error;
          const elapsedMs = clock.now() - start;
          if (attempt >= maxAttempts) throw new RetryExhaustedError({ attempts: attempt, elapsedMs }, { cause: error });
          const drawn =
            jitter === 'full'
              ? fullJitter(attempt, backoff, random)
              : decorrelatedJitter(previousDelay, backoff, random);
          previousDelay = drawn;
          const delayMs = Math.min(backoff.maxDelayMs, Math.max(drawn, retryAfter(error)));
          if (elapsedMs + delayMs > maxElapsedMs) {
            throw new RetryExhaustedError({ attempts: attempt, elapsedMs }, { cause: error });
          }
          listeners.emit({ attempt, error, delayMs });
          await clock.sleep(delayMs, outer);
        }
      }
    },
  };
}

function retryAfter(error: unknown): number {
  const hint = typeof error === 'object' && error !== null ? (error as { retryAfterMs?: unknown }).retryAfterMs : 0;
  return typeof hint === 'number' && hint > 0 ? hint : 0;
}
