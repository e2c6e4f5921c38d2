/** The audit example's errors: named classes with a string `code`. */

/** Appending lost a race with another appender (another process on the same database): retry the event. */
export class ChainContentionError extends Error {
  readonly code = 'AUDIT_CHAIN_CONTENTION';
  constructor() {
    super('another appender extended the audit chain first; the event is redelivered and appended after it');
    this.name = 'ChainContentionError';
  }
}

/** A command-line mistake of verify-cli; the message says what to fix. */
export class UsageError extends Error {
  readonly code = 'AUDIT_CLI_USAGE';
  override readonly name = 'UsageError';
}
