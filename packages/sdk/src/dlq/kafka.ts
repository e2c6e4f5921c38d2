/**
 * The dead-letter queue of a Kafka consumer group: the dead-letter topic is read from its beginning by a throwaway
 * consumer group (deleted afterwards), and replays are recorded on `<dead-letter topic>.replayed`.
 */
import { randomUUID } from 'node:crypto';
import { catalog as humangovCatalog } from '@humangov/events';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { ConnectionError } from '../errors.js';
import { fromKafkaMessage } from '../transport/kafka/codec.js';
import { type KafkaTransportOptions, resolveKafkaOptions } from '../transport/kafka/options.js';
import { createScrub, kafkajsLogCreator, scrubError } from '../transport/kafka/scrub.js';
import { createKafkaTransport } from '../transport/kafka/transport.js';
import type { TransportMessage } from '../transport/port.js';
import { createLogStore, replayedChannelOf } from './log-store.js';
import {
  createDeadLetterQueueOver,
  type DeadLetterQueue,
  type DeadLetterQueueOptions,
  deadLetterChannelOf,
  replayBindings,
} from './queue.js';

/** Options of {@link createKafkaDeadLetterQueue}: the queue's, and the Kafka connection's (brokers, TLS, SASL). */
export interface KafkaDeadLetterQueueOptions extends DeadLetterQueueOptions, KafkaTransportOptions {
  /** Longest a read of the dead-letter topic may take before it fails. @default 30_000 */
  readonly readTimeoutMs?: number;
}

/**
 * The dead letters of `group` on Kafka. `list`, `show` and `replay` read the whole dead-letter topic (up to its
 * high watermarks at the time of the call) with a consumer group of their own that is deleted afterwards, so the
 * router's offsets are never touched. `replay` publishes through a Kafka transport (idempotent producer,
 * acks=all) to the topic the catalog (or `channels`) binds the original channel to, then appends the replay to
 * `<dead-letter topic>.replayed` (created on first use). A crash between the two replays that letter again on the
 * next `replay`: consumers should be idempotent (the inbox) anyway.
 */
export function createKafkaDeadLetterQueue(options: KafkaDeadLetterQueueOptions): DeadLetterQueue {
  const channel = deadLetterChannelOf(options);
  const resolved = resolveKafkaOptions(options);
  const scrub = createScrub(resolved);
  const readTimeoutMs = options.readTimeoutMs ?? 30_000;
  const bindings = replayBindings(options.catalog ?? humangovCatalog, options.channels);
  const transport = createKafkaTransport({ ...options, channels: bindings });
  const kafka = new Kafka({
    brokers: [...resolved.brokers],
    clientId: `${resolved.clientId}-dlq`,
    ...(resolved.ssl === undefined ? {} : { ssl: resolved.ssl }),
    ...(resolved.sasl === undefined ? {} : { sasl: { ...resolved.sasl } }),
    connectionTimeout: 3_000,
    logLevel: logLevel.WARN,
    logCreator: kafkajsLogCreator(resolved.logger, scrub),
  });
  const topicOf = (name: string): string => bindings.get(name)?.kafka?.topic ?? name;
  const replayed = replayedChannelOf(channel);
  let provisioned: Promise<void> | undefined;

  async function withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = kafka.admin();
    try {
      await admin.connect();
    } catch (error) {
      throw new ConnectionError('kafka', scrubError(error, scrub).message, { cause: scrubError(error, scrub) });
    }
    try {
      return await use(admin);
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  async function readAll(channels: readonly string[]): Promise<Map<string, TransportMessage[]>> {
    const out = new Map<string, TransportMessage[]>(channels.map((c) => [c, []]));
    const channelOfTopic = new Map(channels.map((c) => [topicOf(c), c]));
    // Where each partition ends now: the read stops there.
    const ends = await withAdmin(async (admin) => {
      const existing = new Set(await admin.listTopics());
      const left = new Map<string, bigint>();
      for (const topic of channelOfTopic.keys()) {
        if (!existing.has(topic)) continue;
        for (const p of await admin.fetchTopicOffsets(topic)) {
          if (BigInt(p.high) > BigInt(p.low)) left.set(`${topic}\u0000${p.partition}`, BigInt(p.high));
        }
      }
      return left;
    });
    if (ends.size === 0) return out;
    const groupId = `humangov-dlq-reader.${randomUUID()}`;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await consumer.connect();
      const topics = [...new Set([...ends.keys()].map((k) => k.split('\u0000')[0]!))];
      await consumer.subscribe({ topics, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(
          () => reject(new ConnectionError('kafka', `reading ${topics.join(', ')} took over ${readTimeoutMs} ms`)),
          readTimeoutMs,
        );
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ topic, partition, message }) => {
              const key = `${topic}\u0000${partition}`;
              const end = ends.get(key);
              if (end === undefined || BigInt(message.offset) >= end) return;
              const name = channelOfTopic.get(topic) ?? topic;
              out.get(name)?.push({ channel: name, ...fromKafkaMessage(message) });
              if (BigInt(message.offset) + 1n >= end) ends.delete(key);
              if (ends.size === 0) resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      clearTimeout(timer);
      await consumer.disconnect().catch(() => {});
      await withAdmin((admin) => admin.deleteGroups([groupId])).catch(() => {});
    }
    return out;
  }

  const store = createLogStore(
    {
      readAll,
      async append(message) {
        provisioned ??= transport
          .provision(new Map([[replayed, { kafka: { topic: topicOf(replayed), partitions: 1 } }]]))
          .catch((error: unknown) => {
            provisioned = undefined;
            throw error;
          });
        await provisioned;
        await transport.publish(message);
      },
      close: async () => {},
    },
    channel,
  );
  return createDeadLetterQueueOver(store, transport, options);
}
