// A codec over the HumanGov catalog whose benchmark channel is bound to this run's topic or exchange. The publisher
// and the router provision the catalog's bindings of their channels, so the catalog points at the run's own objects
// too (not only the transport's `channels` option): nothing of the run touches the shared humangov.* topics and
// exchanges that other processes on the same brokers use.
import { CHANNEL, EVENT_TYPE } from './payload.mjs';

export function benchCodec(events, { kafkaTopic, amqpExchange }) {
  const entry = events.humangov.catalog[EVENT_TYPE];
  const versions = Object.fromEntries(
    Object.entries(entry.versions).map(([version, definition]) => [
      version,
      {
        ...definition,
        ...(kafkaTopic && { kafka: { ...definition.kafka, topic: kafkaTopic } }),
        ...(amqpExchange && { amqp: { ...definition.amqp, exchange: amqpExchange, routingKey: CHANNEL } }),
      },
    ]),
  );
  const catalog = { ...events.humangov.catalog, [EVENT_TYPE]: { ...entry, versions } };
  return events.createCodec(catalog, { upcasters: events.upcasters });
}
