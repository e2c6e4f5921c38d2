import amqp from 'amqplib';
import { ClosedError, isSdkError, TopologyError } from '../../errors.js';
import type {
  ChannelBinding,
  DelayedRedeliverer,
  DeliveryHandler,
  Provisioner,
  PublishOptions,
  Subscription,
  SubscriptionSpec,
  Transport,
  TransportMessage,
} from '../port.js';
import { errorMessage, ReconnectingConnection } from './connection.js';
import type { RabbitMqTransportOptions } from './options.js';
import { resolveOptions, scrub } from './options.js';
import { ConfirmPublisher } from './publisher.js';
import { prepareRabbitRedelivery } from './redelivery.js';
import { RabbitSubscription } from './subscription.js';
import { Topology } from './topology.js';

/** The RabbitMQ transport: the port plus `provision`. */
export type RabbitMqTransport = Transport & Provisioner;

/**
 * RabbitMQ over amqplib (AMQP 0-9-1). Connects lazily, on the first call.
 *
 * - `publish` sends a persistent message (delivery mode 2) on a confirm channel and resolves on the broker's
 *   confirm. Publishes run concurrently. It rejects with `PublishTimeoutError` when no confirm came within
 *   `confirmTimeoutMs` (including time spent waiting for a reconnection), and with a retryable `PublishError`
 *   when the connection died before the confirm: the broker may have stored it, so a retry can duplicate.
 * - `subscribe` consumes the durable queue `<group>.<channel>` (quorum, single active consumer by default) bound
 *   to the channel's exchange; every group gets every message published after its queue was first declared
 *   (`fromBeginning` cannot reach further back: AMQP queues keep nothing for groups that do not exist yet).
 *   Acks are manual and idempotent; `nack({ delayMs })` waits, then requeues.
 * - After a lost connection it reconnects with backoff, re-declares topology and consumes again.
 * - `close()` waits for pending publishes (each bounded by its timeout), closes subscriptions (waiting for
 *   in-flight handlers up to `closeTimeoutMs`), then the connection. It never reconnects afterwards.
 */
export function createRabbitMqTransport(
  options: RabbitMqTransportOptions = {},
): RabbitMqTransport & DelayedRedeliverer {
  const resolved = resolveOptions(options);
  const connection = new ReconnectingConnection(resolved, () => amqp.connect(resolved.url, resolved.socketOptions));
  const topology = new Topology(resolved);
  const publisher = new ConfirmPublisher(resolved, connection, topology);
  const subscriptions = new Set<RabbitSubscription>();
  let closing: Promise<void> | undefined;

  const shutdown = async (): Promise<void> => {
    await publisher.close();
    await Promise.all([...subscriptions].map((s) => s.close()));
    await connection.close();
  };

  return {
    name: 'rabbitmq',

    publish(message: TransportMessage, publishOptions?: PublishOptions): Promise<void> {
      if (closing) return Promise.reject(new ClosedError('rabbitmq transport'));
      return publisher.publish(message, publishOptions);
    },

    async subscribe(spec: SubscriptionSpec, handler: DeliveryHandler): Promise<Subscription> {
      if (closing) throw new ClosedError('rabbitmq transport');
      const subscription = new RabbitSubscription(spec, handler, resolved, connection, topology, (s) =>
        subscriptions.delete(s),
      );
      subscriptions.add(subscription);
      try {
        await subscription.start();
      } catch (error) {
        subscriptions.delete(subscription);
        throw topologyError(error);
      }
      return subscription;
    },

    async provision(channels: ReadonlyMap<string, ChannelBinding>): Promise<void> {
      if (closing) throw new ClosedError('rabbitmq transport');
      const model = await connection.readyWithin(resolved.connectTimeoutMs);
      await topology.provision(model, channels).catch((error: unknown) => {
        throw topologyError(error);
      });
    },

    // Per-delay TTL queues dead-lettering back to the group's queue (redelivery.ts); the subscription reads them.
    async prepareRedelivery(spec) {
      if (closing) throw new ClosedError('rabbitmq transport');
      const model = await connection.readyWithin(resolved.connectTimeoutMs);
      return prepareRabbitRedelivery(model, topology, (m) => publisher.publish(m), spec).catch((error: unknown) => {
        throw topologyError(error);
      });
    },

    close(): Promise<void> {
      closing ??= shutdown();
      return closing;
    },
  };
}

/** amqplib rejects a refused declaration with the broker's reply code (403, 404, 406...) on the error. */
function topologyError(error: unknown): unknown {
  if (isSdkError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = scrub(errorMessage(error));
  return new TopologyError('rabbitmq', message, !(typeof code === 'number' && code >= 400), { cause: error });
}
