// Kafka consume: the SDK router (decode, validate, upcast check, no-op handler, ack -> offset commit) vs raw kafkajs
// eachMessage with JSON.parse, both reading the same pre-filled topic from the beginning with a fresh group per round.
import { benchCodec } from '../lib/bench-codec.mjs';
import { EVENT_TYPE } from '../lib/payload.mjs';
import { alternate, median, messageCounter } from '../lib/stats.mjs';
import { concurrently } from './kafka-publish.mjs';

export const CONSUME_MESSAGES = 50_000;

/** Fills `topic` through the SDK publisher, so the messages carry the SDK's binary-mode headers. */
export async function fill({ sdk, kafka, events }, pool, env, { brokers, topic, count }) {
  const transport = kafka.createKafkaTransport({ brokers, channels: env.channels(topic) });
  const codec = benchCodec(events, { kafkaTopic: topic });
  const publisher = sdk.createPublisher({ transport, source: '/humangov/bench', codec });
  await concurrently(count, 256, (i) => publisher.publish(EVENT_TYPE, pool[i % pool.length]));
  await publisher.close();
  await transport.close();
}

export async function kafkaConsume(modules, pool, env, { brokers, rounds, log, onTopic }) {
  const topic = await env.topic('consume');
  log(`  filling ${topic} with ${CONSUME_MESSAGES.toLocaleString('en-US')} events...`);
  await fill(modules, pool, env, { brokers, topic, count: CONSUME_MESSAGES });
  onTopic?.(topic);
  const transport = modules.kafka.createKafkaTransport({ brokers, channels: env.channels(topic) });
  const codec = benchCodec(modules.events, { kafkaTopic: topic });

  const arms = [
    {
      name: 'SDK router (no-op handler)',
      unit: 'msg/s',
      run: async (round) => {
        const count = messageCounter(CONSUME_MESSAGES);
        const router = modules.sdk
          .createRouter({ transport, codec, group: env.routerGroup(`sdk-consume-${round}`), shutdownOnSignals: false })
          .handle(EVENT_TYPE, () => count.tick());
        await router.start();
        const result = await count.finished;
        await router.close();
        return result;
      },
    },
    {
      name: 'raw kafkajs eachMessage + JSON.parse',
      unit: 'msg/s',
      run: async (round) => {
        const count = messageCounter(CONSUME_MESSAGES);
        const consumer = env.kafka.consumer({ groupId: env.group(`raw-consume-${round}`) });
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }) => {
            JSON.parse(message.value.toString('utf8'));
            count.tick();
          },
        });
        const result = await count.finished;
        await consumer.disconnect();
        return result;
      },
    },
  ];
  try {
    const samples = await alternate(rounds, arms, log);
    const [sdkArm, rawArm] = arms.map((a) => a.name);
    const ratio = median(samples[sdkArm]) / median(samples[rawArm]);
    return {
      id: 'kafka-consume',
      title: 'Kafka consume (1 KiB events)',
      unit: 'msg/s',
      notes: [
        `Both arms read the same ${CONSUME_MESSAGES.toLocaleString('en-US')} events (written by the SDK, so they carry its headers) from the start of one 6-partition topic, one consumer, a fresh group each round; msg/s from the first to the last message.`,
        'SDK: `createRouter` with its defaults (route concurrency 1 = kafkajs partitionsConsumedConcurrently 1, commit after each ack, coalesced). Raw: kafkajs defaults (eachMessage, autoCommit), `JSON.parse` of the value, nothing else.',
      ],
      rows: [
        {
          arm: sdkArm,
          samples: samples[sdkArm],
          ratio: `${ratio.toFixed(2)}x`,
          target: '>= 0.9x raw',
          met: ratio >= 0.9,
        },
        { arm: rawArm, samples: samples[rawArm], ratio: '1.00x' },
      ],
    };
  } finally {
    await transport.close();
  }
}
