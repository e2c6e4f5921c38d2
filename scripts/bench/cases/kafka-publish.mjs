// Kafka publish: the SDK publisher under many concurrent callers vs raw kafkajs, per-message awaited send() and
// sequential sendBatch() of 100. All arms write the same data objects to the same topic, acks=all, idempotent
// producer (the SDK's settings), murmur2 partitioning by citizen_id.
import { benchCodec } from '../lib/bench-codec.mjs';
import { CHANNEL, EVENT_TYPE } from '../lib/payload.mjs';
import { alternate, median, rate } from '../lib/stats.mjs';

const SDK_MESSAGES = 20_000;
const CALLERS = 256;
const BATCH_MESSAGES = 20_000;
const BATCH_SIZE = 100;
const SEND_MESSAGES = 1_000;

/** `count` calls of `one(i)`, at most `concurrency` at once; resolves with the elapsed milliseconds. */
export async function concurrently(count, concurrency, one) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await one(next++);
    }),
  );
  return performance.now() - started;
}

/** The Kafka headers the SDK writes for an event (CloudEvents binary mode), to give a raw arm the same wire size. */
export function sdkHeaders(sdk, event) {
  const message = sdk.toTransportMessage(event, CHANNEL);
  const headers = { ...message.headers };
  for (const [name, value] of Object.entries(message.attributes)) headers[`ce_${name}`] = value;
  headers['content-type'] = message.contentType;
  return headers;
}

export async function kafkaPublish({ sdk, kafka: sdkKafka, events }, pool, env, { brokers, rounds, log }) {
  const topic = await env.topic('publish');
  const codec = benchCodec(events, { kafkaTopic: topic });
  const transport = sdkKafka.createKafkaTransport({ brokers, channels: env.channels(topic) });
  const publisher = sdk.createPublisher({ transport, source: '/humangov/bench', codec });
  const producer = env.kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: env.Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const at = (i) => pool[i % pool.length];
  const headers = pool.map((data) => sdkHeaders(sdk, codec.create(EVENT_TYPE, data, { source: '/humangov/bench' })));
  const headerBytes = Object.entries(headers[0]).reduce((n, [k, v]) => n + k.length + Buffer.byteLength(v), 0);
  const record = (i) => ({ key: at(i).citizen_id, value: JSON.stringify(at(i)) });
  const recordWithHeaders = (i) => ({ ...record(i), headers: headers[i % pool.length] });
  const batches = (make) => async () => {
    const started = performance.now();
    for (let i = 0; i < BATCH_MESSAGES; i += BATCH_SIZE) {
      const messages = [];
      for (let j = i; j < i + BATCH_SIZE; j++) messages.push(make(j));
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });
    }
    return rate(BATCH_MESSAGES, performance.now() - started);
  };

  // Warm-up: connections, metadata, JIT.
  await concurrently(2_000, CALLERS, (i) => publisher.publish(EVENT_TYPE, at(i)));
  for (let i = 0; i < 2_000; i += BATCH_SIZE) {
    const messages = Array.from({ length: BATCH_SIZE }, (_, j) => recordWithHeaders(i + j));
    await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });
  }
  for (let i = 0; i < 50; i++) await producer.send({ topic, acks: -1, messages: [record(i)] });

  const arms = [
    {
      name: `SDK publish(), ${CALLERS} concurrent callers`,
      unit: 'msg/s',
      run: async () =>
        rate(SDK_MESSAGES, await concurrently(SDK_MESSAGES, CALLERS, (i) => publisher.publish(EVENT_TYPE, at(i)))),
    },
    { name: `raw kafkajs sendBatch() of ${BATCH_SIZE}, sequential`, unit: 'msg/s', run: batches(record) },
    {
      name: `raw kafkajs sendBatch() of ${BATCH_SIZE} + the SDK's headers`,
      unit: 'msg/s',
      run: batches(recordWithHeaders),
    },
    {
      name: 'raw kafkajs send() per message, awaited',
      unit: 'msg/s',
      run: async () => {
        const started = performance.now();
        for (let i = 0; i < SEND_MESSAGES; i++) await producer.send({ topic, acks: -1, messages: [record(i)] });
        return rate(SEND_MESSAGES, performance.now() - started);
      },
    },
  ];
  try {
    const samples = await alternate(rounds, arms, log);
    const [sdkArm, batchArm, headersArm, sendArm] = arms.map((a) => a.name);
    const ratio = (arm) => median(samples[sdkArm]) / median(samples[arm]);
    return {
      id: 'kafka-publish',
      title: 'Kafka publish (1 KiB events)',
      unit: 'msg/s',
      notes: [
        `SDK: ${SDK_MESSAGES.toLocaleString('en-US')} \`publish()\` calls from ${CALLERS} concurrent callers, each awaiting its broker ack (transport defaults). Raw: the same data objects, \`JSON.stringify\` as the value, citizen_id as the key; ${BATCH_MESSAGES.toLocaleString('en-US')} messages in sequential \`sendBatch()\` calls of ${BATCH_SIZE} (without headers, and with the ${Object.keys(headers[0]).length} headers the SDK writes, ${headerBytes} bytes of names and values per record), and ${SEND_MESSAGES.toLocaleString('en-US')} awaited \`send()\` calls of one message without headers.`,
        'Every arm: acks=all, idempotent producer, maxInFlightRequests 1, murmur2 partitioner, one topic of 6 partitions.',
      ],
      rows: [
        {
          arm: sdkArm,
          samples: samples[sdkArm],
          ratio: `${ratio(batchArm).toFixed(2)}x sendBatch, ${ratio(headersArm).toFixed(2)}x sendBatch + headers, ${ratio(sendArm).toFixed(1)}x send`,
          target: '>= 0.9x sendBatch and >= 5x send',
          met: ratio(batchArm) >= 0.9 && ratio(sendArm) >= 5,
        },
        { arm: batchArm, samples: samples[batchArm], ratio: '1.00x' },
        { arm: headersArm, samples: samples[headersArm] },
        { arm: sendArm, samples: samples[sendArm] },
      ],
    };
  } finally {
    await publisher.close();
    await transport.close();
    await producer.disconnect();
  }
}
