/**
 * Errors of @humangov/resilience. Each has a stable string `code` (check it with `isResilienceError`, not
 * `instanceof`: two copies of the package must still match), a `cause` where there is one, structured fields, and
 * `retryable`: whether trying the same call again may succeed. The default `retry` predicate reads `retryable`.
 */
export const resilienceErrorCodes = [
  'HUMANGOV_PERMANENT',
  'HUMANGOV_RETRY_EXHAUSTED',
  'HUMANGOV_BROKEN_CIRCUIT',
  'HUMANGOV_POLICY_TIMEOUT',
  'HUMANGOV_BULKHEAD_REJECTED',
  'HUMANGOV_RELAY_STORE_WORKER',
] as const;

/** Codes of the errors this package throws. Guards compare these, never classes. */
export type ResilienceErrorCode = (typeof resilienceErrorCodes)[number];

const codes: ReadonlySet<string> = new Set(resilienceErrorCodes);

/** Common base: a stable `code`, `retryable`, an optional `cause`. Never thrown directly. */
export abstract class ResilienceError extends Error {
  abstract readonly code: ResilienceErrorCode;
  abstract readonly retryable: boolean;
}

/**
 * The one way to say "don't retry": `retry` rethrows it at once (unwrapped, never as `RetryExhaustedError`).
 * Wrap the real failure as `cause`: `throw new PermanentError('applicant id is malformed', { cause: error })`.
 */
export class PermanentError extends ResilienceError {
  override readonly name = 'PermanentError';
  readonly code = 'HUMANGOV_PERMANENT' as const;
  readonly retryable = false as const;
}

/**
 * `retry` gave up: `attempts` calls failed with retryable errors (or the next wait would pass `maxElapsedMs`).
 * `cause` is the last failure. Retryable, since every failure it saw was: a later, slower retry (delayed
 * redelivery) may succeed.
 */
export class RetryExhaustedError extends ResilienceError {
  override readonly name = 'RetryExhaustedError';
  readonly code = 'HUMANGOV_RETRY_EXHAUSTED' as const;
  readonly retryable = true as const;
  readonly attempts: number;
  readonly elapsedMs: number;

  constructor(fields: { attempts: number; elapsedMs: number }, options: { cause: unknown }) {
    super(`gave up after ${fields.attempts} attempt(s) in ${fields.elapsedMs} ms: ${describe(options.cause)}`, options);
    this.attempts = fields.attempts;
    this.elapsedMs = fields.elapsedMs;
  }
}

/**
 * A circuit breaker refused the call without running it. `retryAfterMs` says when it will let a probe through
 * (0 when it is half-open and all probe slots are busy). An isolated breaker (`isolate()`) stays open until
 * `reset()`: then `isolated` is true, `retryAfterMs` is undefined and the error is not retryable.
 */
export class BrokenCircuitError extends ResilienceError {
  override readonly name = 'BrokenCircuitError';
  readonly code = 'HUMANGOV_BROKEN_CIRCUIT' as const;
  readonly retryable: boolean;
  readonly state: 'open' | 'half-open';
  readonly isolated: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(fields: { state: 'open' | 'half-open'; isolated?: boolean; retryAfterMs?: number }) {
    const isolated = fields.isolated ?? false;
    super(
      isolated
        ? 'circuit is isolated'
        : fields.state === 'open'
          ? `circuit is open; next probe in ${fields.retryAfterMs ?? 0} ms`
          : 'circuit is half-open and its probe slots are busy',
    );
    this.state = fields.state;
    this.isolated = isolated;
    this.retryable = !isolated;
    this.retryAfterMs = isolated ? undefined : (fields.retryAfterMs ?? 0);
  }
}

/** A `timeout` policy's deadline passed before the call settled. `cause` is the call's own failure, if any. */
export class TimeoutError extends ResilienceError {
  override readonly name = 'TimeoutError';
  readonly code = 'HUMANGOV_POLICY_TIMEOUT' as const;
  readonly retryable = true as const;
  readonly timeoutMs: number;

  constructor(timeoutMs: number, options?: { cause?: unknown }) {
    super(`timed out after ${timeoutMs} ms`, options);
    this.timeoutMs = timeoutMs;
  }
}

/** A `bulkhead` had `maxConcurrent` calls running and `maxQueue` waiting, so it refused this one. */
export class BulkheadRejectedError extends ResilienceError {
  override readonly name = 'BulkheadRejectedError';
  readonly code = 'HUMANGOV_BULKHEAD_REJECTED' as const;
  readonly retryable = true as const;
  readonly maxConcurrent: number;
  readonly maxQueue: number;

  constructor(fields: { maxConcurrent: number; maxQueue: number }) {
    super(`bulkhead full: ${fields.maxConcurrent} running, ${fields.maxQueue} queued`);
    this.maxConcurrent = fields.maxConcurrent;
    this.maxQueue = fields.maxQueue;
  }
}

/**
 * A relay store running in a worker thread (`createSqliteRelayStore`, `createPostgresRelayStore`) failed: the
 * database operation threw in the worker (its `name` and `code`, e.g. a PostgreSQL SQLSTATE, are `remoteName` and
 * `remoteCode`), or the worker stopped (the next call starts a new one). Retryable: the relay backs off and retries.
 */
export class RelayStoreWorkerError extends ResilienceError {
  override readonly name = 'RelayStoreWorkerError';
  readonly code = 'HUMANGOV_RELAY_STORE_WORKER' as const;
  readonly retryable = true as const;
  readonly store: string;
  readonly remoteName: string | undefined;
  readonly remoteCode: string | undefined;

  constructor(
    store: string,
    message: string,
    options: { readonly name?: string; readonly code?: string; readonly cause?: unknown } = {},
  ) {
    super(`${store}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.store = store;
    this.remoteName = options.name;
    this.remoteCode = options.code;
  }
}

/** Maps each code to its class, so `isResilienceError(e, code)` narrows to the right one. */
export interface ResilienceErrorByCode {
  HUMANGOV_PERMANENT: PermanentError;
  HUMANGOV_RETRY_EXHAUSTED: RetryExhaustedError;
  HUMANGOV_BROKEN_CIRCUIT: BrokenCircuitError;
  HUMANGOV_POLICY_TIMEOUT: TimeoutError;
  HUMANGOV_BULKHEAD_REJECTED: BulkheadRejectedError;
  HUMANGOV_RELAY_STORE_WORKER: RelayStoreWorkerError;
}

/**
 * True when `error` is an error of this package (of any copy of it), optionally with the given code. Compares
 * `code` only, so it never throws and never depends on which copy of the package created the error.
 */
export function isResilienceError(error: unknown): error is ResilienceError;
export function isResilienceError<C extends ResilienceErrorCode>(
  error: unknown,
  code: C,
): error is ResilienceErrorByCode[C];
export function isResilienceError(error: unknown, code?: ResilienceErrorCode): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const c = (error as { code?: unknown }).code;
  return typeof c === 'string' && codes.has(c) && (code === undefined || c === code);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// --- Saga engine errors: their own codes and guard, so `isSagaError` narrows to saga failures only. ---
export const sagaErrorCodes = ['HUMANGOV_SAGA_CONFLICT', 'HUMANGOV_SAGA_DEFINITION'] as const;
export type SagaErrorCode = (typeof sagaErrorCodes)[number];

/**
 * Another writer got there first: `reason: 'exists'` — `create` found the saga id taken; `reason: 'version'` —
 * `save` expected version `expectedVersion` but the stored instance has moved on (another runner drives it).
 * Not retryable: reload the instance instead.
 */
export class SagaConflictError extends Error {
  override readonly name = 'SagaConflictError';
  readonly code = 'HUMANGOV_SAGA_CONFLICT' as const;
  readonly retryable = false as const;
  readonly sagaId: string;
  readonly reason: 'exists' | 'version';
  readonly expectedVersion: number | undefined;

  constructor(fields: { sagaId: string; reason: 'exists' | 'version'; expectedVersion?: number }) {
    super(
      fields.reason === 'exists'
        ? `saga ${fields.sagaId} already exists`
        : `saga ${fields.sagaId} is no longer at version ${fields.expectedVersion}: another runner saved it`,
    );
    this.sagaId = fields.sagaId;
    this.reason = fields.reason;
    this.expectedVersion = fields.expectedVersion;
  }
}

/** A stored instance names a saga or step the runner has no definition of (a programmer or deployment error). */
export class SagaDefinitionError extends Error {
  override readonly name = 'SagaDefinitionError';
  readonly code = 'HUMANGOV_SAGA_DEFINITION' as const;
  readonly retryable = false as const;
}

interface SagaErrorByCode {
  HUMANGOV_SAGA_CONFLICT: SagaConflictError;
  HUMANGOV_SAGA_DEFINITION: SagaDefinitionError;
}

const sagaCodes: ReadonlySet<string> = new Set(sagaErrorCodes);

/** True when `error` is a saga error (of any copy of this package), optionally with the given code. */
export function isSagaError<C extends SagaErrorCode>(error: unknown, code?: C): error is SagaErrorByCode[C] {
  if (typeof error !== 'object' || error === null) return false;
  const c = (error as { code?: unknown }).code;
  return typeof c === 'string' && sagaCodes.has(c) && (code === undefined || c === code);
}
