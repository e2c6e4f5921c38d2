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

const codes: ReadonlySet<string> = new Set(httpClientErrorCodes);

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
  return typeof c === 'string' && codes.has(c) && (code === undefined || c === code);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici reports "fetch failed" and puts the reason (ECONNREFUSED, "other side closed") in `cause`.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
