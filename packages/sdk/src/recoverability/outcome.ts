/**
 * What a recoverability middleware tells the router when a handler has failed for good on this delivery: come
 * back later (`RedeliveryRequest`) or go to the dead-letter channel (`DeadLetterRequest`). They travel as thrown
 * errors, so any middleware stack passes them through; the router checks `code`, never `instanceof`.
 */
export const REDELIVERY_REQUESTED = 'HUMANGOV_REDELIVERY_REQUESTED';
export const DEAD_LETTER_REQUESTED = 'HUMANGOV_DEAD_LETTER_REQUESTED';

/** Redeliver this message after `delayMs` (a broker delay channel where prepared, else `nack({ delayMs })`). */
export class RedeliveryRequest extends Error {
  override readonly name = 'RedeliveryRequest';
  readonly code = REDELIVERY_REQUESTED;
  readonly retryable = false;
  constructor(
    readonly delayMs: number,
    options: { readonly cause: unknown },
  ) {
    super(`redeliver after ${delayMs} ms: ${describe(options.cause)}`, options);
  }
}

/** Dead-letter this message with `reason`; `cause` is the handler's last failure. */
export class DeadLetterRequest extends Error {
  override readonly name = 'DeadLetterRequest';
  readonly code = DEAD_LETTER_REQUESTED;
  readonly retryable = false;
  constructor(
    readonly reason: 'handler-failed',
    options: { readonly cause: unknown },
  ) {
    super(`dead-letter (${reason}): ${describe(options.cause)}`, options);
  }
}

const codeOf = (error: unknown): unknown =>
  typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;

export const isRedeliveryRequest = (error: unknown): error is RedeliveryRequest =>
  codeOf(error) === REDELIVERY_REQUESTED && typeof (error as RedeliveryRequest).delayMs === 'number';

export const isDeadLetterRequest = (error: unknown): error is DeadLetterRequest =>
  codeOf(error) === DEAD_LETTER_REQUESTED;

/** The message of an error, unwrapping a `RetryExhaustedError` (or any error with code and cause) to its cause. */
export function describe(error: unknown): string {
  let e = error;
  for (let i = 0; i < 8 && codeOf(e) === 'HUMANGOV_RETRY_EXHAUSTED'; i++) e = (e as { cause?: unknown }).cause;
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
