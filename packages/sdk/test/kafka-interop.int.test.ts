/**
 * Interoperability: what the SDK publisher writes to Kafka is a CloudEvent in binary content mode that another
 * implementation decodes, here the `cloudevents` npm package's Kafka binding.
 */
import { catalog, type EventMap } from '@humangov/events';
import { type KafkaMessage as CeKafkaMessage, type CloudEvent, Kafka as KafkaBinding } from 'cloudevents';
import type { KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublisher, type Publisher } from '../src/index.js';
import { createKafkaTransport } from '../src/kafka.js';
import { brokers, rawKafka, requireBroker, unique, waitFor } from './kafka-broker.js';

const withdrawn = catalog['benefit.application-withdrawn'].versions[1];
const topic = unique('interop');
const channels = new Map([[withdrawn.channel, { kafka: { topic, partitions: 1 } }]]);
const transport = createKafkaTransport({ brokers, channels });

beforeAll(requireBroker, 10_000);
afterAll(async () => {
  await transport.close();
  const admin = rawKafka().admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  await admin.disconnect();
}, 30_000);

describe('kafka interop', () => {
  it('decodes an SDK-published record with the cloudevents Kafka binding (binary mode)', async () => {
    await transport.provision(channels);
    const publisher: Publisher<EventMap> = createPublisher({ transport, source: '/humangov/benefits' });
    const data = withdrawn.examples[0]!;
    const sent = await publisher.publish('benefit.application-withdrawn', data, { correlationId: 'case-42' });

    const consumer = rawKafka().consumer({ groupId: unique('interop-reader'), maxWaitTimeInMs: 100 });
    const records: KafkaMessage[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void records.push(message) });
      await waitFor('the record', () => (records.length > 0 ? records : undefined));
    } finally {
      await consumer.disconnect();
    }

    const record = records[0]!;
    // cloudevents 10 decodes Kafka binary mode only with string header values (TOOLCHAIN.md); kafkajs gives Buffers.
    const headers = Object.fromEntries(Object.entries(record.headers ?? {}).map(([k, v]) => [k, String(v)]));
    const message: CeKafkaMessage = {
      key: record.key?.toString() ?? '',
      value: record.value?.toString() ?? '',
      headers,
      body: record.value?.toString(),
      timestamp: record.timestamp,
    };
    expect(KafkaBinding.isEvent(message)).toBe(true);
    const event = KafkaBinding.toEvent(message) as CloudEvent<unknown>;
    expect({
      id: event.id,
      type: event.type,
      source: event.source,
      specversion: event.specversion,
      datacontenttype: event.datacontenttype,
      version: event.version,
      correlationid: event.correlationid,
      partitionkey: event.partitionkey,
      data: event.data,
    }).toEqual({
      id: sent.id,
      type: 'benefit.application-withdrawn',
      source: '/humangov/benefits',
      specversion: '1.0',
      datacontenttype: 'application/json',
      version: '1',
      correlationid: 'case-42',
      partitionkey: data.application_id,
      data,
    });
    expect(record.key?.toString()).toBe(data.application_id);
  });
});
