/**
 * Kafka (bindings 0.5.0) and AMQP 0-9-1 (bindings 0.3.0) bindings as tables: where a message goes on each broker.
 */
import type { ChannelModel } from '../transform/channel-object.js';
import { escapeHtml, table } from './html.js';

/**
 * One row per broker setting of a channel and its message: Kafka topic, partitions, replicas, key; AMQP exchange,
 * exchange type, durability, routing key. `message` rows are (protocol, setting, value).
 */
export function bindingsTable(
  channel: ChannelModel,
  message: readonly (readonly [string, string, string])[] = [],
): string {
  const rows: [string, string, string][] = [];
  if (channel.kafka) {
    rows.push(['Kafka', 'topic', channel.kafka.topic]);
    if (channel.kafka.partitions !== undefined) rows.push(['Kafka', 'partitions', String(channel.kafka.partitions)]);
    if (channel.kafka.replicas !== undefined) rows.push(['Kafka', 'replicas', String(channel.kafka.replicas)]);
  }
  rows.push(...message.filter((r) => r[0] === 'Kafka').map((r) => [...r] as [string, string, string]));
  if (channel.amqp) {
    rows.push(['AMQP 0-9-1', 'exchange', channel.amqp.exchange || '(default exchange)']);
    rows.push(['AMQP 0-9-1', 'exchange type', channel.amqp.exchangeType]);
    rows.push(['AMQP 0-9-1', 'durable', channel.amqp.durable ? 'yes' : 'no']);
    rows.push(['AMQP 0-9-1', 'routing key', channel.amqp.routingKey]);
  }
  rows.push(
    ...message.filter((r) => r[0] !== 'Kafka').map((r): [string, string, string] => ['AMQP 0-9-1', r[1], r[2]]),
  );
  return table(
    ['Broker', 'Setting', 'Value'],
    rows.map(([broker, setting, value]) => [
      escapeHtml(broker),
      escapeHtml(setting),
      `<code>${escapeHtml(value)}</code>`,
    ]),
    'bindings',
  );
}
