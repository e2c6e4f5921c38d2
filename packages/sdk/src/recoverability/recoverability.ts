import { isRetryable, type RetryOptions, retry } from '@humangov/resilience';
import type { Middleware } from '../router.js';
import { DeadLetterRequest, RedeliveryRequest } from './outcome.js';

/** How a handler recovers from failures: in-process retries, then delayed redeliveries, then the dead letter. */
export interface RecoverabilityOptions {
  /**
   * In-process retries after the first failure of a delivery, or the full `retry` policy options
   * (`maxAttempts` counts the first call). @default 2 (3 calls, 100 ms initial backoff, full jitter)
   */
  readonly retries?: number | RetryOptions;
  /**
   * Delays of the delayed redeliveries, one per redelivery: delivery `n` that still fails is redelivered after
   * `redeliveries[n - 1]` ms. Through the broker where the transport can (Kafka retry topics, AMQP TTL queues:
   * nothing is blocked meanwhile), else with `nack({ delayMs })` (the partition or key waits).
   * @default [1_000, 10_000, 60_000]
   */
  readonly redeliveries?: readonly number[];
  /**
   * After the last redelivery fails, write the message to the router's dead-letter channel (reason
   * `handler-failed`) and ack it. `false`: keep redelivering it after the last delay. @default true
   */
  readonly deadLetter?: boolean;
}

/** The delays used when `redeliveries` is not given. */
export const DEFAULT_REDELIVERIES: readonly number[] = [1_000, 10_000, 60_000];

export interface ResolvedRecoverability {
  readonly retry: RetryOptions;
  readonly redeliveries: readonly number[];
  readonly deadLetter: boolean;
}

/** Defaults and validation in one place. */
export function resolveRecoverability(options: RecoverabilityOptions = {}): ResolvedRecoverability {
  const retries = options.retries ?? 2;
  const retryOptions: RetryOptions = typeof retries === 'number' ? { maxAttempts: retries + 1 } : retries;
  if (typeof retries === 'number' && (!Number.isInteger(retries) || retries < 0)) {
    throw new RangeError('recoverability: retries must be an integer >= 0');
  }
  const redeliveries = options.redeliveries ?? DEFAULT_REDELIVERIES;
  for (const d of redeliveries) {
    if (!Number.isInteger(d) || d <= 0) throw new RangeError('recoverability: redelivery delays must be integers > 0');
  }
  return { retry: retryOptions, redeliveries: [...redeliveries], deadLetter: options.deadLetter ?? true };
}

/**
 * Recoverability as middleware: retries the rest of the chain in process (resilience `retry`); when a delivery
 * still fails, asks the router for a delayed redelivery (delay by `context.attempt`, the delivery number, which
 * survives broker redeliveries through the `humangov-attempt` header), and after the last one for a dead letter
 * with reason `handler-failed`. A non-retryable failure (`PermanentError`) is dead-lettered at once. Needs the
 * router (it acts on the requests); `router.handle(type, { recoverability }, handler)` installs it per handler
 * and also prepares broker-side delays.
 */
export function recoverability(options: RecoverabilityOptions = {}): Middleware {
  const resolved = resolveRecoverability(options);
  const policy = retry(resolved.retry);
  const retryable = resolved.retry.retryable ?? isRetryable;
  return (next) => async (event, context) => {
    try {
      await policy.execute(({ signal }) => next(event, { ...context, signal }), context.signal);
    } catch (error) {
      const last = lastFailure(error);
      if (!retryable(last)) {
        if (resolved.deadLetter) throw new DeadLetterRequest('handler-failed', { cause: last });
        throw error;
      }
      const delayMs = resolved.redeliveries[context.attempt - 1];
      if (delayMs !== undefined) throw new RedeliveryRequest(delayMs, { cause: last });
      if (resolved.deadLetter) throw new DeadLetterRequest('handler-failed', { cause: last });
      throw new RedeliveryRequest(resolved.redeliveries.at(-1) ?? 0, { cause: last });
    }
  };
}

function lastFailure(error: unknown): unknown {
  const e = error as { code?: unknown; cause?: unknown } | null;
  return typeof e === 'object' && e !== null && e.code === 'HUMANGOV_RETRY_EXHAUSTED' ? e.cause : error;
}
