/**
 * Consumer side of HTTP pacts for the generated clients: an interaction is typed by the generated `paths` (method,
 * path, parameters, request and response bodies per status), and the test gets `createClient<Paths>` from
 * @humangov/sdk pointed at Pact's mock server.
 */
import { createClient, type HttpClient, type HttpClientOptions, type PathsWithMethod } from '@humangov/sdk';
import { MatchersV3 } from '@pact-foundation/pact';
import { PactConsumerError, PactOptionsError } from '../errors.js';
import type { Matchable, PactMatcher } from './matchable.js';
import { createPactV4, type Given, type PactOptions, statesOf } from './pact-options.js';

/** HTTP methods an interaction can use, spelled as the client's methods are. */
export type HttpMethodName = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS';

type OperationOf<Paths, P, M extends HttpMethodName> = P extends keyof Paths
  ? Paths[P] extends { [K in Lowercase<M>]: infer Op }
    ? Op
    : never
  : never;
type ResponsesOf<Op> = Op extends { responses: infer R } ? R : never;
type ContentOf<R> = R extends { content: infer C } ? C[keyof C] : never;
type PathParamsOf<Op> = Op extends { parameters: { path: infer P } } ? P : never;
type QueryOf<Op> = Op extends { parameters: { query?: infer Q } } ? Q : never;

/** Status codes the spec declares for the operation. */
export type StatusOf<Paths, P, M extends HttpMethodName> = keyof ResponsesOf<OperationOf<Paths, P, M>> & number;

/** Header values: an exact string, or a matcher of strings. */
export type HeaderValues = Readonly<Record<string, string | PactMatcher<string>>>;

/** One request and the response the consumer expects for it. */
export interface HttpExpectation<Paths, M extends HttpMethodName, P, S extends number> {
  /** Provider state(s) the provider must be in, e.g. `{ name: 'citizen exists', params: { citizen_id } }`. */
  readonly given?: Given;
  /** @default `<METHOD> <path template> -> <status>` (add one when two interactions would share it) */
  readonly description?: string;
  readonly method: M;
  /** A path template of the spec, e.g. `/citizens/{citizen_id}`. */
  readonly path: P;
  /** Values of the template's parameters. Required when the template has any. */
  readonly pathParams?: { readonly [K in keyof PathParamsOf<OperationOf<Paths, P, M>>]: string };
  /** Query parameters the client sends. @default none */
  readonly query?: {
    readonly [K in keyof QueryOf<OperationOf<Paths, P, M>>]?: string | readonly string[] | PactMatcher<string>;
  };
  /** Request headers the provider may rely on (exact unless a matcher). @default none */
  readonly headers?: HeaderValues;
  /** JSON request body, exact unless it holds matchers. @default none */
  readonly body?: Matchable<
    ContentOf<NonNullable<OperationOf<Paths, P, M> extends { requestBody?: infer B } ? B : never>>
  >;
  readonly response: {
    readonly status: S;
    /** @default none */
    readonly headers?: HeaderValues;
    /**
     * JSON response body for `status`, typed by the spec; matched by type (`like`) so its values are examples,
     * unless a member is wrapped in a stricter matcher. Give only the members the consumer reads. @default none
     */
    readonly body?: Matchable<
      ContentOf<ResponsesOf<OperationOf<Paths, P, M>>[S & keyof ResponsesOf<OperationOf<Paths, P, M>>]>
    >;
  };
}

/** The running mock server of one interaction. */
export interface MockServer {
  readonly url: string;
}

/** One HTTP interaction, ready to run. */
export interface HttpInteraction<Paths> {
  readonly description: string;
  /**
   * Starts Pact's mock server for this interaction and runs `test` with a typed client on it (one attempt per
   * call: no retries, so the mock server sees exactly what the code sends). When `test` resolves and the server
   * got exactly the expected request, the interaction is written to the pact file and this resolves with what
   * `test` returned; otherwise nothing is written and this rejects with `PactConsumerError` saying whether the
   * request did not match (and how) or the test failed on the described response.
   */
  verify<R>(test: (client: HttpClient<Paths>, server: MockServer) => Promise<R>): Promise<R>;
}

/** Options of `httpPact`. */
export interface HttpPactOptions extends PactOptions {
  /** Options of the client handed to tests (a token, headers...); `baseUrl` is the mock server's. @default none */
  readonly client?: Omit<HttpClientOptions, 'baseUrl'>;
}

/** A consumer's HTTP pact with one provider, typed by the provider's generated `paths`. */
export interface HttpPact<Paths> {
  interaction<
    M extends HttpMethodName,
    P extends PathsWithMethod<Paths, Lowercase<M>>,
    S extends StatusOf<Paths, P, M>,
  >(expectation: HttpExpectation<Paths, M, P, S>): HttpInteraction<Paths>;
  /** The folder pact files are written to. */
  readonly dir: string;
}

/** What Pact's mock server said about a request it did not expect, in one line. */
function describeMismatch(body: string): string {
  let parsed: { error?: unknown; mismatches?: readonly { mismatch?: string }[] } = {};
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return body.slice(0, 300);
  }
  const details = (parsed.mismatches ?? []).map((m) => m.mismatch).filter((m): m is string => typeof m === 'string');
  if (details.length > 0) return details.join('; ');
  const error = typeof parsed.error === 'string' ? parsed.error : body;
  const request = /method: "([A-Z]+)", path: "([^"]*)"/.exec(error);
  return request
    ? `the mock server got ${request[1]} ${request[2]}, which no expectation describes`
    : error.slice(0, 300);
}

function fillPath(template: string, params: Readonly<Record<string, string>> = {}): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) {
      throw new PactOptionsError({ option: 'pathParams', message: `pathParams.${name} is required by ${template}` });
    }
    return encodeURIComponent(value);
  });
}

/**
 * Starts an HTTP pact between `consumer` and `provider` (Pact V4, written to the same folder and file as the
 * pair's message pact). `Paths` is the provider's generated `paths` type, e.g. `CitizenRegistryPaths`.
 */
export function httpPact<Paths extends {}>(options: HttpPactOptions): HttpPact<Paths> {
  const { pact, dir } = createPactV4(options);

  function interaction(expectation: HttpExpectation<Paths, HttpMethodName, string, number>): HttpInteraction<Paths> {
    const { method, path, response } = expectation;
    const description = expectation.description ?? `${method} ${path} -> ${response.status}`;
    const concretePath = fillPath(path, expectation.pathParams as Record<string, string> | undefined);
    return {
      description,
      async verify(test) {
        let unconfigured = pact.addInteraction();
        for (const state of statesOf(expectation.given)) {
          unconfigured = state.params
            ? unconfigured.given(state.name, state.params as Record<string, string>)
            : unconfigured.given(state.name);
        }
        const ready = unconfigured
          .uponReceiving(description)
          .withRequest(method, concretePath, (request) => {
            if (expectation.query) request.query(expectation.query as never);
            if (expectation.headers) request.headers(expectation.headers as never);
            if (expectation.body !== undefined) request.jsonBody(expectation.body);
          })
          .willRespondWith(response.status, (builder) => {
            if (response.headers) builder.headers(response.headers as never);
            if (response.body !== undefined) builder.jsonBody(MatchersV3.like(response.body));
          });
        const mismatches: string[] = [];
        try {
          return (await ready.executeTest(async (server) => {
            const client = createClient<Paths>({ ...options.client, maxAttempts: 1, baseUrl: server.url });
            // Pact's mock server answers a request it did not expect with 500 and `X-Pact`; keep its explanation.
            client.use({
              async onResponse({ response: reply }) {
                if (reply.headers.has('x-pact')) mismatches.push(describeMismatch(await reply.clone().text()));
              },
            });
            try {
              return await test(client, { url: server.url });
            } catch (cause) {
              const hint = mismatches.length
                ? `the request did not match the expectation: ${mismatches.join('; ')}; change the call or the expectation`
                : 'the test failed on the response the expectation describes: make the code handle it, or expect ' +
                  'what the provider really sends';
              throw new PactConsumerError({ interaction: description, hint }, { cause });
            }
          })) as never;
        } catch (error) {
          if ((error as { code?: unknown }).code === 'HUMANGOV_PACT_CONSUMER_FAILED') throw error;
          const hint =
            'the mock server did not get exactly the request the expectation describes (method, path, query, ' +
            'headers, body; once): make the code send it, or change the expectation';
          throw new PactConsumerError({ interaction: description, hint }, { cause: error });
        }
      },
    };
  }

  return { interaction: interaction as HttpPact<Paths>['interaction'], dir };
}
