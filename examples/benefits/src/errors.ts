/** Errors of the benefits service: named classes with a string `code` (STYLE.md rule 7). */

export type BenefitsErrorCode = 'BENEFITS_PAYMENT_FAILED' | 'BENEFITS_APPLICATION_MISSING' | 'BENEFITS_INVALID_OPTIONS';

export class BenefitsError extends Error {
  constructor(
    readonly code: BenefitsErrorCode,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BenefitsError';
  }
}

/**
 * The payment step's failure: payments reported `payment.failed` with `retries_exhausted`. The saga compensates
 * (the award is revoked) and the application ends `failed`.
 */
export class PaymentFailedError extends BenefitsError {
  constructor(
    readonly paymentId: string,
    readonly failureCode: string,
  ) {
    super('BENEFITS_PAYMENT_FAILED', `payment ${paymentId} failed after its retries: ${failureCode}`);
    this.name = 'PaymentFailedError';
  }
}

/** A saga step found no application record for its saga id (the database was changed by hand). */
export class ApplicationMissingError extends BenefitsError {
  constructor(readonly applicationId: string) {
    super('BENEFITS_APPLICATION_MISSING', `no application ${applicationId} in the benefits database`);
    this.name = 'ApplicationMissingError';
  }
}

/** `startBenefits` options that cannot work, with what to change. */
export class BenefitsOptionsError extends BenefitsError {
  constructor(message: string) {
    super('BENEFITS_INVALID_OPTIONS', message);
    this.name = 'BenefitsOptionsError';
  }
}
