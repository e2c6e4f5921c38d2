import { type Clock, systemClock } from '../clock.js';
import { TimeoutError } from '../errors.js';
import type { Policy, PolicyFn } from './policy.js';

export interface TimeoutOptions {
  /**
   * `cooperative`, the only strategy: at the deadline the policy aborts the signal it gave fn and waits for fn to
   * settle. fn must honour the signal (pass it to fetch, the driver, ...); an fn that ignores it keeps running, and
   * the call keeps waiting for it. In exchange, nothing runs on after `execute` settles, so a `bulkhead` around it
   * counts honestly. @default 'cooperative'
   */
  readonly strategy?: 'cooperative';
  /** @default systemClock */
  readonly clock?: Clock;
}

/**
 * Bounds a call to `ms`. fn receives a signal that aborts at the deadline (reason: a `TimeoutError`) or when the
 * caller's signal aborts (reason: the caller's). If the deadline passed and fn then fails, the call rejects with
 * `TimeoutError` (`cause`: fn's error); if fn resolves anyway, its value is returned (the work is done). Caller
 * aborts and fn's other failures pass through unchanged.
 */
export function timeout(ms: number, options: TimeoutOptions = {}): Policy {
  const clock = options.clock ?? systemClock;
  if (!(ms >= 0)) throw new RangeError('timeout: ms must be >= 0');

  return {
    async execute<T>(fn: PolicyFn<T>, outer?: AbortSignal): Promise<T> {
      outer?.throwIfAborted();
      const controller = new AbortController();
      let timedOut = false;
      const onAbort = () => controller.abort(outer?.reason);
      outer?.addEventListener('abort', onAbort, { once: true });
      const timer = clock.setTimeout(() => {
        timedOut = true;
        controller.abort(new TimeoutError(ms));
      }, ms);
      try {
        return await fn({ signal: controller.signal, attempt: 1 });
      } catch (error) {
        if (timedOut) throw error instanceof TimeoutError ? error : new TimeoutError(ms, { cause: error });
        throw error;
      } finally {
        clock.clearTimeout(timer);
        outer?.removeEventListener('abort', onAbort);
      }
    },
  };
}
