/**
 * Provider side of message pacts: every expected event is produced by the service's real producing code,
 * publishing through a real publisher onto a capturing transport; what it published is what Pact verifies.
 */
import { type Codec, type EventMap, type EventMapShape, type EventTypeOf, humangov } from '@humangov/events';
import { fromTransportMessage, type PublisherPort, type TransportMessage } from '@humangov/sdk';
import { MessageProviderPact } from '@pact-foundation/pact';
import type { PactProblem } from '../errors.js';
import { answeringEveryName } from './any-name.js';
import { parseMessageDescription } from './message-interaction.js';
import type { PactLogLevel, ProviderState } from './pact-options.js';
import { pactSources } from './pact-sources.js';
import { consumerOf, verificationError } from './verification-report.js';

/** What a producer is given for one interaction. */
export interface ProducerContext {
  /**
   * A transport that keeps what is published to it (and confirms at once). Give it to the service's own wiring,
   * e.g. `createPublisher({ transport, source: '/humangov/benefits' })`, then run the code that publishes.
   */
  readonly transport: PublisherPort;
  /** The event version the interaction expects. */
  readonly version: number;
  /** The provider states of the interaction, already set up by `stateHandlers`. */
  readonly states: readonly ProviderState[];
}

/** Runs the service's real code that publishes one event type (not a hand-built copy of the event). */
export type EventProducer = (context: ProducerContext) => Promise<void> | void;

/** Sets up one provider state; `params` are the state's parameters from the pact. */
export type StateHandler = (params: Readonly<Record<string, unknown>>) => Promise<void> | void;

/** Options of `verifyMessageProvider`. */
export interface VerifyMessageProviderOptions<M extends EventMapShape> {
  /** The provider's name, as consumers wrote it in their pacts. Required. */
  readonly provider: string;
  /** A producer per event type the pacts expect. A type the pacts expect without a producer fails verification. */
  readonly producers: { readonly [T in EventTypeOf<M>]?: EventProducer };
  /** Provider states by name. A state a pact names without a handler fails its interaction. @default none */
  readonly stateHandlers?: Readonly<Record<string, StateHandler>>;
  /** Pact files to verify. @default every pact for `provider` in `pactDir` */
  readonly pactFiles?: readonly string[];
  /** @default `$HUMANGOV_PACT_DIR`, else `pacts/` at the repository root */
  readonly pactDir?: string;
  /** Verify only the pacts of these consumers. @default all */
  readonly consumers?: readonly string[];
  /** The catalog's codec. @default the HumanGov catalog */
  readonly codec?: Codec<M>;
  /** @default 'error' */
  readonly logLevel?: PactLogLevel;
}

/** A publisher port that records each message and confirms it at once. */
function createCaptureTransport(): PublisherPort & { readonly messages: readonly TransportMessage[] } {
  const messages: TransportMessage[] = [];
  return {
    messages,
    async publish(message) {
      messages.push({ ...message, body: new Uint8Array(message.body) });
    },
    async close() {},
  };
}

class ProduceFailure extends Error {}

/**
 * Verifies every message interaction the pacts for `provider` hold: for each, sets up its provider states, runs
 * `producers[type]` with a capturing transport, decodes what it published as a consumer's router would, and
 * hands that event's `data` (contents) and CloudEvents attributes (metadata) to Pact's `MessageProviderPact`.
 * Resolves when every interaction matches; rejects with `PactVerificationError` naming each failing interaction
 * and field (a missing producer or state handler, a producer that threw or published something else, a member
 * or attribute the consumer expects and the event lacks), or `PactOptionsError` when there is nothing to verify.
 */
export async function verifyMessageProvider<M extends EventMapShape = EventMap>(
  options: VerifyMessageProviderOptions<M>,
): Promise<void> {
  const codec = (options.codec ?? humangov) as unknown as Codec<M>;
  const producers = options.producers as Readonly<Record<string, EventProducer | undefined>>;
  const stateHandlers = options.stateHandlers ?? {};
  const known = new Map<string, { problems: PactProblem[]; fix: string }>();

  async function produce(descriptor: { description?: string; providerStates?: ProviderState[] }) {
    const description = descriptor.description ?? '';
    const fail = (message: string, fix: string): never => {
      known.set(description, { problems: [{ path: '', message }], fix });
      throw new ProduceFailure(message);
    };
    const target = parseMessageDescription(description);
    if (!target) {
      return fail(
        `'${description}' does not name an event type and version`,
        "write the consumer's pact with messagePact() from @humangov/testing/pact (it names interactions '<type> v<version>')",
      );
    }
    const { type, version } = target;
    const producer = producers[type];
    if (!producer) {
      return fail(
        `no producer for '${type}'`,
        `add producers['${type}'] to verifyMessageProvider(): a function that runs the service code publishing it`,
      );
    }
    const states = descriptor.providerStates ?? [];
    const missing = states.find((state) => !Object.hasOwn(stateHandlers, state.name));
    if (missing) {
      return fail(`provider state '${missing.name}' has no handler`, `add stateHandlers['${missing.name}']`);
    }
    const transport = createCaptureTransport();
    try {
      await producer({ transport, version, states });
    } catch (error) {
      return fail(
        `producers['${type}'] threw: ${error instanceof Error ? error.message : String(error)}`,
        `make the producing code publish ${type} v${version} in the pact's provider state(s)`,
      );
    }
    const published = transport.messages.map((m) => `${m.attributes.type} v${m.attributes.version}`);
    const message = transport.messages.find(
      (m) => m.attributes.type === type && m.attributes.version === String(version),
    );
    if (!message) {
      return fail(
        `producers['${type}'] published ${published.length ? published.join(', ') : 'nothing'}, not ${type} v${version}`,
        `make it publish ${type} at version ${version} (publish('${type}', data, { version: ${version} }))`,
      );
    }
    const decoded = fromTransportMessage(message);
    const event = decoded.issues ? decoded : codec.validateOwned(decoded.value);
    if (event.issues) {
      const detail = event.issues.map((i) => `${i.path} ${i.message}`).join('; ');
      return fail(
        `producers['${type}'] published an event the spec rejects: ${detail}`,
        'publish through createPublisher() from @humangov/sdk, which validates against the catalog',
      );
    }
    return {
      __pactMessageMetadata: { ...message.attributes, contentType: message.contentType ?? 'application/json' },
      message: event.value.data,
    };
  }

  // MessageProviderPact looks producers up by interaction description; every description is answered by
  // `produce`, which parses the event type and version out of it (so nothing has to list the descriptions).
  const messageProviders = answeringEveryName(() => produce);
  const verifier = new MessageProviderPact({
    provider: options.provider,
    pactUrls: pactSources(options),
    ...(options.consumers && { consumerFilters: [...options.consumers] }),
    logLevel: options.logLevel ?? 'error',
    messageProviders,
    stateHandlers: Object.fromEntries(
      Object.entries(stateHandlers).map(([name, handler]) => [
        name,
        async (_state: string, params?: Record<string, unknown>) => handler(params ?? {}),
      ]),
    ),
  });
  try {
    await verifier.verify();
  } catch (error) {
    throw verificationError(options.provider, error, known, (interaction) => {
      const consumer = consumerOf(interaction);
      return (
        `make the code behind producers[...] publish what consumer '${consumer}' expects (it relies on every ` +
        `member and attribute listed), or agree with '${consumer}' to change its expectation and re-run its pact tests`
      );
    });
  }
}
