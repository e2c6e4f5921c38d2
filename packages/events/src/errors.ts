import type { Issue } from './issue.js';

/** Codes of the errors this package throws. Guards compare these, never classes. */
export type HumanGovEventsErrorCode =
  | 'HUMANGOV_EVENT_INVALID'
  | 'HUMANGOV_EVENT_UNKNOWN'
  | 'HUMANGOV_UPCAST_FAILED'
  | 'HUMANGOV_OPTIONS_INVALID';

/** Common base: a stable string `code`, an optional `cause`. Never thrown directly. */
export abstract class HumanGovEventsError extends Error {
  abstract readonly code: HumanGovEventsErrorCode;
  /** Whether trying the same thing again can succeed. Every error here is permanent. */
  readonly retryable: boolean = false;
}

/**
 * Thrown by `create` when the payload does not match the schema of its event version: a programmer error,
 * since the compiler already checked the payload's shape. `issues` name each failing field (`/data/...`).
 */
export class EventValidationError extends HumanGovEventsError {
  override readonly name = 'EventValidationError';
  readonly code = 'HUMANGOV_EVENT_INVALID' as const;
  readonly type: string;
  readonly version: number | undefined;
  readonly issues: readonly Issue[];

  constructor(fields: { type: string; version?: number; issues: readonly Issue[] }, options?: ErrorOptions) {
    const first = fields.issues[0];
    const detail = first ? `: ${first.path || '(root)'} ${first.message}` : '';
    const more = fields.issues.length > 1 ? ` (+${fields.issues.length - 1} more)` : '';
    super(
      `invalid ${fields.type}${fields.version === undefined ? '' : ` v${fields.version}`}${detail}${more}`,
      options,
    );
    this.type = fields.type;
    this.version = fields.version;
    this.issues = fields.issues;
  }
}

/** Thrown by `create` for an event type or version the catalog does not declare (only reachable from untyped code). */
export class UnknownEventError extends HumanGovEventsError {
  override readonly name = 'UnknownEventError';
  readonly code = 'HUMANGOV_EVENT_UNKNOWN' as const;
  readonly type: string;
  readonly version: number | undefined;

  constructor(fields: { type: string; version?: number }, options?: ErrorOptions) {
    super(
      fields.version === undefined
        ? `unknown event type '${fields.type}'`
        : `event type '${fields.type}' has no version ${fields.version}`,
      options,
    );
    this.type = fields.type;
    this.version = fields.version;
  }
}

/**
 * Thrown by `upcast` when an upcaster function itself throws. Upcasters receive data already valid for their
 * source version, so a throw is a bug in the upcaster; `cause` is what it threw.
 */
export class UpcastError extends HumanGovEventsError {
  override readonly name = 'UpcastError';
  readonly code = 'HUMANGOV_UPCAST_FAILED' as const;
  readonly type: string;
  readonly fromVersion: number;
  readonly toVersion: number;

  constructor(fields: { type: string; fromVersion: number; toVersion: number }, options?: ErrorOptions) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`upcaster ${fields.type} v${fields.fromVersion} -> v${fields.toVersion} threw${reason}`, options);
    this.type = fields.type;
    this.fromVersion = fields.fromVersion;
    this.toVersion = fields.toVersion;
  }
}

/** Thrown for a missing or malformed option, e.g. no `source` for `create`. `option` names it. */
export class InvalidOptionsError extends HumanGovEventsError {
  override readonly name = 'InvalidOptionsError';
  readonly code = 'HUMANGOV_OPTIONS_INVALID' as const;
  readonly option: string;

  constructor(fields: { option: string; message: string }, options?: ErrorOptions) {
    super(fields.message, options);
    this.option = fields.option;
  }
}

/**
 * Whether `error` is a HumanGov error (any `HUMANGOV_*` code, or exactly `code` when given). Checks the `code`
 * string, not the class, so errors from a second copy of the package (or a sibling package) still match.
 */
export function isHumanGovError<C extends string = HumanGovEventsErrorCode>(
  error: unknown,
  code?: C,
): error is Error & { readonly code: C } {
  if (typeof error !== 'object' || error === null) return false;
  const actual = (error as { code?: unknown }).code;
  if (typeof actual !== 'string' || !actual.startsWith('HUMANGOV_')) return false;
  return code === undefined || actual === code;
}
