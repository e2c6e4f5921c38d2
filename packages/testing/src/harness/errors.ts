/**
 * Errors of the test harness. Each has a string `code` (check `code`, not `instanceof`: two copies of the package
 * must still match). Bad options are programmer errors and throw a `TypeError` instead.
 */
export type HarnessErrorCode = 'HUMANGOV_EVENT_NOT_PUBLISHED' | 'HUMANGOV_WAIT_TIMEOUT' | 'HUMANGOV_HARNESS_DISPOSED';

/** An expectation of the harness failed; `message` says what was expected and what was published instead. */
export class HarnessError extends Error {
  override readonly name = 'HarnessError';
  constructor(
    readonly code: HarnessErrorCode,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}
