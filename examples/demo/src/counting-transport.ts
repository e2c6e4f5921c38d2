import type { Transport } from '@humangov-examples/kit';

/**
 * Wraps a service's transport and records the id of every event it published on an event channel (not dead
 * letters, retries or replays): the demo's "published" side of published = consumed. A proxy, so the transport's
 * optional abilities (provisioning, delayed redelivery) stay visible to the SDK.
 */
export function countingTransport(transport: Transport, published: Set<string>): Transport {
  const publish: Transport['publish'] = async (message, options) => {
    await transport.publish(message, options);
    const id = message.attributes.id;
    if (id && !/dead-letter|\.retry\.|replayed/.test(message.channel)) published.add(id);
  };
  return new Proxy(transport, {
    get(target, property, receiver) {
      if (property === 'publish') return publish;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
