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

// --- HTTP client errors (createClient) ---

/**
 * Errors of the HTTP clients (`createClient`). They are values, not throws (STYLE rule 8): a call that gets no
 * response at all (network failure, timeout, open circuit, caller abort) resolves with
 * `{ error: HttpClientError, response: undefined }`. Check them with `isHttpClientError(error, code)`, which compares
 * `code`, never the class, so two copies of the package still match. Responses with an error status are not
 * these: they come back as the server's problem details, with the response.
 */
export const httpClientErrorCodes = [
  'HUMANGOV_HTTP_NETWORK',
  'HUMANGOV_HTTP_TIMEOUT',
  'HUMANGOV_HTTP_CIRCUIT_OPEN',
  'HUMANGOV_HTTP_ABORTED',
] as const;

/** Codes of `HttpClientError`s. */
export type HttpClientErrorCode = (typeof httpClientErrorCodes)[number];

const httpCodes: ReadonlySet<string> = new Set(httpClientErrorCodes);

/** Where a failed call went and how often it tried. */
export interface HttpCallFields {
  readonly method: string;
  readonly url: string;
  /** Requests sent (0 when the circuit refused the first one). */
  readonly attempts: number;
}

/** Common base: a stable `code`, `retryable`, the request it was about, and the underlying `cause`. */
export abstract class HttpClientError extends Error {
  abstract readonly code: HttpClientErrorCode;
  /** Whether the same call later may succeed. */
  abstract readonly retryable: boolean;
  readonly method: string;
  readonly url: string;
  readonly attempts: number;

  constructor(message: string, fields: HttpCallFields, options?: { readonly cause?: unknown }) {
    super(`${fields.method} ${fields.url}: ${message}`, options);
    this.method = fields.method;
    this.url = fields.url;
    this.attempts = fields.attempts;
  }
}

/** The request got no response: connection refused or reset, DNS failure, TLS failure. `cause`: fetch's error. */
export class HttpNetworkError extends HttpClientError {
  override readonly name = 'HttpNetworkError';
  readonly code = 'HUMANGOV_HTTP_NETWORK' as const;
  readonly retryable = true as const;

  constructor(fields: HttpCallFields, options: { readonly cause: unknown }) {
    super(`network error: ${describe(options.cause)}`, fields, options);
  }
}

/** The last attempt got no response within `timeoutMs`; the request was aborted. */
export class HttpTimeoutError extends HttpClientError {
  override readonly name = 'HttpTimeoutError';
  readonly code = 'HUMANGOV_HTTP_TIMEOUT' as const;
  readonly retryable = true as const;
  readonly timeoutMs: number;

  constructor(fields: HttpCallFields & { readonly timeoutMs: number }, options?: { readonly cause?: unknown }) {
    super(`no response within ${fields.timeoutMs} ms`, fields, options);
    this.timeoutMs = fields.timeoutMs;
  }
}

/**
 * The circuit breaker of the request's origin is open (or half-open with its probe busy), so no request was sent.
 * `retryAfterMs`: when it lets a probe through.
 */
export class HttpCircuitOpenError extends HttpClientError {
  override readonly name = 'HttpCircuitOpenError';
  readonly code = 'HUMANGOV_HTTP_CIRCUIT_OPEN' as const;
  readonly retryable = true as const;
  readonly origin: string;
  readonly retryAfterMs: number;

  constructor(
    fields: HttpCallFields & { readonly origin: string; readonly retryAfterMs: number },
    options?: { readonly cause?: unknown },
  ) {
    super(`circuit for ${fields.origin} is open; next probe in ${fields.retryAfterMs} ms`, fields, options);
    this.origin = fields.origin;
    this.retryAfterMs = fields.retryAfterMs;
  }
}

/** The caller's `signal` aborted the call. `cause`: the signal's reason. Not retryable: the caller gave up. */
export class HttpAbortedError extends HttpClientError {
  override readonly name = 'HttpAbortedError';
  readonly code = 'HUMANGOV_HTTP_ABORTED' as const;
  readonly retryable = false as const;

  constructor(fields: HttpCallFields, options: { readonly cause: unknown }) {
    super('aborted by the caller', fields, options);
  }
}

/** Maps each code to its class, so `isHttpClientError(e, code)` narrows to the right one. */
export interface HttpClientErrorByCode {
  HUMANGOV_HTTP_NETWORK: HttpNetworkError;
  HUMANGOV_HTTP_TIMEOUT: HttpTimeoutError;
  HUMANGOV_HTTP_CIRCUIT_OPEN: HttpCircuitOpenError;
  HUMANGOV_HTTP_ABORTED: HttpAbortedError;
}

/** True when `error` is an `HttpClientError` (of any copy of the package), optionally with the given code. */
export function isHttpClientError(error: unknown): error is HttpClientError;
export function isHttpClientError<C extends HttpClientErrorCode>(
  error: unknown,
  code: C,
): error is HttpClientErrorByCode[C];
export function isHttpClientError(error: unknown, code?: HttpClientErrorCode): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const c = (error as { code?: unknown }).code;
  return typeof c === 'string' && httpCodes.has(c) && (code === undefined || c === code);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici reports "fetch failed" and puts the reason (ECONNREFUSED, "other side closed") in `cause`.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
