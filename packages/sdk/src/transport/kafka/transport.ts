import { type Admin, Kafka, logLevel, type Message } from 'kafkajs';
import { ClosedError, ConnectionError } from '../../errors.js';
import type {
  BatchPublisher,
  ChannelBinding,
  DelayedRedeliverer,
  DeliveryHandler,
  Provisioner,
  Subscription,
  SubscriptionSpec,
  Transport,
  TransportMessage,
} from '../port.js';
import { toKafkaMessage } from './codec.js';
import { toPublishError, toTopologyError } from './errors.js';
import { type KafkaTransportOptions, resolveKafkaOptions } from './options.js';
import { createProducerPool } from './producer-pool.js';
import { createTopics, planTopics } from './provision.js';
import { createPublishBatcher, type TopicRecord } from './publish-batcher.js';
import { prepareKafkaRedelivery } from './retry-topics.js';
import { createScrub, kafkajsLogCreator, scrubError } from './scrub.js';
import { type HoldFn, startKafkaSubscription } from './subscription.js';

const NAME = 'kafka';

/**
 * A Kafka transport: a `Transport` that can also provision its topics, redeliver through retry topics and publish
 * batches.
 */
export interface KafkaTransport extends Transport, Provisioner, DelayedRedeliverer, BatchPublisher {
  readonly name: 'kafka';
}

/**
 * A Kafka transport (kafkajs 2.2.4), and a `Provisioner` of its topics.
 *
 * Publishing: CloudEvents Kafka binary mode (`ce_<attribute>` headers, `content-type`, record key = message key),
 * idempotent producer, acks=all. Concurrent `publish()` calls share produce requests (see `linger`,
 * `maxBatchBytes`; a message larger than a batch, up to `maxMessageBytes`, goes alone); each resolves when its record is acknowledged by all in-sync replicas and rejects with a typed
 * `SdkError` otherwise: `PublishTimeoutError` after `confirmTimeoutMs` (a frozen broker never answers),
 * `ConnectionError`, `PublishError`, `HUMANGOV_MESSAGE_TOO_LARGE`, `ClosedError` after `close()`. Messages with the
 * same key on the same channel keep their publish order. `publishBatch` sends a whole array in requests of up to
 * `maxBatchBytes`, one after another, without lingering (the outbox relay's path).
 *
 * Subscribing: one consumer per subscription in group `spec.group`; partitions are handled concurrently (at most
 * `spec.concurrency` handlers at once), each partition in order and one message at a time. An offset is committed
 * only after its message is acked; `nack({ delayMs })` redelivers the same message after the delay and blocks its
 * partition meanwhile; `deliveryAttempt` counts deliveries in this process. Consumers restart and rejoin their group
 * after broker failures until closed.
 *
 * Delayed redelivery (`prepareRedelivery`, used by the router's `recoverability`): a copy of a failed message goes
 * to the retry topic `<group>.<topic>.retry.<delayMs>` of its delay with a due time, then the original is acked; a
 * consumer (group `<group>.retry.<topics>`) holds each copy until it is due by pausing only its retry
 * topic-partition, so the main topics and other retry partitions keep flowing, then delivers it on its original
 * channel.
 *
 * `close()` flushes and awaits pending publishes (each bounded by the confirm timeout), closes every subscription
 * (in-flight handlers get `shutdownTimeoutMs`), then disconnects. Credentials never reach logs, events or errors.
 */
export function createKafkaTransport(options: KafkaTransportOptions = {}): KafkaTransport {
  const resolved = resolveKafkaOptions(options);
  const scrub = createScrub(resolved);
  const kafka = new Kafka({
    brokers: [...resolved.brokers],
    clientId: resolved.clientId,
    ...(resolved.ssl === undefined ? {} : { ssl: resolved.ssl }),
    ...(resolved.sasl === undefined ? {} : { sasl: { ...resolved.sasl } }),
    connectionTimeout: 3_000,
    requestTimeout: resolved.confirmTimeoutMs,
    retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator: kafkajsLogCreator(resolved.logger, scrub),
  });
  const provisioned = new Map<string, ChannelBinding>();
  const topicOf = (channel: string): string =>
    (resolved.channels.get(channel) ?? provisioned.get(channel))?.kafka?.topic ?? channel;

  const producers = createProducerPool(kafka, resolved, scrub);
  const batcher = createPublishBatcher({
    transport: NAME,
    linger: resolved.linger,
    maxBatchBytes: resolved.maxBatchBytes,
    maxMessageBytes: resolved.maxMessageBytes,
    confirmTimeoutMs: resolved.confirmTimeoutMs,
    send: (topicMessages) => producers.send(topicMessages),
    toError: (error) => toPublishError(error, scrub),
    onFlush: ({ messages, bytes, durationMs, error }) =>
      resolved.onEvent({
        type: 'producer.flush',
        messages,
        bytes,
        durationMs,
        ...(error === undefined ? {} : { error: scrubError(error, scrub) }),
      }),
  });

  /** The record of a message, after checking its body (publish and publishBatch share it). */
  const recordOf = (message: TransportMessage): Message => {
    if (!(message.body instanceof Uint8Array)) throw new TypeError('kafka: a message body must be a Uint8Array');
    return toKafkaMessage(message);
  };
  const topicRecordOf = (message: TransportMessage): TopicRecord => ({
    topic: topicOf(message.channel),
    record: recordOf(message),
  });

  const subscriptions = new Set<Subscription>();
  let admin: Promise<Admin> | undefined;
  let closing: Promise<void> | undefined;
  const assertOpen = (): void => {
    if (closing) throw new ClosedError(`${NAME} transport`);
  };

  const getAdmin = (): Promise<Admin> => {
    if (!admin) {
      const a = kafka.admin();
      admin = a.connect().then(
        () => a,
        (error: unknown) => {
          admin = undefined;
          throw new ConnectionError(NAME, scrubError(error, scrub).message, { cause: scrubError(error, scrub) });
        },
      );
    }
    return admin;
  };

  async function subscribe(spec: SubscriptionSpec, handler: DeliveryHandler, hold?: HoldFn): Promise<Subscription> {
    assertOpen();
    if (typeof spec.group !== 'string' || spec.group === '') throw new TypeError('kafka: a subscription needs a group');
    if (spec.channels.length === 0) throw new TypeError('kafka: a subscription needs at least one channel');
    const inner = await startKafkaSubscription({ kafka, options: resolved, scrub, topicOf }, spec, handler, hold);
    let closed: Promise<void> | undefined;
    const subscription: Subscription = {
      close() {
        closed ??= inner.close().finally(() => subscriptions.delete(subscription));
        return closed;
      },
    };
    subscriptions.add(subscription);
    if (closing) await subscription.close(); // close() ran while this one was joining its group
    return subscription;
  }

  const transport: KafkaTransport = {
    name: NAME,

    async publish(message, publishOptions) {
      assertOpen();
      // No { topic, record } object on this path: one publish call per event.
      return batcher.publish(topicOf(message.channel), recordOf(message), publishOptions?.signal);
    },

    async publishBatch(messages, publishOptions) {
      assertOpen();
      return batcher.publishAll(messages.map(topicRecordOf), publishOptions?.signal);
    },

    subscribe: (spec, handler) => subscribe(spec, handler),

    async prepareRedelivery(spec, handler) {
      assertOpen();
      return prepareKafkaRedelivery(
        {
          topicOf,
          bindingOf: (channel) => resolved.channels.get(channel) ?? provisioned.get(channel),
          provision: (topics) => transport.provision(topics),
          produce: (topic, message) => batcher.publish(topic, toKafkaMessage(message)),
          subscribe: (group, topics, concurrency, deliver, hold) =>
            subscribe({ group, channels: topics, concurrency }, deliver, hold),
        },
        spec,
        handler,
      );
    },

    async provision(channels) {
      assertOpen();
      for (const [channel, binding] of channels) if (!provisioned.has(channel)) provisioned.set(channel, binding);
      const plans = planTopics(
        channels,
        (channel, binding) => resolved.channels.get(channel)?.kafka?.topic ?? binding.kafka?.topic ?? channel,
      );
      const client = await getAdmin();
      try {
        await createTopics(client, plans);
      } catch (error) {
        throw toTopologyError(error, scrub);
      }
    },

    close() {
      closing ??= (async () => {
        await batcher.close();
        await Promise.allSettled([...subscriptions].map((s) => s.close()));
        await producers.close();
        const a = await admin?.catch(() => undefined);
        await a?.disconnect().catch(() => {});
      })();
      return closing;
    },
  };
  return transport;
}
