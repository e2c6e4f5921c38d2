/**
 * The dead-letter queue of a RabbitMQ consumer group: the durable queue `<group>.dead-letter`, read with
 * `basic.get` and given back (requeued) after each call; a replayed letter is acked and queued again with a
 * `humangov-dlq-replayed-at` header, so it stays visible as replayed.
 */
import { catalog as humangovCatalog } from '@humangov/events';
import amqp, { type ConfirmChannel, type GetMessage } from 'amqplib';
import { ConnectionError } from '../errors.js';
import { decode } from '../transport/rabbitmq/codec.js';
import { type RabbitMqTransportOptions, resolveOptions, scrub } from '../transport/rabbitmq/options.js';
import { createRabbitMqTransport } from '../transport/rabbitmq/transport.js';
import { entryId, REPLAY_HEADERS } from './entry.js';
import {
  createDeadLetterQueueOver,
  type DeadLetterQueue,
  type DeadLetterQueueOptions,
  type DeadLetterStore,
  deadLetterChannelOf,
  type HeldLetter,
  replayBindings,
} from './queue.js';

/** Options of {@link createRabbitMqDeadLetterQueue}: the queue's, and the AMQP connection's (`url`...). */
export interface RabbitMqDeadLetterQueueOptions extends DeadLetterQueueOptions, RabbitMqTransportOptions {
  /** Most letters one call reads (the rest stay in the queue, unseen by that call). @default 10_000 */
  readonly maxLetters?: number;
}

/**
 * A letter delivered this many times (every read gives it back) is queued again as a fresh copy: quorum queues
 * drop a message past their delivery limit (RabbitMQ 4 sets 20 by default).
 */
const REFRESH_AT_DELIVERY = 10;

/**
 * The dead letters of `group` on RabbitMQ. Each call opens a connection, takes up to `maxLetters` letters from
 * the dead-letter queue unacked, and gives back those it did not replay (requeue) before it closes, so letters
 * are never lost by reading; while a call runs they are invisible to other readers. `replay` publishes through a
 * RabbitMQ transport (publisher confirms) to the exchange and routing key the catalog (or `channels`) binds the
 * original channel to, then queues the letter again marked replayed and acks the old copy.
 */
export function createRabbitMqDeadLetterQueue(options: RabbitMqDeadLetterQueueOptions): DeadLetterQueue {
  const channel = deadLetterChannelOf(options);
  const queue = channel; // the router declares the dead-letter queue under the channel's name
  const resolved = resolveOptions(options);
  const maxLetters = options.maxLetters ?? 10_000;
  const transport = createRabbitMqTransport({
    ...options,
    channels: replayBindings(options.catalog ?? humangovCatalog, options.channels),
  });

  const store: DeadLetterStore = {
    async session(use) {
      let model: amqp.ChannelModel;
      try {
        model = await amqp.connect(resolved.url, resolved.socketOptions);
      } catch (error) {
        throw new ConnectionError('rabbitmq', scrub(error instanceof Error ? error.message : String(error)));
      }
      model.on('error', () => {});
      try {
        const ch = await model.createConfirmChannel();
        ch.on('error', () => {});
        if (!(await queueExists(model, queue))) return await use([]);
        const taken: GetMessage[] = [];
        while (taken.length < maxLetters) {
          const m = await ch.get(queue);
          if (m === false) break;
          taken.push(m);
        }
        const settled = new Set<GetMessage>();
        const requeueAs = async (m: GetMessage, extra: Record<string, string>) => {
          await sendCopy(ch, queue, m, extra);
          ch.ack(m);
          settled.add(m);
        };
        const held = taken.map((m): HeldLetter => {
          const message = { ...decode(channel, m), channel };
          const at = message.headers[REPLAY_HEADERS.at];
          return {
            message,
            ...(at !== undefined && { replayedAt: at }),
            markReplayed: (when) =>
              requeueAs(m, { [REPLAY_HEADERS.id]: entryId(message), [REPLAY_HEADERS.at]: when.toISOString() }),
          };
        });
        try {
          return await use(held);
        } finally {
          for (const m of taken) {
            if (settled.has(m)) continue;
            const count = Number(m.properties.headers?.['x-delivery-count'] ?? 0);
            if (count >= REFRESH_AT_DELIVERY) await requeueAs(m, {}).catch(() => {});
            else ch.nack(m, false, true);
          }
          await ch.close().catch(() => {});
        }
      } finally {
        await model.close().catch(() => {});
      }
    },
    close: async () => {},
  };
  return createDeadLetterQueueOver(store, transport, options);
}

async function queueExists(model: amqp.ChannelModel, queue: string): Promise<boolean> {
  // A missing queue closes the channel that asked (404): ask on a channel of its own.
  const probe = await model.createChannel();
  probe.on('error', () => {});
  try {
    await probe.checkQueue(queue);
    return true;
  } catch {
    return false;
  } finally {
    await probe.close().catch(() => {});
  }
}

/** Queues a copy of `m` (same body and properties, broker counters dropped, `extra` headers added), confirmed. */
async function sendCopy(ch: ConfirmChannel, queue: string, m: GetMessage, extra: Record<string, string>) {
  const headers: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(m.properties.headers ?? {})) {
    if (!/^x-(delivery-count|acquired-count|death|first-death|last-death)/.test(name)) headers[name] = value;
  }
  const { headers: _h, ...properties } = m.properties;
  const publish: amqp.Options.Publish = { persistent: true, headers: { ...headers, ...extra } };
  for (const [name, value] of Object.entries(properties)) {
    if (value !== undefined && value !== null) (publish as Record<string, unknown>)[name] = value;
  }
  ch.sendToQueue(queue, m.content, publish);
  await ch.waitForConfirms();
}
