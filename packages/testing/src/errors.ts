/**
 * Errors of @humangov/testing, one named class per failure with a stable string `code`; guards compare codes,
 * never classes (two copies of the package still match). Plain classes with no imports, so the Pact subpath's
 * errors live here too without the main entry loading anything of Pact.
 */

// --- Harness (createHarness) ---
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

// --- Pact file reader (readPact) ---
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

// --- Pact helpers (@humangov/testing/pact): every message says which interaction failed, which field, and what to change. ---

/** Codes of the errors the Pact helpers throw. Guards compare these, never classes. */
export type PactErrorCode =
  | 'HUMANGOV_PACT_OPTIONS_INVALID'
  | 'HUMANGOV_PACT_EXPECTATION_INVALID'
  | 'HUMANGOV_PACT_CONSUMER_FAILED'
  | 'HUMANGOV_PACT_VERIFICATION_FAILED';

/** Common base: a stable string `code`, an optional `cause`. Never thrown directly. */
export abstract class HumanGovPactError extends Error {
  abstract readonly code: PactErrorCode;
  /** A contract failure is permanent: running the same test again gives the same answer. */
  readonly retryable: boolean = false;
}

/** Options that cannot work (no consumer name, a pact folder that does not exist, no pact files...). */
export class PactOptionsError extends HumanGovPactError {
  override readonly name = 'PactOptionsError';
  readonly code = 'HUMANGOV_PACT_OPTIONS_INVALID' as const;
  readonly option: string;

  constructor(fields: { option: string; message: string }, options?: ErrorOptions) {
    super(fields.message, options);
    this.option = fields.option;
  }
}

/** One thing wrong with an interaction: a JSON pointer or Pact path into it, and what is wrong there. */
export interface PactProblem {
  /** `/data/citizen_id` (consumer side, a JSON pointer into the event) or `$.citizen_id` (Pact's body path). */
  readonly path: string;
  readonly message: string;
}

const list = (problems: readonly PactProblem[]) =>
  problems.map((p) => `\n    ${p.path || '(root)'}: ${p.message}`).join('');

/**
 * A consumer expectation asks for something the spec does not promise: its example event fails the catalog's
 * validator (a value outside an enum, a field the schema does not declare, a wrong format...). No pact is written.
 */
export class PactExpectationError extends HumanGovPactError {
  override readonly name = 'PactExpectationError';
  readonly code = 'HUMANGOV_PACT_EXPECTATION_INVALID' as const;
  readonly interaction: string;
  readonly problems: readonly PactProblem[];

  constructor(fields: { interaction: string; problems: readonly PactProblem[] }, options?: ErrorOptions) {
    super(
      `pact expectation '${fields.interaction}' asks for an event the spec does not allow:${list(fields.problems)}\n` +
        '  fix: change `data` in expectsEvent() so the example is valid for this event version (see the AsyncAPI ' +
        'spec), or change the spec first',
      options,
    );
    this.interaction = fields.interaction;
    this.problems = fields.problems;
  }
}

/**
 * The consumer's handler threw when given the event its expectation describes, e.g. it reads a field the
 * expectation does not promise. `cause` is what the handler threw. No pact is written.
 */
export class PactConsumerError extends HumanGovPactError {
  override readonly name = 'PactConsumerError';
  readonly code = 'HUMANGOV_PACT_CONSUMER_FAILED' as const;
  readonly interaction: string;

  constructor(fields: { interaction: string; hint: string }, options?: ErrorOptions) {
    const reason = options?.cause instanceof Error ? options.cause.message : String(options?.cause);
    super(`consumer test of '${fields.interaction}' failed: ${reason}\n  fix: ${fields.hint}`, options);
    this.interaction = fields.interaction;
  }
}

/** What failed for one interaction of one pact during provider verification. */
export interface PactVerificationFailure {
  /** Pact's name of the interaction: consumer, provider, provider states and description. */
  readonly interaction: string;
  readonly problems: readonly PactProblem[];
  /** What to change, in words. */
  readonly fix: string;
}

/**
 * Provider verification failed: the provider's real producing code (or running HTTP service) does not give what
 * a consumer's pact asks for. `failures` names each interaction and field.
 */
export class PactVerificationError extends HumanGovPactError {
  override readonly name = 'PactVerificationError';
  readonly code = 'HUMANGOV_PACT_VERIFICATION_FAILED' as const;
  readonly provider: string;
  readonly failures: readonly PactVerificationFailure[];

  constructor(fields: { provider: string; failures: readonly PactVerificationFailure[] }, options?: ErrorOptions) {
    const n = fields.failures.length;
    const body = fields.failures.map((f) => `\n  - ${f.interaction}${list(f.problems)}\n    fix: ${f.fix}`).join('');
    super(`provider '${fields.provider}' does not honour ${n} pact interaction${n === 1 ? '' : 's'}:${body}`, options);
    this.provider = fields.provider;
    this.failures = fields.failures;
  }
}

/** Whether `error` is an error of the Pact helpers, optionally with the given `code` (compares `code`, not classes). */
export function isPactError(error: unknown, code?: PactErrorCode): error is HumanGovPactError {
  if (typeof error !== 'object' || error === null) return false;
  const found = (error as { code?: unknown }).code;
  return typeof found === 'string' && found.startsWith('HUMANGOV_PACT_') && (code === undefined || found === code);
}
