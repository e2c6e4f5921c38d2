/**
 * Errors of the saga engine. Like the package's other errors they carry a stable string `code`; check it with
 * `isSagaError`, not `instanceof`.
 */

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

const codes: ReadonlySet<string> = new Set(sagaErrorCodes);

/** True when `error` is a saga error (of any copy of this package), optionally with the given code. */
export function isSagaError<C extends SagaErrorCode>(error: unknown, code?: C): error is SagaErrorByCode[C] {
  if (typeof error !== 'object' || error === null) return false;
  const c = (error as { code?: unknown }).code;
  return typeof c === 'string' && codes.has(c) && (code === undefined || c === code);
}
