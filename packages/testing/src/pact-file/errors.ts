/** Codes of the errors the Pact file reader throws. Guards compare these, never classes. */
export type PactFileErrorCode = 'HUMANGOV_PACT_INVALID' | 'HUMANGOV_PACT_UNREADABLE';

/**
 * A Pact file that cannot be read (`HUMANGOV_PACT_UNREADABLE`: missing file, not JSON) or does not have the shape
 * of a pact (`HUMANGOV_PACT_INVALID`). `file` names the file (when there is one) and `path` the offending place as a
 * JSON path (`$.interactions[2].response.status`; `$` for the whole document). The message says what to fix.
 */
export class PactFileError extends Error {
  override readonly name = 'PactFileError';
  readonly code: PactFileErrorCode;
  readonly retryable = false;
  readonly file: string | undefined;
  readonly path: string;
  /** The problem alone, without file and path. */
  readonly problem: string;

  constructor(
    fields: { code: PactFileErrorCode; file?: string | undefined; path: string; problem: string },
    options?: ErrorOptions,
  ) {
    super(`${fields.file ?? '<pact>'} at ${fields.path}: ${fields.problem}`, options);
    this.code = fields.code;
    this.file = fields.file;
    this.path = fields.path;
    this.problem = fields.problem;
  }
}

/** Whether `error` is a `PactFileError` (by `code`, so two copies of this package still match). */
export function isPactFileError(error: unknown): error is PactFileError {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'HUMANGOV_PACT_INVALID' || code === 'HUMANGOV_PACT_UNREADABLE';
}
