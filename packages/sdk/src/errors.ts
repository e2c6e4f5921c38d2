/**
 * Errors of @humangov/sdk. Each has a string `code` (check it with `isSdkError`, not `instanceof`: two copies of
 * the package must still match), a `cause` where there is one, and `retryable` when retrying may help.
 */
export type SdkErrorCode =
  | 'HUMANGOV_PUBLISH_TIMEOUT'
  | 'HUMANGOV_PUBLISH_FAILED'
  | 'HUMANGOV_TRANSPORT_CLOSED'
  | 'HUMANGOV_CONNECTION_FAILED'
  | 'HUMANGOV_MESSAGE_TOO_LARGE'
  | 'HUMANGOV_UNKNOWN_CHANNEL'
  | 'HUMANGOV_HANDLER_CONFLICT'
  | 'HUMANGOV_TOPOLOGY_FAILED'
  | 'HUMANGOV_ACK_FAILED';

export class SdkError extends Error {
  override readonly name: string = 'SdkError';
  constructor(
    readonly code: SdkErrorCode,
    message: string,
    readonly retryable: boolean,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The broker did not confirm a publish within the confirm timeout (e.g. a frozen broker). Retryable. */
export class PublishTimeoutError extends SdkError {
  override readonly name = 'PublishTimeoutError';
  constructor(
    readonly transport: string,
    readonly timeoutMs: number,
    options?: { readonly cause?: unknown },
  ) {
    super('HUMANGOV_PUBLISH_TIMEOUT', `${transport}: no broker confirmation within ${timeoutMs} ms`, true, options);
  }
}

/** The broker refused or lost a publish. Retryable unless the broker said the message can never be accepted. */
export class PublishError extends SdkError {
  override readonly name = 'PublishError';
  constructor(transport: string, reason: string, retryable: boolean, options?: { readonly cause?: unknown }) {
    super('HUMANGOV_PUBLISH_FAILED', `${transport}: publish failed: ${reason}`, retryable, options);
  }
}

/** A call on a transport (or publisher, router) after `close()`. */
export class ClosedError extends SdkError {
  override readonly name = 'ClosedError';
  constructor(what: string) {
    super('HUMANGOV_TRANSPORT_CLOSED', `${what} is closed`, false);
  }
}

/** Could not connect (credentials are never part of the message). Retryable. */
export class ConnectionError extends SdkError {
  override readonly name = 'ConnectionError';
  constructor(transport: string, reason: string, options?: { readonly cause?: unknown }) {
    super('HUMANGOV_CONNECTION_FAILED', `${transport}: cannot connect: ${reason}`, true, options);
  }
}

/**
 * The broker refused to create or bind a topic, exchange or queue (e.g. it exists with other arguments, or the
 * user may not configure it). Not retryable when the broker said no; retryable when the connection failed.
 */
export class TopologyError extends SdkError {
  override readonly name = 'TopologyError';
  constructor(transport: string, reason: string, retryable: boolean, options?: { readonly cause?: unknown }) {
    super('HUMANGOV_TOPOLOGY_FAILED', `${transport}: cannot declare broker objects: ${reason}`, retryable, options);
  }
}

/**
 * An ack could not be made durable (Kafka: the offset commit failed, e.g. the partition moved to another member in
 * a rebalance). The message may be delivered again; retrying the ack does not help.
 */
export class AckError extends SdkError {
  override readonly name = 'AckError';
  constructor(transport: string, reason: string, options?: { readonly cause?: unknown }) {
    super('HUMANGOV_ACK_FAILED', `${transport}: ack failed: ${reason}`, false, options);
  }
}

/** True when `error` is an SdkError (of any copy of this package), optionally with the given code. */
export function isSdkError(error: unknown, code?: SdkErrorCode): error is SdkError {
  if (typeof error !== 'object' || error === null) return false;
  const c = (error as { code?: unknown }).code;
  return typeof c === 'string' && c.startsWith('HUMANGOV_') && (code === undefined || c === code);
}
