import { type Catalog, catalog as humangovCatalog } from '@humangov/events';
import type { ChannelBinding } from './transport/port.js';

/**
 * The broker bindings of every channel in a catalog (Kafka topic, AMQP exchange and routing key), for transports
 * and `provision()`. Versions of one event share a channel; the latest version's binding wins if they differ.
 */
export function channelBindings(catalog: Catalog): Map<string, ChannelBinding> {
  const bindings = new Map<string, ChannelBinding>();
  for (const entry of Object.values(catalog)) {
    for (const version of Object.values(entry.versions)) {
      bindings.set(version.channel, {
        ...(version.kafka && { kafka: version.kafka }),
        ...(version.amqp && { amqp: version.amqp }),
      });
    }
  }
  return bindings;
}

let cached: ReadonlyMap<string, ChannelBinding> | undefined;
/** The bindings of the HumanGov catalog, computed once: the transports' default `channels`. */
export function humangovBindings(): ReadonlyMap<string, ChannelBinding> {
  cached ??= channelBindings(humangovCatalog);
  return cached;
}
