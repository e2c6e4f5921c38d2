import createOpenApiClient, {
  type FetchOptions,
  type FetchResponse,
  type HeadersOptions,
  type Middleware,
} from 'openapi-fetch';
import { type HttpClientError, isHttpClientError } from '../errors.js';
import { createResilientFetch, type ResilientFetch, type ResilientFetchOptions } from './client-fetch.js';

type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';
type MediaType = `${string}/${string}`;

// The same inference openapi-fetch uses (not exported by it): init is optional when nothing in it is required.
type RequiredKeysOf<T> = { [K in keyof T]: {} extends Pick<T, K> ? never : K }[keyof T];
type InitParam<Init> =
  RequiredKeysOf<Init> extends never ? [(Init & { [key: string]: unknown })?] : [Init & { [key: string]: unknown }];

/** The paths of `Paths` that have `Method`. A path without it is a compile error. */
export type PathsWithMethod<Paths, Method extends HttpMethod> = {
  [P in keyof Paths]: Paths[P] extends { [M in Method]: {} } ? P : never;
}[keyof Paths];

type Operation<Paths, Path, Method extends HttpMethod> = Path extends keyof Paths
  ? Paths[Path] extends { [M in Method]: infer Op }
    ? Op
    : never
  : never;

type InitOf<Op> = RequiredKeysOf<FetchOptions<Op>> extends never ? FetchOptions<Op> | undefined : FetchOptions<Op>;

/** A call that got no response: a network error, timeout, open circuit or caller abort. */
export interface HttpFailure {
  readonly data?: never;
  readonly error: HttpClientError;
  readonly response?: undefined;
}

/**
 * What a call resolves with: openapi-fetch's `{ data, response }` for a 2xx, `{ error, response }` for any other
 * status (`error` typed by the spec, i.e. the Problem schema), or `HttpFailure` when there was no response.
 */
export type HttpResult<Op, Init, Media extends MediaType> =
  | (Op extends Record<string | number, any> ? FetchResponse<Op, Init, Media> : never)
  | HttpFailure;

/** One method of the client, e.g. `GET`: a path of the spec, its params and body, typed by `Paths`. */
export type HttpMethodCall<Paths, Method extends HttpMethod, Media extends MediaType> = <
  Path extends PathsWithMethod<Paths, Method>,
  Init extends InitOf<Operation<Paths, Path, Method>>,
>(
  url: Path,
  ...init: InitParam<Init>
) => Promise<HttpResult<Operation<Paths, Path, Method>, Init, Media>>;

/** The typed client `createClient` returns: openapi-fetch's methods, resolving with values instead of rejecting. */
export interface HttpClient<Paths, Media extends MediaType = MediaType> {
  readonly GET: HttpMethodCall<Paths, 'get', Media>;
  readonly PUT: HttpMethodCall<Paths, 'put', Media>;
  readonly POST: HttpMethodCall<Paths, 'post', Media>;
  readonly DELETE: HttpMethodCall<Paths, 'delete', Media>;
  readonly OPTIONS: HttpMethodCall<Paths, 'options', Media>;
  readonly HEAD: HttpMethodCall<Paths, 'head', Media>;
  readonly PATCH: HttpMethodCall<Paths, 'patch', Media>;
  /** The circuit breaker of an origin (`https://host:port`): inspect `state`, `reset()`, `isolate()`. */
  readonly breaker: ResilientFetch['breaker'];
  /** Adds openapi-fetch middleware; it sees each call once (not each attempt). */
  use(...middleware: Middleware[]): void;
  eject(...middleware: Middleware[]): void;
}

export interface HttpClientOptions extends ResilientFetchOptions {
  /** Absolute URL every path is appended to, e.g. `https://registry.humangov.example/v1`. Required. */
  readonly baseUrl: string;
  /** Headers sent with every request (a call's own headers win). @default none */
  readonly headers?: HeadersOptions;
}

/** The Problem (RFC 9457) a response without a JSON object body stands for (RFC 9457 §4.2.1: about:blank). */
interface AboutBlankProblem {
  readonly type: 'about:blank';
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
}

type LooseResult = { data?: unknown; error?: unknown; response: Response };
type LooseCall = (url: string, init?: unknown) => Promise<LooseResult>;

/**
 * A typed HTTP client for a generated `paths` type (openapi-fetch underneath), resilient by default.
 *
 * - Every method resolves, never rejects, for anything the network or server does (STYLE rule 8):
 *   `{ data, response }` on 2xx; `{ error, response }` on any other status, `error` being the server's problem
 *   details (a body that is not a JSON object becomes `{ type: 'about:blank', title, status, detail }`);
 *   `{ error: HttpClientError, response: undefined }` when there was no response (`isHttpClientError(error, code)`
 *   tells network error, timeout, open circuit, abort apart). It rejects only when the caller's own code throws
 *   (the `token` provider, middleware) — programmer errors.
 * - Each attempt is bounded by `timeoutMs`; retry-safe requests (GET, HEAD, OPTIONS, PUT, DELETE, and POST/PATCH
 *   carrying an `Idempotency-Key`) are retried on network errors, timeouts and 429/502/503/504, honouring
 *   `Retry-After`; other requests are sent exactly once; other statuses are never retried.
 * - One circuit breaker per origin, shared by all calls of this client: 5xx, network errors and timeouts count as
 *   failures (4xx do not); while it is open calls resolve at once with `HttpCircuitOpenError`, sending nothing.
 * - `token` is asked before every attempt, and sent as `Authorization: Bearer`.
 *
 * Throws `TypeError`/`RangeError` on invalid options.
 */
export function createClient<Paths extends {}, Media extends MediaType = MediaType>(
  options: HttpClientOptions,
): HttpClient<Paths, Media> {
  if (!URL.canParse(options.baseUrl)) throw new TypeError('createClient: baseUrl must be an absolute URL');
  const fetch = createResilientFetch(options);
  const inner = createOpenApiClient<Paths, Media>({
    baseUrl: options.baseUrl,
    fetch,
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  });
  const method = (name: Uppercase<HttpMethod>): any => {
    const call = inner[name] as unknown as LooseCall;
    return async (url: string, init?: unknown) => {
      try {
        return withProblem(await call(url, init));
      } catch (error) {
        if (isHttpClientError(error)) return { error, response: undefined } satisfies HttpFailure;
        throw error;
      }
    };
  };
  return {
    GET: method('GET'),
    PUT: method('PUT'),
    POST: method('POST'),
    DELETE: method('DELETE'),
    OPTIONS: method('OPTIONS'),
    HEAD: method('HEAD'),
    PATCH: method('PATCH'),
    breaker: fetch.breaker,
    use: (...middleware) => inner.use(...middleware),
    eject: (...middleware) => inner.eject(...middleware),
  };
}

// openapi-fetch gives `error: undefined` for an empty error body and a string for a non-JSON one; neither is the
// Problem the spec promises, and an undefined `error` would make `if (error)` miss the failure.
function withProblem(result: LooseResult): LooseResult {
  const { response, error } = result;
  if (response.ok || (typeof error === 'object' && error !== null && !Array.isArray(error))) return result;
  const detail = typeof error === 'string' && error !== '' ? error : undefined;
  const problem: AboutBlankProblem = {
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    ...(detail === undefined ? {} : { detail }),
  };
  return { error: problem, response };
}
