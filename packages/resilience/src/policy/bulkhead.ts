import { BulkheadRejectedError } from '../errors.js';
import { contextFor, type Policy, type PolicyFn } from './policy.js';

export interface BulkheadOptions {
  /** Calls that may run at once. */
  readonly maxConcurrent: number;
  /** Calls that may wait for a slot, first come first served. @default 0 */
  readonly maxQueue?: number;
}

export interface BulkheadPolicy extends Policy {
  /** Calls running now. */
  readonly running: number;
  /** Calls waiting for a slot now. */
  readonly queued: number;
}

interface Waiter {
  readonly start: () => void;
}

/**
 * Limits concurrency: at most `maxConcurrent` calls run at once, at most `maxQueue` more wait in order; any
 * further call rejects at once with `BulkheadRejectedError`. A waiting call whose signal aborts leaves the queue
 * and rejects with the signal's reason. A slot is held until fn settles.
 */
export function bulkhead(options: BulkheadOptions): BulkheadPolicy {
  const { maxConcurrent, maxQueue = 0 } = options;
  if (!(Number.isInteger(maxConcurrent) && maxConcurrent >= 1)) {
    throw new RangeError('bulkhead: maxConcurrent must be >= 1');
  }
  if (!(Number.isInteger(maxQueue) && maxQueue >= 0)) throw new RangeError('bulkhead: maxQueue must be >= 0');
  let running = 0;
  const queue: Waiter[] = [];

  const acquire = (signal: AbortSignal | undefined): Promise<void> => {
    signal?.throwIfAborted();
    if (running < maxConcurrent) {
      running++;
      return Promise.resolve();
    }
    if (queue.length >= maxQueue) return Promise.reject(new BulkheadRejectedError({ maxConcurrent, maxQueue }));
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        queue.splice(queue.indexOf(waiter), 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  };

  const release = () => {
    const next = queue.shift();
    // The slot passes straight to the next waiter, so `running` stays put and no newcomer can jump the queue.
    if (next) next.start();
    else running--;
  };

  return {
    get running() {
      return running;
    },
    get queued() {
      return queue.length;
    },
    async execute<T>(fn: PolicyFn<T>, outer?: AbortSignal): Promise<T> {
      await acquire(outer);
      try {
        return await fn(contextFor(outer, 1));
      } finally {
        release();
      }
    },
  };
}
