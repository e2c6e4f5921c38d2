import { type BatchPublisher, isBatchPublisher, type TransportMessage } from '@humangov/sdk';
import type { Transport } from '@humangov-examples/kit';

/**
 * Wraps a service's transport and records the id of every event it published on an event channel (not dead
 * letters, retries or replays): the demo's "published" side of published = consumed. A proxy, so the transport's
 * optional abilities (provisioning, delayed redelivery) stay visible to the SDK; `publishBatch` (Kafka: what the
 * outbox relay publishes with) is counted like `publish`.
 */
export function countingTransport(transport: Transport, published: Set<string>): Transport {
  const record = (message: TransportMessage) => {
    const id = message.attributes.id;
    if (id && !/dead-letter|\.retry\.|replayed/.test(message.channel)) published.add(id);
  };
  const publish: Transport['publish'] = async (message, options) => {
    await transport.publish(message, options);
    record(message);
  };
  const publishBatch =
    (batches: BatchPublisher): BatchPublisher['publishBatch'] =>
    async (messages, options) => {
      await batches.publishBatch(messages, options);
      for (const message of messages) record(message);
    };
  const counted = isBatchPublisher(transport) ? publishBatch(transport) : undefined;
  return new Proxy(transport, {
    get(target, property, receiver) {
      if (property === 'publish') return publish;
      if (property === 'publishBatch' && counted) return counted;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
