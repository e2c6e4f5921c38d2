/**
 * Provider side of HTTP pacts: Pact's verifier replays every consumer request against the running service, after
 * the interaction's provider states are set up, and compares the responses with the pacts.
 */
import { Verifier } from '@pact-foundation/pact';
import { PactOptionsError, type PactVerificationError } from '../errors.js';
import { answeringEveryName } from './any-name.js';
import type { StateHandler } from './message-provider.js';
import type { PactLogLevel } from './pact-options.js';
import { pactSources } from './pact-sources.js';
import { consumerOf, verificationError } from './verification-report.js';

/** Options of `verifyHttpProvider`. */
export interface VerifyHttpProviderOptions {
  /** The provider's name, as consumers wrote it in their pacts. Required. */
  readonly provider: string;
  /** Where the running service listens, e.g. `http://127.0.0.1:8080`. Required. */
  readonly baseUrl: string;
  /**
   * Provider states by name, each setting the service's data up before the interactions that name it (e.g.
   * inserting the citizen a `GET` expects). A state a pact names without a handler fails its interactions.
   * @default none
   */
  readonly stateHandlers?: Readonly<Record<string, StateHandler>>;
  /** Pact files to verify. @default every pact for `provider` in `pactDir` */
  readonly pactFiles?: readonly string[];
  /** @default `$HUMANGOV_PACT_DIR`, else `pacts/` at the repository root */
  readonly pactDir?: string;
  /** Verify only the pacts of these consumers. @default all */
  readonly consumers?: readonly string[];
  /** @default 'error' */
  readonly logLevel?: PactLogLevel;
}

/**
 * Verifies the HTTP interactions of the pacts for `provider` against the service at `baseUrl`. Resolves when every
 * response matches; rejects with `PactVerificationError` naming each failing interaction and what differs
 * (status, a header, a body member at its path) or the state handler that is missing, or with `PactOptionsError`
 * when there are no pacts to verify. The service is not started or stopped here.
 */
export async function verifyHttpProvider(options: VerifyHttpProviderOptions): Promise<void> {
  if (!/^https?:$/.test(URL.canParse(options.baseUrl) ? new URL(options.baseUrl).protocol : '')) {
    throw new PactOptionsError({
      option: 'baseUrl',
      message: `baseUrl must be an absolute http(s) URL, got '${options.baseUrl}'`,
    });
  }
  const pactUrls = pactSources(options);
  const handlers = options.stateHandlers ?? {};
  const missing = new Set<string>();
  // The verifier's proxy looks states up by name and only warns about an unknown one; answering every name lets a
  // missing handler fail its interaction with a message that says which handler to add.
  const stateHandlers = answeringEveryName((name) => async (params?: unknown) => {
    const handler = handlers[name];
    if (!handler) {
      missing.add(name);
      throw new Error(`no state handler for '${name}'`);
    }
    await handler((params ?? {}) as Record<string, unknown>);
    return undefined;
  });
  const verifier = new Verifier({
    provider: options.provider,
    providerBaseUrl: options.baseUrl,
    pactUrls,
    ...(options.consumers && { consumerFilters: [...options.consumers] }),
    logLevel: options.logLevel ?? 'error',
    stateHandlers,
  });
  try {
    await verifier.verifyProvider();
  } catch (error) {
    throw failure(error);
  }
  // The verifier logs a failed state setup but may still pass the interaction (the data can be there already).
  if (missing.size > 0) throw failure(new Error('provider state setup failed'));

  function failure(error: unknown): PactVerificationError {
    const known = new Map(
      [...missing].map((name) => [
        `interactions given '${name}'`,
        {
          problems: [{ path: 'provider state', message: `'${name}' has no handler` }],
          fix: `add stateHandlers['${name}']`,
        },
      ]),
    );
    return verificationError(options.provider, error, known, (interaction) =>
      missing.size > 0
        ? `add stateHandlers[${[...missing].map((n) => `'${n}'`).join(', ')}] to verifyHttpProvider()`
        : `make the service answer this request as consumer '${consumerOf(interaction)}' expects (status, ` +
          'headers, body members at the paths above), or agree with the consumer to change its expectation',
    );
  }
}
