/**
 * The typed publisher: `publish(type, data)` is checked by the compiler against the catalog, validated at run time,
 * wrapped in a CloudEvents envelope (correlation, causation, trace context), keyed by the catalog's partition key
 * and handed to the transport, which resolves when the broker has durably accepted it.
 */
import {
  type CloudEvent,
  type Codec,
  type CreateOptions,
  type DataOf,
  type EventMap,
  type EventMapShape,
  type EventOf,
  type EventTypeOf,
  EventValidationError,
  humangov,
  type LatestVersionOf,
  type MessageVersion,
  type VersionOf,
} from '@humangov/events';
import { toTransportMessage } from './binary-mode.js';
import { ClosedError, SdkError } from './errors.js';
import { type LifecycleListener, Listeners } from './lifecycle.js';
import { endSpan, startPublishSpan } from './tracing.js';
import { isProvisioner, type PublisherPort, type PublishOptions } from './transport/port.js';

export interface PublisherOptions<M extends EventMapShape> {
  /** Where messages go; the publisher does not own it (`close()` does not close the transport). */
  readonly transport: PublisherPort;
  /** `source` of every event this service publishes, e.g. `/humangov/benefits`. */
  readonly source: string;
  /** The catalog's codec. @default the HumanGov catalog (`humangov` from @humangov/events) */
  readonly codec?: Codec<M>;
}

/** Options of one `publish`: the envelope options of `createEvent` plus the transport's. */
export type PublishEventOptions<V extends number = number> = Omit<CreateOptions<V>, 'source'> & PublishOptions;

export interface Publisher<M extends EventMapShape> {
  /**
   * Builds, validates and publishes an event of `type` (latest version, or `options.version`); resolves with the
   * published event once the broker confirmed it. Invalid data throws `EventValidationError` before anything is
   * sent; a broker failure rejects with a typed `SdkError` (`retryable` says whether to try again).
   */
  publish<T extends EventTypeOf<M>, V extends VersionOf<M, T> = LatestVersionOf<M, T>>(
    type: T,
    data: DataOf<M, T, V>,
    options?: PublishEventOptions<V>,
  ): Promise<EventOf<M, T, V>>;
  /** Publishes an event built earlier (e.g. by an outbox relay); it is validated again first. */
  publishEvent(event: CloudEvent, options?: PublishOptions): Promise<void>;
  /** Listens to `published` and `publish-failed` events; returns the function that stops listening. */
  onEvent(listener: LifecycleListener): () => void;
  /** Waits for publishes in flight, then refuses new ones. The transport stays open. */
  close(): Promise<void>;
}

export function createPublisher<M extends EventMapShape = EventMap>(options: PublisherOptions<M>): Publisher<M> {
  const codec = (options.codec ?? humangov) as unknown as Codec<M>;
  const listeners = new Listeners();
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;

  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    const forget = () => inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  };

  // The catalog's binding of a channel (topic, exchange) is provisioned once, before its first publish.
  const provisioned = new Map<string, Promise<void>>();
  const provision = (entry: MessageVersion): Promise<void> => {
    const transport = options.transport;
    if (!isProvisioner(transport)) return Promise.resolve();
    let done = provisioned.get(entry.channel);
    if (!done) {
      const binding = { ...(entry.kafka && { kafka: entry.kafka }), ...(entry.amqp && { amqp: entry.amqp }) };
      done = transport.provision(new Map([[entry.channel, binding]]));
      done.catch(() => provisioned.delete(entry.channel));
      provisioned.set(entry.channel, done);
    }
    return done;
  };

  async function send(event: CloudEvent, publishOptions: PublishOptions | undefined): Promise<void> {
    const entry = codec.catalog[event.type]?.versions[event.version as number] as MessageVersion | undefined;
    if (!entry) {
      throw new SdkError('HUMANGOV_UNKNOWN_CHANNEL', `no channel for ${event.type} v${String(event.version)}`, false);
    }
    const started = performance.now();
    try {
      await provision(entry);
      await options.transport.publish(toTransportMessage(event, entry.channel), publishOptions);
      listeners.emit({ kind: 'published', event, channel: entry.channel, durationMs: performance.now() - started });
    } catch (error) {
      listeners.emit({ kind: 'publish-failed', type: event.type, channel: entry.channel, error });
      throw error;
    }
  }

  return {
    async publish(type, data, publishOptions) {
      if (closed) throw new ClosedError('publisher');
      const known = codec.catalog[type];
      const entry = known?.versions[(publishOptions?.version ?? known.latest) as number];
      const { span, carrier } = startPublishSpan(type, entry?.channel ?? type);
      try {
        const event = codec.create(type, data, {
          ...carrier,
          ...publishOptions,
          source: options.source,
        } as CreateOptions<never>);
        await track(send(event, publishOptions));
        endSpan(span);
        return event as EventOf<M, typeof type, NonNullable<typeof publishOptions>['version'] & number>;
      } catch (error) {
        endSpan(span, error);
        throw error;
      }
    },
    async publishEvent(event, publishOptions) {
      if (closed) throw new ClosedError('publisher');
      const checked = codec.validate(event);
      if (checked.issues) {
        throw new EventValidationError({ type: String((event as { type?: unknown }).type), issues: checked.issues });
      }
      await track(send(checked.value as CloudEvent, publishOptions));
    },
    onEvent: (listener) => listeners.on(listener),
    async close() {
      closed = true;
      await Promise.allSettled([...inFlight]);
    },
  } as Publisher<M>;
}
