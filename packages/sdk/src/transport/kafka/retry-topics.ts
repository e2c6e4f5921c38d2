/**
 * Delayed redelivery through Kafka retry topics (the port's `DelayedRedeliverer`): a failed message is copied to
 * `<group>.<topic>.retry.<delayMs>` with its due time, and the original offset is committed; a consumer of the
 * retry topics holds each copy until it is due by pausing only that retry topic-partition, then hands it to the
 * handler as a delivery of the original channel. The main topics are never blocked while a message waits.
 */
import type { KafkaMessage } from 'kafkajs';
import { TopologyError } from '../../errors.js';
import { REDELIVERY_HEADERS } from '../../recoverability/headers.js';
import type {
  ChannelBinding,
  DeliveryHandler,
  Redelivery,
  RedeliverySpec,
  Subscription,
  TransportMessage,
} from '../port.js';
import { DEFAULT_PARTITIONS } from './provision.js';

/** What the retry topics need from the transport. */
export interface RetryTopicsContext {
  /** The topic a channel is bound to. */
  readonly topicOf: (channel: string) => string;
  /** The channel's binding, where the transport knows one (for the retry topics' partition count). */
  readonly bindingOf: (channel: string) => ChannelBinding | undefined;
  /** Creates missing topics: the same path `provision()` takes for catalog topics. */
  readonly provision: (topics: ReadonlyMap<string, ChannelBinding>) => Promise<void>;
  /** Produces `message` to `topic` (acks=all), resolving once the broker has it. */
  readonly produce: (topic: string, message: TransportMessage) => Promise<void>;
  /** Subscribes `group` to `topics`, holding records per `hold` (a record held pauses only its partition). */
  readonly subscribe: (
    group: string,
    topics: readonly string[],
    concurrency: number,
    handler: DeliveryHandler,
    hold: (record: KafkaMessage) => number,
  ) => Promise<Subscription>;
}

const LEGAL = /[^a-zA-Z0-9._-]/g;
const MAX_TOPIC = 249;

/**
 * The retry topic of one (group, topic, delay): `<group>.<topic>.retry.<delayMs>`, one per group so a failure of
 * one group is never redelivered to another, and the same shape as the RabbitMQ delay queues
 * (`<group>.<channel>.retry.<delayMs>`). Characters Kafka does not allow in topic names become `_`.
 */
export function retryTopicName(group: string, topic: string, delayMs: number): string {
  const name = `${group}.${topic}.retry.${delayMs}`.replace(LEGAL, '_');
  if (name.length > MAX_TOPIC) {
    throw new TopologyError(
      'kafka',
      `retry topic ${name.slice(0, 60)}... is longer than Kafka's ${MAX_TOPIC} characters: use a shorter group name`,
      false,
    );
  }
  return name;
}

/** Consumer group reading a group's retry topics: its own, since kafkajs members of one group must share topics. */
export const retryGroupName = (group: string, topics: readonly string[]): string =>
  `${group}.retry.${[...topics].sort().join('+')}`;

function header(record: KafkaMessage, name: string): string | undefined {
  const raw = record.headers?.[name];
  const last = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  return last === undefined ? undefined : last.toString();
}

/**
 * Creates the retry topics of `spec` (one per channel and delay) and starts the consumer that reads them.
 * `later()` produces the copy with a `humangov-due` header (now + delay) and resolves when the broker has it.
 * A copy is delivered no earlier than its due time (a record without the header goes at once); copies in one retry topic-partition are due in the order they were written, so holding the head holds
 * nothing that is due. Delivery, ack and nack then work as on any Kafka subscription.
 */
export async function prepareKafkaRedelivery(
  context: RetryTopicsContext,
  spec: RedeliverySpec,
  handler: DeliveryHandler,
): Promise<Redelivery> {
  if (typeof spec.group !== 'string' || spec.group === '') throw new TypeError('kafka: redelivery needs a group');
  if (spec.channels.length === 0) throw new TypeError('kafka: redelivery needs at least one channel');
  for (const d of spec.delaysMs) {
    if (!Number.isInteger(d) || d <= 0) throw new RangeError(`kafka: redelivery delays must be integers > 0, got ${d}`);
  }
  const tiers = new Map<string, string>(); // channel \0 delay -> retry topic
  const origin = new Map<string, { readonly channel: string; readonly delayMs: number }>();
  const topics = new Map<string, ChannelBinding>();
  for (const channel of spec.channels) {
    const topic = context.topicOf(channel);
    const partitions = context.bindingOf(channel)?.kafka?.partitions ?? DEFAULT_PARTITIONS;
    for (const delayMs of new Set(spec.delaysMs)) {
      const name = retryTopicName(spec.group, topic, delayMs);
      tiers.set(`${channel}\u0000${delayMs}`, name);
      origin.set(name, { channel, delayMs });
      topics.set(name, { kafka: { topic: name, partitions } });
    }
  }
  const later = async (message: TransportMessage, delayMs: number): Promise<void> => {
    const topic = tiers.get(`${message.channel}\u0000${delayMs}`);
    if (topic === undefined) {
      throw new RangeError(`kafka: no retry topic prepared for ${message.channel} and ${delayMs} ms`);
    }
    const due = new Date(Date.now() + delayMs).toISOString();
    await context.produce(topic, { ...message, headers: { ...message.headers, [REDELIVERY_HEADERS.due]: due } });
  };
  if (topics.size === 0) return { later, close: async () => {} }; // no delays: nothing to read
  await context.provision(topics);

  const hold = (record: KafkaMessage): number => {
    const due = Date.parse(header(record, REDELIVERY_HEADERS.due) ?? '');
    return Number.isFinite(due) ? due - Date.now() : 0;
  };
  const subscription = await context.subscribe(
    retryGroupName(spec.group, [...origin.keys()]),
    [...origin.keys()],
    Math.max(1, spec.concurrency ?? 1),
    // Handed over as a delivery of the channel the message was first read from.
    (message) => handler({ ...message, channel: origin.get(message.channel)?.channel ?? message.channel }),
    hold,
  );

  return { later, close: () => subscription.close() };
}
