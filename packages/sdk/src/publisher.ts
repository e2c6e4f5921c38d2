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
  const { transport, source } = options;
  const listeners = new Listeners();
  // Publishes in flight, counted so `close()` can wait for them (a counter: no per-publish Set entry or closure).
  let inFlight = 0;
  let idle: (() => void) | undefined;
  let drained: Promise<void> | undefined;
  let closed = false;

  // The catalog's binding of a channel (topic, exchange) is provisioned once, before its first publish; channels
  // whose provisioning resolved are not awaited again.
  const provisioning = new Map<string, Promise<void>>();
  const provisioned = new Set<string>();
  const provision = (entry: MessageVersion): Promise<void> => {
    if (!isProvisioner(transport)) return Promise.resolve();
    let done = provisioning.get(entry.channel);
    if (!done) {
      const binding = { ...(entry.kafka && { kafka: entry.kafka }), ...(entry.amqp && { amqp: entry.amqp }) };
      done = transport.provision(new Map([[entry.channel, binding]]));
      done.then(
        () => provisioned.add(entry.channel),
        () => provisioning.delete(entry.channel),
      );
      provisioning.set(entry.channel, done);
    }
    return done;
  };

  async function send(event: CloudEvent, publishOptions: PublishOptions | undefined): Promise<void> {
    const entry = codec.catalog[event.type]?.versions[event.version as number] as MessageVersion | undefined;
    if (!entry) {
      throw new SdkError('HUMANGOV_UNKNOWN_CHANNEL', `no channel for ${event.type} v${String(event.version)}`, false);
    }
    const started = listeners.size > 0 ? performance.now() : 0;
    inFlight++;
    try {
      if (!provisioned.has(entry.channel)) await provision(entry);
      await transport.publish(toTransportMessage(event, entry.channel), publishOptions);
      if (listeners.size > 0) {
        listeners.emit({ kind: 'published', event, channel: entry.channel, durationMs: performance.now() - started });
      }
    } catch (error) {
      listeners.emit({ kind: 'publish-failed', type: event.type, channel: entry.channel, error });
      throw error;
    } finally {
      if (--inFlight === 0) idle?.();
    }
  }

  return {
    async publish(type, data, publishOptions) {
      if (closed) throw new ClosedError('publisher');
      const known = codec.catalog[type];
      const entry = known?.versions[(publishOptions?.version ?? known.latest) as number];
      const { span, carrier } = startPublishSpan(type, entry?.channel ?? type);
      try {
        // One fixed shape instead of spreading the caller's options: the options' own trace context wins.
        const event = codec.create(type, data, {
          version: publishOptions?.version,
          id: publishOptions?.id,
          subject: publishOptions?.subject,
          correlationId: publishOptions?.correlationId,
          causedBy: publishOptions?.causedBy,
          traceparent: publishOptions?.traceparent ?? carrier?.traceparent,
          tracestate: publishOptions?.tracestate ?? carrier?.tracestate,
          source,
        } as CreateOptions<never>);
        await send(event, publishOptions);
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
      await send(checked.value as CloudEvent, publishOptions);
    },
    onEvent: (listener) => listeners.on(listener),
    async close() {
      closed = true;
      if (inFlight === 0) return;
      drained ??= new Promise<void>((resolve) => {
        idle = resolve;
      });
      await drained;
    },
  } as Publisher<M>;
}
