/**
 * Consumer side of message pacts: `messagePact({ consumer, provider }).expectsEvent(type, expectation)
 * .verify(handler)`. The event type and version come from the generated catalog, so a wrong name, version or
 * payload is a compile error; the handler gets the event decoded and validated by the SDK's own decode path.
 */
import {
  type Codec,
  type DataOf,
  type EventMap,
  type EventMapShape,
  type EventOf,
  type EventTypeOf,
  humangov,
  type LatestVersionOf,
  type MessageVersion,
  type VersionOf,
} from '@humangov/events';
import { fromTransportMessage, type Handler, type ReceivedMessage, type TransportMessage } from '@humangov/sdk';
import { MatchersV3 } from '@pact-foundation/pact';
import { PactConsumerError, PactExpectationError, PactOptionsError } from '../errors.js';
import { type Matchable, mergeExpectation, reify, requiredOnly } from './matchable.js';
import { expectedMetadata, messageDescription } from './message-interaction.js';
import { createPactV4, type Given, type PactOptions, statesOf } from './pact-options.js';

/** Options of `messagePact`. */
export interface MessagePactOptions<M extends EventMapShape> extends PactOptions {
  /** The catalog's codec. @default the HumanGov catalog (`humangov` from @humangov/events) */
  readonly codec?: Codec<M>;
}

/** What a consumer expects of one event type at one version. */
export interface EventExpectation<M extends EventMapShape, T extends EventTypeOf<M>, V extends VersionOf<M, T>> {
  /** The version the provider publishes and the handler receives. @default the latest */
  readonly version?: V;
  /** Provider state(s) the producer needs, e.g. `'an application awaiting approval'`. @default none */
  readonly given?: Given;
  /**
   * Names this expectation when a consumer has several of one event type and version (the description becomes
   * `<type> v<version> (<scenario>)`). @default none
   */
  readonly scenario?: string;
  /**
   * Members laid over the spec's example (see `fields`): values, or Pact matchers (`regex`, `integer`...). The
   * whole body is matched by type (`like`), so a value here is an example, not an exact requirement, unless
   * wrapped in a stricter matcher. Ask only for what the handler uses: each member is a promise the provider's
   * verification holds it to. @default nothing beyond the example's required members
   */
  readonly data?: Matchable<DataOf<M, T, V>>;
  /**
   * Which members of the spec's example the expectation starts from: `'required'` (those the schema requires,
   * at every depth: what every producer must send) or `'example'` (all of them, optional ones included).
   * @default 'required'
   */
  readonly fields?: 'required' | 'example';
  /** Which of the spec's examples to start from. @default 0 */
  readonly example?: number;
}

/** One expected event, ready to be checked against the consumer's handler. */
export interface EventInteraction<E> {
  /** The interaction's description in the pact: `<type> v<version>` (plus ` (<scenario>)`). */
  readonly description: string;
  /**
   * Runs `handler` (the same function the service gives its router) on the event the expectation describes,
   * decoded from Pact's message and validated by the SDK's decode path. When it resolves, the interaction is
   * written to `<dir>/<consumer>-<provider>.json` (Pact V4); when it throws, nothing is written and this rejects
   * with `PactConsumerError` naming the interaction. An expectation the spec does not allow rejects with
   * `PactExpectationError` before Pact is involved.
   */
  verify(handler: Handler<E>): Promise<void>;
}

/** A consumer's message pact with one provider. */
export interface MessagePact<M extends EventMapShape> {
  /** Expects the provider to publish `type` (at `expectation.version`, default the latest). */
  expectsEvent<T extends EventTypeOf<M>, V extends VersionOf<M, T> = LatestVersionOf<M, T>>(
    type: T,
    expectation?: EventExpectation<M, T, V>,
  ): EventInteraction<EventOf<M, T, V>>;
  /** The folder pact files are written to. */
  readonly dir: string;
}

const encoder = new TextEncoder();

function toTransportMessage(definition: MessageVersion, content: unknown, metadata: Record<string, unknown>) {
  const { contentType, ...attributes } = metadata;
  return {
    channel: definition.channel,
    attributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, String(v)])),
    contentType: typeof contentType === 'string' ? contentType : definition.contentType,
    headers: {},
    body: encoder.encode(JSON.stringify(content)),
  } satisfies TransportMessage;
}

/** Decodes the way the router does: binary mode -> envelope -> catalog validation. */
function decode<M extends EventMapShape>(codec: Codec<M>, message: TransportMessage) {
  const decoded = fromTransportMessage(message);
  return decoded.issues ? decoded : codec.validateOwned(decoded.value);
}

/**
 * Starts a message pact between `consumer` and `provider`. Each `expectsEvent(...).verify(handler)` is one
 * interaction; interactions of one pair accumulate in one pact file (delete the pacts folder before a run to
 * drop interactions a consumer no longer has). Throws `PactOptionsError` for a missing name.
 */
export function messagePact<M extends EventMapShape = EventMap>(options: MessagePactOptions<M>): MessagePact<M> {
  const codec = (options.codec ?? humangov) as unknown as Codec<M>;
  const { pact, dir } = createPactV4(options);

  function expectsEvent(type: string, expectation: EventExpectation<M, never, never> = {}) {
    const entry = codec.catalog[type];
    const version = (expectation.version as number | undefined) ?? entry?.latest ?? 0;
    const definition = entry?.versions[version];
    if (!definition) {
      const message = `the catalog has no event '${type}' v${version}: use a type and version of the generated catalog`;
      throw new PactOptionsError({ option: 'type', message });
    }
    const description = messageDescription(type, version, expectation.scenario);
    const example = definition.examples[expectation.example ?? 0] ?? {};
    const base = expectation.fields === 'example' ? example : requiredOnly(example, definition.schema);
    const body = mergeExpectation(base, expectation.data);
    const metadata = expectedMetadata(definition);

    return {
      description,
      async verify(handler: Handler<never>) {
        // The spec first: a pact may not ask for what the spec does not promise (bi-directional).
        const local = decode(codec, toTransportMessage(definition, reify(body), reify(metadata) as never));
        if (local.issues) throw new PactExpectationError({ interaction: description, problems: local.issues });

        let interaction = pact.addAsynchronousInteraction();
        for (const state of statesOf(expectation.given)) {
          interaction = state.params
            ? interaction.given(state.name, state.params as Record<string, string>)
            : interaction.given(state.name);
        }
        await interaction
          .expectsToReceive(description, (builder) =>
            builder.withJSONContent(MatchersV3.like(body)).withMetadata(metadata),
          )
          .executeTest(async (message) => {
            const transport = toTransportMessage(definition, message.contents.content, message.metadata ?? {});
            const event = decode(codec, transport);
            if (event.issues) throw new PactExpectationError({ interaction: description, problems: event.issues });
            const received: ReceivedMessage = {
              ...transport,
              deliveryAttempt: 1,
              ack: async () => undefined,
              nack: async () => undefined,
            };
            try {
              await handler(event.value as never, { message: received, attempt: 1 });
            } catch (cause) {
              const fields = Object.keys((event.value.data ?? {}) as object).join(', ') || 'none';
              const hint =
                `the handler was given the event this expectation describes (data members: ${fields}). If it ` +
                `needs another member, add it to \`data\` in expectsEvent('${type}', ...) (the provider is then ` +
                'held to publishing it); if the spec makes it optional, make the handler cope without it';
              throw new PactConsumerError({ interaction: description, hint }, { cause });
            }
          });
      },
    };
  }

  return { expectsEvent: expectsEvent as MessagePact<M>['expectsEvent'], dir };
}
