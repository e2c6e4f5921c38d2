import {
  type CircuitBreakerOptions,
  type CircuitBreakerPolicy,
  type CircuitState,
  type Clock,
  circuitBreaker,
  isResilienceError,
  type Jitter,
  retry,
  systemClock,
  timeout,
} from '@humangov/resilience';
import {
  HttpAbortedError,
  type HttpCallFields,
  HttpCircuitOpenError,
  type HttpClientError,
  HttpNetworkError,
  HttpTimeoutError,
} from '../errors.js';
import { isRetrySafe, parseRetryAfter, retryableStatuses } from './client-retry-rules.js';

/** A `fetch` that takes a `Request`, as openapi-fetch calls it. */
export type FetchFn = (request: Request) => Promise<Response>;

/** What the client reports as it works (STYLE rule 11): a retry about to wait, a circuit changing state. */
export type HttpClientEvent =
  | {
      readonly type: 'retry';
      readonly method: string;
      readonly url: string;
      /** The attempt that failed (1 for the first request). */
      readonly attempt: number;
      /** Wait before the next attempt: backoff, or the server's `Retry-After` when longer. */
      readonly delayMs: number;
      /** The status that failed the attempt; undefined when it got no response. */
      readonly status: number | undefined;
      /** Why it got no response; undefined when it got one. */
      readonly error: HttpClientError | undefined;
    }
  | {
      readonly type: 'circuit';
      readonly origin: string;
      readonly from: CircuitState;
      readonly to: CircuitState;
      /** `clock.now()` at the change. */
      readonly at: number;
    };

export interface ResilientFetchOptions {
  /** The fetch that sends each attempt. @default globalThis.fetch */
  readonly fetch?: FetchFn;
  /**
   * Each attempt is aborted when its response headers have not arrived within this time (the body is read
   * afterwards, under the caller's `signal` only). @default 10_000
   */
  readonly timeoutMs?: number;
  /** Requests per call, the first included. Only retry-safe requests are sent more than once. @default 3 */
  readonly maxAttempts?: number;
  /** Base of the exponential backoff between attempts. @default 100 */
  readonly initialDelayMs?: number;
  /**
   * Longest wait before a retry, whether from backoff or from `Retry-After`; a longer `Retry-After` is cut to
   * this. @default 30_000
   */
  readonly maxRetryAfterMs?: number;
  /** Backoff randomisation, see @humangov/resilience `retry`. @default 'full' */
  readonly jitter?: Jitter;
  /**
   * The circuit breaker each origin gets (one per origin, shared by all calls of this client). 5xx responses,
   * network errors and timeouts are failures; other responses are successes. @default 5 failures in a row open
   * it for 10 s
   */
  readonly breaker?: Omit<CircuitBreakerOptions, 'clock' | 'isFailure'>;
  /**
   * Bearer token provider, called before every attempt (so a retry sends a refreshed token), sent as
   * `Authorization: Bearer <token>`. If it throws, the call rejects with its error. @default none
   */
  readonly token?: () => string | Promise<string>;
  /** Lifecycle events. A listener that throws is ignored. @default none */
  readonly onEvent?: (event: HttpClientEvent) => void;
  /** Time for timeouts, backoff, breakers and `Retry-After` dates. @default systemClock */
  readonly clock?: Clock;
  /** Uniform in [0, 1), for jitter. @default Math.random */
  readonly random?: () => number;
}

/** A fetch with timeout, retry and per-origin circuit breakers; see `createResilientFetch`. */
export interface ResilientFetch extends FetchFn {
  /** The breaker of an origin (`https://host:port`), created on first use. */
  breaker(origin: string): CircuitBreakerPolicy;
}

// One attempt's outcome that is not a usable response, as `retry` sees it. Internal: never leaves this module.
class AttemptFailure extends Error {
  constructor(
    readonly call: { readonly method: string; readonly url: string },
    readonly outcome: { readonly response: Response } | { readonly error: HttpClientError },
    readonly retryable: boolean,
    readonly retryAfterMs = 0,
  ) {
    super('attempt failed');
  }
}

// Thrown inside the breaker so that it counts the outcome as a failure.
class Failed extends Error {
  constructor(readonly outcome: { readonly response: Response } | { readonly cause: unknown }) {
    super('failed');
  }
}

/**
 * Wraps `fetch` with the client's policies: per attempt a timeout inside the origin's circuit breaker, around them
 * a retry.
 *
 * - Retries only retry-safe requests (GET, HEAD, OPTIONS, PUT, DELETE; POST and PATCH with `Idempotency-Key`), on
 *   network errors, timeouts and 429/502/503/504, waiting at least `Retry-After` (capped by `maxRetryAfterMs`).
 *   Other statuses are never retried.
 * - Resolves with the last response, whatever its status (a 503 after the last attempt included).
 * - Rejects with an `HttpClientError` when the call got no response: `HttpNetworkError`, `HttpTimeoutError`,
 *   `HttpCircuitOpenError` (nothing sent, no retry: an open circuit fails fast), `HttpAbortedError` (the request's
 *   own signal aborted). Any other rejection is an error of the caller's code (`token`).
 */
export function createResilientFetch(options: ResilientFetchOptions = {}): ResilientFetch {
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  const clock = options.clock ?? systemClock;
  if (!(timeoutMs > 0)) throw new RangeError('createClient: timeoutMs must be > 0');
  if (!(maxRetryAfterMs >= 0)) throw new RangeError('createClient: maxRetryAfterMs must be >= 0');
  const emit = (event: HttpClientEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // Observing the client must never change what it does.
    }
  };

  const retryPolicy = retry({
    maxAttempts: options.maxAttempts ?? 3,
    initialDelayMs: options.initialDelayMs ?? 100,
    maxDelayMs: maxRetryAfterMs,
    jitter: options.jitter ?? 'full',
    clock,
    ...(options.random === undefined ? {} : { random: options.random }),
    retryable: (error) => error instanceof AttemptFailure && error.retryable,
  });
  const attemptTimeout = timeout(timeoutMs, { clock });
  const breakers = new Map<string, CircuitBreakerPolicy>();
  const breakerFor = (origin: string): CircuitBreakerPolicy => {
    let breaker = breakers.get(origin);
    if (breaker === undefined) {
      breaker = circuitBreaker({ ...options.breaker, clock });
      breaker.onStateChange((change) => emit({ type: 'circuit', origin, ...change }));
      breakers.set(origin, breaker);
    }
    return breaker;
  };

  const resilientFetch = async (request: Request): Promise<Response> => {
    const origin = new URL(request.url).origin;
    const breaker = breakerFor(origin);
    const safe = isRetrySafe(request.method, request.headers);
    let attempts = 0;
    const fields = (): HttpCallFields => ({ method: request.method, url: request.url, attempts });

    const classify = (error: unknown): unknown => {
      if (error instanceof Failed && 'response' in error.outcome) {
        const { response } = error.outcome;
        const retryable = safe && retryableStatuses.has(response.status);
        const hint = retryable ? parseRetryAfter(response.headers.get('Retry-After'), clock.now()) : undefined;
        return new AttemptFailure(request, { response }, retryable, Math.min(hint ?? 0, maxRetryAfterMs));
      }
      if (error instanceof Failed && 'cause' in error.outcome) {
        return new AttemptFailure(
          request,
          { error: new HttpNetworkError(fields(), { cause: error.outcome.cause }) },
          safe,
        );
      }
      if (isResilienceError(error, 'HUMANGOV_POLICY_TIMEOUT')) {
        return new AttemptFailure(
          request,
          { error: new HttpTimeoutError({ ...fields(), timeoutMs }, { cause: error }) },
          safe,
        );
      }
      if (isResilienceError(error, 'HUMANGOV_BROKEN_CIRCUIT')) {
        const retryAfterMs = error.retryAfterMs ?? 0;
        return new AttemptFailure(
          request,
          { error: new HttpCircuitOpenError({ ...fields(), origin, retryAfterMs }) },
          false,
        );
      }
      return error;
    };

    const attempt = async (signal: AbortSignal): Promise<Response> => {
      const headers = new Headers(request.headers);
      if (options.token !== undefined) headers.set('Authorization', `Bearer ${await options.token()}`);
      const response = await breaker.execute(
        (b) =>
          attemptTimeout.execute(async (t) => {
            attempts++;
            let res: Response;
            try {
              res = await send(new Request(request.clone(), { headers, signal: t.signal }));
            } catch (cause) {
              throw new Failed({ cause });
            }
            if (res.status >= 500) throw new Failed({ response: res });
            return res;
          }, b.signal),
        signal,
      );
      // 429 is the server protecting itself, not failing: retried, but not counted by the breaker.
      if (response.status === 429) throw new Failed({ response });
      return response;
    };

    try {
      return await retryPolicy.execute(async ({ signal }) => {
        try {
          return await attempt(signal);
        } catch (error) {
          throw classify(error);
        }
      }, request.signal);
    } catch (error) {
      const last = isResilienceError(error, 'HUMANGOV_RETRY_EXHAUSTED') ? error.cause : error;
      if (!(last instanceof AttemptFailure)) {
        if (request.signal.aborted) throw new HttpAbortedError(fields(), { cause: request.signal.reason });
        throw last;
      }
      const { outcome } = last;
      if ('response' in outcome) return outcome.response;
      if (request.signal.aborted) throw new HttpAbortedError(fields(), { cause: request.signal.reason });
      throw outcome.error;
    }
  };

  retryPolicy.onRetry(({ attempt, error, delayMs }) => {
    if (!(error instanceof AttemptFailure)) return;
    const { outcome } = error;
    const response = 'response' in outcome ? outcome.response : undefined;
    // The failed attempt's body is not needed: release its connection before waiting.
    response?.body?.cancel().catch(() => {});
    emit({
      type: 'retry',
      method: error.call.method,
      url: error.call.url,
      attempt,
      delayMs,
      status: response?.status,
      error: 'error' in outcome ? outcome.error : undefined,
    });
  });

  return Object.assign(resilientFetch, { breaker: breakerFor });
}
