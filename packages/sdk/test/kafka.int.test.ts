/**
 * The Kafka transport against a real broker (KAFKA_BROKERS, default 127.0.0.1:9092): wire format, batching,
 * provisioning, confirm timeouts and credential scrubbing. Consumer behaviour is in kafka-consumer.int.test.ts; broker
 * faults (freeze, restart) in kafka.fault.test.ts.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { type IHeaders, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSdkError } from '../src/errors.js';
import { createKafkaTransport, type KafkaTransportEvent } from '../src/kafka.js';
import type { Transport } from '../src/transport/port.js';
import { brokers, message, rawKafka, requireBroker, unique, waitFor } from './kafka-broker.js';

const open: Transport[] = [];
const track = <T extends Transport>(t: T): T => {
  open.push(t);
  return t;
};

beforeAll(requireBroker, 10_000);
afterAll(async () => {
  await Promise.allSettled(open.map((t) => t.close()));
});

const decode = (headers: IHeaders | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(v)]));

describe('kafka transport: publishing', { timeout: 20_000 }, () => {
  it('writes CloudEvents binary mode: ce_ headers, content-type, key, raw body', async () => {
    const topic = unique('wire');
    const transport = track(createKafkaTransport({ brokers }));
    await transport.provision(new Map([[topic, { kafka: { topic, partitions: 1 } }]]));
    const sent = message(topic, 'wire-1', { key: 'citizen-42' });
    await transport.publish(sent);

    // A short long-poll, so disconnect() does not wait out kafkajs's default 5 s fetch.
    const consumer = rawKafka().consumer({ groupId: unique('raw'), maxWaitTimeInMs: 100 });
    const records: Array<{ key: string | undefined; value: string; headers: Record<string, string> }> = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message: m }) => {
        records.push({ key: m.key?.toString(), value: m.value?.toString() ?? '', headers: decode(m.headers) });
      },
    });
    try {
      const [record] = await waitFor('the raw record', () => (records.length > 0 ? records : undefined));
      expect(record).toEqual({
        key: 'citizen-42',
        value: JSON.stringify({ id: 'wire-1' }),
        headers: {
          ce_id: 'wire-1',
          ce_type: 'gov.humangov.test.Happened',
          ce_source: '/humangov/sdk-test',
          ce_specversion: '1.0',
          'content-type': 'application/json',
          traceparent: sent.headers.traceparent,
        },
      });
    } finally {
      await consumer.disconnect();
    }
  });

  it('batches 2000 concurrent publishes into a few produce requests, each caller resolved', async () => {
    const topic = unique('batch');
    const flushes: Array<Extract<KafkaTransportEvent, { type: 'producer.flush' }>> = [];
    const transport = track(
      createKafkaTransport({ brokers, onEvent: (e) => e.type === 'producer.flush' && flushes.push(e) }),
    );
    await transport.provision(new Map([[topic, { kafka: { topic, partitions: 3 } }]]));
    await transport.publish(message(topic, 'warm-up')); // connects the producer outside the measurement
    flushes.length = 0;

    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: 2000 }, (_, i) => transport.publish(message(topic, `m-${i}`, { key: `k-${i % 50}` }))),
    );
    const ms = performance.now() - started;
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(flushes.reduce((n, f) => n + f.messages, 0)).toBe(2000);
    expect(flushes.length).toBeLessThanOrEqual(20);
    console.info(`kafka: 2000 publishes in ${ms.toFixed(0)} ms, ${flushes.length} produce requests`);

    const admin = rawKafka().admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(2001);
    } finally {
      await admin.disconnect();
    }
  });

  it('provision creates topics with the binding partitions, idempotently', async () => {
    const a = unique('prov-a');
    const b = unique('prov-b');
    const transport = track(createKafkaTransport({ brokers }));
    const channels = new Map([
      [a, { kafka: { topic: a, partitions: 3 } }],
      [b, {}],
    ]);
    await transport.provision(channels);
    await transport.provision(channels); // existing topics are fine
    const admin = rawKafka().admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [a, b] });
      const partitions = Object.fromEntries(topics.map((t) => [t.name, t.partitions.length]));
      expect(partitions).toEqual({ [a]: 3, [b]: 6 });
    } finally {
      await admin.disconnect();
    }
  });

  it('routes a channel to the topic of its binding', async () => {
    const channel = unique('channel');
    const topic = `${channel}.topic`;
    const channels = new Map([[channel, { kafka: { topic, partitions: 1 } }]]);
    const transport = track(createKafkaTransport({ brokers, channels }));
    await transport.provision(channels);
    await transport.publish(message(channel, 'routed'));
    const admin = rawKafka().admin();
    await admin.connect();
    try {
      const [offset] = await admin.fetchTopicOffsets(topic);
      expect(offset?.high).toBe('1');
    } finally {
      await admin.disconnect();
    }
  });

  it('puts each key on the partition other Kafka clients pick for it (murmur2), from publish and publishBatch', async () => {
    const topic = unique('partitions');
    const transport = track(createKafkaTransport({ brokers }));
    await transport.provision(new Map([[topic, { kafka: { topic, partitions: 6 } }]]));
    const keys = Array.from({ length: 60 }, (_, i) => (i % 2 ? `citizen-${i}` : `ünïcode-${i}-✓`));
    await Promise.all(keys.slice(0, 30).map((key) => transport.publish(message(topic, `p-${key}`, { key }))));
    await transport.publishBatch(keys.slice(30).map((key) => message(topic, `b-${key}`, { key })));

    const expected = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: 6 }, (_, partitionId) => ({
      partitionErrorCode: 0,
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
    }));
    const consumer = rawKafka().consumer({ groupId: unique('raw'), maxWaitTimeInMs: 100 });
    const seen = new Map<string, number>();
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message: m }) => void seen.set(m.key?.toString() ?? '', partition),
    });
    try {
      await waitFor('every record', () => (seen.size === keys.length ? seen : undefined));
      for (const key of keys) {
        expect(seen.get(key), key).toBe(expected({ topic, partitionMetadata, message: { key, value: null } }));
      }
      expect(new Set(seen.values()).size).toBe(6); // the keys spread over every partition
    } finally {
      await consumer.disconnect();
    }
  });
});

describe('kafka transport: failures', { timeout: 20_000 }, () => {
  it('rejects with PublishTimeoutError when the broker accepts TCP but never answers', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((s) => {
      sockets.add(s);
      s.on('error', () => {});
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const transport = createKafkaTransport({ brokers: [`127.0.0.1:${address.port}`], confirmTimeoutMs: 1_000 });
    const started = performance.now();
    try {
      const error = await transport.publish(message('silent', 'never')).catch((e: unknown) => e);
      const elapsed = performance.now() - started;
      expect(isSdkError(error, 'HUMANGOV_PUBLISH_TIMEOUT')).toBe(true);
      expect(elapsed).toBeGreaterThanOrEqual(950);
      expect(elapsed).toBeLessThan(2_500);
    } finally {
      await transport.close();
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('keeps SASL credentials out of errors and logs', async () => {
    const password = 'hunter2-very-secret';
    const username = 'scrub-user-x';
    const logged: string[] = [];
    const log = (text: string, fields?: Readonly<Record<string, unknown>>): void => {
      logged.push(text, JSON.stringify(fields ?? {}));
    };
    const transport = createKafkaTransport({
      brokers,
      sasl: { mechanism: 'plain', username, password },
      confirmTimeoutMs: 3_000,
      logger: { warn: log, error: log },
    });
    try {
      const error = await transport.publish(message('scrub', 'x')).catch((e: unknown) => e);
      expect(isSdkError(error, 'HUMANGOV_CONNECTION_FAILED')).toBe(true); // the broker has no SASL listener
      const seen = [String(error), JSON.stringify(error), String((error as Error).cause), ...logged].join('\n');
      expect(seen).not.toContain(password);
      expect(seen).not.toContain(username);
    } finally {
      await transport.close();
    }
  });

  it('rejects publish after close with ClosedError', async () => {
    const transport = createKafkaTransport({ brokers });
    await transport.close();
    const error = await transport.publish(message('closed', 'x')).catch((e: unknown) => e);
    expect(isSdkError(error, 'HUMANGOV_TRANSPORT_CLOSED')).toBe(true);
  });
});
