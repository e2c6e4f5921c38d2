import { type Policy, type RetryOptions, retry } from '@humangov/resilience';
import type { Middleware } from '../router.js';

/**
 * Turns a resilience policy into router middleware (STYLE rule 4), so retry, timeout, breaker and bulkhead are
 * written once: the rest of the chain and the handler run inside `policy.execute`, and see the policy's signal as
 * `context.signal` (a `timeout` aborts it; pass it on to the IO the handler starts). Whatever the policy settles
 * with decides ack (resolve) or nack (reject), as for any handler.
 */
export function policyMiddleware(policy: Policy<unknown>): Middleware {
  return (next) => async (event, context) => {
    await policy.execute(({ signal }) => next(event, { ...context, signal }), context.signal);
  };
}

/**
 * In-process retries of the handler with the resilience `retry` policy, before the router sees a failure.
 * Defaults: 3 attempts in all, 100 ms initial backoff, full jitter; a `PermanentError` (or any error with
 * `retryable: false`) is never retried. Exhaustion rejects with `RetryExhaustedError` (`cause`: the last failure),
 * which the router nacks. The message is not acked between tries: keep them short (a partition waits).
 */
export function retryHandler(options: RetryOptions = {}): Middleware {
  return policyMiddleware(retry(options));
}
