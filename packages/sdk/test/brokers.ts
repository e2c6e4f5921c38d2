/**
 * One HumanGov channel on a real broker, bound to a topic (Kafka) or exchange (RabbitMQ) of the test's own, with the
 * transport that serves it and the cleanup that deletes what the test made. For tests that run the same scenario
 * against both brokers.
 */
import { createKafkaTransport, type KafkaTransportEvent, type KafkaTransportOptions } from '../src/kafka.js';
import type { RabbitMqEvent, RabbitMqTransport, RabbitMqTransportOptions } from '../src/rabbitmq.js';
import type { ChannelBinding, Transport } from '../src/transport/port.js';
import { brokers, rawKafka, requireBroker, unique } from './kafka-broker.js';
import { connectRaw, rabbitFixture } from './rabbitmq-broker.js';
import type { Broker } from './services.js';

export interface BrokerKit {
  readonly broker: Broker;
  readonly transport: Transport;
  /** Lifecycle events of the transport, with `performance.now()` times. */
  readonly events: Array<{ readonly type: string; readonly at: number }>;
  /** Registers a consumer group whose broker objects (Kafka group, AMQP queue) cleanup deletes. */
  group(prefix: string): string;
  cleanup(): Promise<void>;
}

export interface KafkaKit extends BrokerKit {
  /** The topic the channel is bound to. */
  readonly topic: string;
}

export interface RabbitKit extends BrokerKit {
  /** The exchange the channel is bound to (routing key: the channel name). */
  readonly exchange: string;
}

export async function kafkaKit(
  channel: string,
  options: KafkaTransportOptions = {},
  partitions = 6,
): Promise<KafkaKit> {
  await requireBroker();
  const topic = unique(channel);
  const channels = new Map<string, ChannelBinding>([[channel, { kafka: { topic, partitions } }]]);
  const events: BrokerKit['events'] = [];
  const transport = createKafkaTransport({
    brokers,
    channels,
    ...options,
    onEvent: (e: KafkaTransportEvent) => {
      events.push({ type: e.type, at: performance.now() });
      options.onEvent?.(e);
    },
  });
  await transport.provision(channels);
  const groups: string[] = [];
  return {
    broker: 'kafka',
    topic,
    transport,
    events,
    group(prefix) {
      const g = unique(prefix);
      groups.push(g);
      return g;
    },
    async cleanup() {
      await transport.close();
      const admin = rawKafka().admin();
      await admin.connect();
      try {
        await admin.deleteGroups(groups).catch(() => {});
        await admin.deleteTopics({ topics: [topic, ...groups.map((g) => `${g}.dead-letter`)] }).catch(() => {});
      } finally {
        await admin.disconnect();
      }
    },
  };
}

export async function rabbitKit(channel: string, options: RabbitMqTransportOptions = {}): Promise<RabbitKit> {
  await (await connectRaw()).close();
  const fixture = rabbitFixture('kit');
  const exchange = `${fixture.exchange}.${channel}`;
  fixture.exchanges.add(exchange);
  const channels = new Map<string, ChannelBinding>([
    [channel, { amqp: { exchange, exchangeType: 'topic', routingKey: channel, durable: true } }],
  ]);
  const events: BrokerKit['events'] = [];
  const inner = fixture.createTransport({
    channels,
    confirmTimeoutMs: 15_000,
    reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 },
    ...options,
    onEvent: (e: RabbitMqEvent) => {
      events.push({ type: e.type, at: performance.now() });
      options.onEvent?.(e);
    },
  });
  await inner.provision(channels);
  // The router provisions the catalog's bindings of its channels. RabbitMQ's provision() rebinds a channel to the
  // binding it is given, over the transport's `channels` option (Kafka keeps the option's): unfiltered, the test's
  // channel would move onto the catalog's shared exchange. The router's dead-letter binding goes through.
  const transport: RabbitMqTransport = {
    name: inner.name,
    publish: (message, publishOptions) => inner.publish(message, publishOptions),
    subscribe: (spec, handler) => inner.subscribe(spec, handler),
    provision: (wanted) => inner.provision(new Map([...wanted].filter(([c]) => !channels.has(c)))),
    close: () => inner.close(),
  };
  return {
    broker: 'rabbitmq',
    exchange,
    transport,
    events,
    group(prefix) {
      const g = `${prefix}-${fixture.id}`;
      fixture.queues.add(`${g}.${channel}`);
      fixture.queues.add(`${g}.dead-letter`); // declared by the router
      return g;
    },
    cleanup: fixture.cleanup,
  };
}
