/** Options every consumer-side helper takes, and the provider states interactions may name. */
import { PactV4 } from '@pact-foundation/pact';
import { PactOptionsError } from '../errors.js';
import { resolvePactDir } from './pact-dir.js';

/** Log level of the Pact core (its own logger; the verifier's report is printed whatever the level). */
export type PactLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** Options of `messagePact` and `httpPact`. */
export interface PactOptions {
  /** Name of the consuming service, e.g. `payments`: the pact file is `<consumer>-<provider>.json`. Required. */
  readonly consumer: string;
  /** Name of the providing service, e.g. `benefits`. Required. */
  readonly provider: string;
  /**
   * Folder the pact file is written to (merged into the file a previous test of the same pair wrote).
   * @default `$HUMANGOV_PACT_DIR`, else `pacts/` at the repository root (see `resolvePactDir`)
   */
  readonly dir?: string;
  /** @default 'error' */
  readonly logLevel?: PactLogLevel;
}

/**
 * A provider state an interaction needs, e.g. `{ name: 'citizen exists', params: { citizen_id: '...' } }`.
 * The provider's `stateHandlers[name]` sets it up before the interaction is verified. A string is a state
 * without params.
 */
export interface ProviderState {
  readonly name: string;
  readonly params?: Readonly<Record<string, string | number | boolean>>;
}

/** One state, or several, in the order the provider sets them up. */
export type Given = string | ProviderState | readonly (string | ProviderState)[];

/** The states of `given`, as objects. */
export function statesOf(given: Given | undefined): ProviderState[] {
  if (given === undefined) return [];
  const all = typeof given === 'string' || !Array.isArray(given) ? [given as string | ProviderState] : given;
  return all.map((s) => (typeof s === 'string' ? { name: s } : s));
}

/** Checks the names and makes the Pact V4 consumer pact these options describe. */
export function createPactV4(options: PactOptions): { readonly pact: PactV4; readonly dir: string } {
  for (const option of ['consumer', 'provider'] as const) {
    if (typeof options[option] !== 'string' || options[option].trim() === '') {
      throw new PactOptionsError({ option, message: `${option} must be the service's name, e.g. 'benefits'` });
    }
  }
  const dir = resolvePactDir({ ...(options.dir !== undefined && { dir: options.dir }) });
  const pact = new PactV4({
    consumer: options.consumer,
    provider: options.provider,
    dir,
    logLevel: options.logLevel ?? 'error',
  });
  return { pact, dir };
}
