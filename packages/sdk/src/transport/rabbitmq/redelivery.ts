import type { ChannelModel } from 'amqplib';
import type { ChannelBinding, Redelivery, RedeliverySpec, TransportMessage } from '../port.js';
import type { Topology } from './topology.js';

/**
 * Broker-side delayed redelivery: one durable classic queue per (group queue, delay), `<queue>.retry.<delayMs>`,
 * with `x-message-ttl` = the delay and the default exchange as dead-letter exchange, routing key = the group's
 * own queue. A message written there waits out the TTL on the broker and comes back to that group only (not to
 * every queue bound to the original exchange), with its headers; nothing consumes the delay queues. One TTL per
 * queue keeps expiry in order (RabbitMQ expires only from the head of a queue).
 */
export async function prepareRabbitRedelivery(
  model: ChannelModel,
  topology: Topology,
  publish: (message: TransportMessage) => Promise<void>,
  spec: RedeliverySpec,
): Promise<Redelivery> {
  const delayChannels = new Map<string, string>();
  const bindings = new Map<string, ChannelBinding>();
  const ch = await model.createChannel();
  ch.on('error', () => {});
  try {
    for (const channel of spec.channels) {
      const target = topology.queueName(spec.group, channel);
      for (const delayMs of spec.delaysMs) {
        const queue = `${target}.retry.${delayMs}`;
        await ch.assertQueue(queue, {
          durable: true,
          arguments: {
            'x-queue-type': 'classic',
            'x-message-ttl': delayMs,
            'x-dead-letter-exchange': '',
            'x-dead-letter-routing-key': target,
          },
        });
        delayChannels.set(`${channel}\u0000${delayMs}`, queue);
        bindings.set(queue, { amqp: { exchange: '', exchangeType: 'default', routingKey: queue, durable: true } });
      }
    }
  } finally {
    await ch.close().catch(() => {});
  }
  await topology.provision(model, bindings);
  return {
    async later(message, delayMs) {
      const queue = delayChannels.get(`${message.channel}\u0000${delayMs}`);
      if (queue === undefined)
        throw new RangeError(`rabbitmq: no delay queue prepared for ${message.channel} ${delayMs} ms`);
      await publish({ ...message, channel: queue });
    },
    async close() {},
  };
}
