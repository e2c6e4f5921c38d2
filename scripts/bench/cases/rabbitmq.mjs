// RabbitMQ: SDK publish (confirms, many in flight) and consume vs raw amqplib on a confirm channel with the same
// window and prefetch, for classic and quorum queues. Each arm has its own queue, declared fresh every round with
// the arguments the SDK declares (queue type, single active consumer), bound to one topic exchange of this run.
import { benchCodec } from '../lib/bench-codec.mjs';
import { requireFromSdk } from '../lib/load.mjs';
import { CHANNEL, EVENT_TYPE } from '../lib/payload.mjs';
import { alternate, median, messageCounter, rate } from '../lib/stats.mjs';
import { concurrently } from './kafka-publish.mjs';

const MESSAGES = 10_000;
const WINDOW = 256;
const PREFETCH = 256;

/** Publishes on a confirm channel and resolves on the broker's confirm (the window bounds amqplib's buffer). */
function confirmedPublish(channel, exchange, routingKey, content, options) {
  return new Promise((resolve, reject) => {
    channel.publish(exchange, routingKey, content, options, (error) => (error ? reject(error) : resolve()));
  });
}

/** The AMQP properties the SDK writes for an event (CloudEvents AMQP binary mode, docs/amqp-mapping.md). */
function sdkProperties(sdk, event) {
  const message = sdk.toTransportMessage(event, CHANNEL);
  const headers = { ...message.headers };
  for (const [name, value] of Object.entries(message.attributes)) headers[`cloudEvents:${name}`] = value;
  if (message.key !== undefined) headers['x-humangov-key'] = message.key;
  return {
    deliveryMode: 2,
    headers,
    contentType: message.contentType,
    messageId: event.id,
    timestamp: Math.floor(Date.parse(event.time) / 1000),
  };
}

export async function rabbitmq({ sdk, rabbitmq: sdkRabbit, events }, pool, { amqpUrl, runId, rounds, log }) {
  const amqp = requireFromSdk('amqplib');
  const exchange = `bench.${runId}`;
  const routingKey = CHANNEL;
  const codec = benchCodec(events, { amqpExchange: exchange });
  const admin = await amqp.connect(amqpUrl);
  const adminChannel = await admin.createChannel();
  await adminChannel.assertExchange(exchange, 'topic', { durable: true });
  const channels = new Map([[CHANNEL, { amqp: { exchange, exchangeType: 'topic', routingKey, durable: true } }]]);
  const at = (i) => pool[i % pool.length];
  const properties = pool.map((data) => sdkProperties(sdk, codec.create(EVENT_TYPE, data, { source: '/bench' })));
  const rows = [];
  const notes = [
    `${MESSAGES.toLocaleString('en-US')} persistent messages per arm and round: first all published (${WINDOW} in flight, each awaiting its confirm), then all consumed (prefetch ${PREFETCH}, manual ack per message; msg/s from first to last delivery). Each arm publishes to the same exchange into its own freshly declared queue (durable, \`x-single-active-consumer\`, as the SDK declares them).`,
    `SDK: \`createRabbitMqTransport({ queueType, prefetch: ${PREFETCH} })\`, \`createPublisher\` with ${WINDOW} concurrent callers, \`createRouter\` with a no-op handler (route concurrency 1). Raw: one amqplib confirm channel, \`JSON.stringify\` of the same data objects as the body, persistent, no headers; "+ the SDK's properties" adds the ${Object.keys(properties[0].headers).length} headers and the properties the SDK writes (same wire size). Consumer: a channel with \`prefetch(${PREFETCH})\`, \`JSON.parse\` and \`ack\` per message.`,
  ];

  try {
    for (const queueType of ['classic', 'quorum']) {
      const transport = sdkRabbit.createRabbitMqTransport({ url: amqpUrl, queueType, prefetch: PREFETCH, channels });
      const publisher = sdk.createPublisher({ transport, source: '/humangov/bench', codec });
      const rawConnection = await amqp.connect(amqpUrl);
      const rawPublish = await rawConnection.createConfirmChannel();
      const rawConsume = await rawConnection.createChannel();
      await rawConsume.prefetch(PREFETCH);
      const queueArguments = { 'x-queue-type': queueType, 'x-single-active-consumer': true };
      const freshQueue = async (name) => {
        await adminChannel.deleteQueue(name);
        await adminChannel.assertQueue(name, { durable: true, arguments: queueArguments });
        await adminChannel.bindQueue(name, exchange, routingKey);
      };
      const rawQueue = `bench.${runId}.raw-${queueType}`;
      // Warm-up: connections, exchange declaration, JIT.
      await freshQueue(rawQueue);
      await concurrently(1_000, WINDOW, (i) => publisher.publish(EVENT_TYPE, at(i)));
      await concurrently(1_000, WINDOW, (i) =>
        confirmedPublish(rawPublish, exchange, routingKey, Buffer.from(JSON.stringify(at(i))), properties[i % 1024]),
      );
      await adminChannel.deleteQueue(rawQueue);

      const results = {};
      const record = (arm, published, consumed, round) => {
        results[arm] ??= { publish: [], consume: [] };
        results[arm].publish.push(published);
        results[arm].consume.push(consumed);
        log(
          `  ${queueType} round ${round + 1}/${rounds} ${arm}: publish ${Math.round(published)}, consume ${Math.round(consumed)} msg/s`,
        );
      };
      const rawArm = (name, options) => ({
        name,
        run: async (round) => {
          await freshQueue(rawQueue);
          const elapsed = await concurrently(MESSAGES, WINDOW, (i) =>
            confirmedPublish(rawPublish, exchange, routingKey, Buffer.from(JSON.stringify(at(i))), options(i)),
          );
          const count = messageCounter(MESSAGES);
          const { consumerTag } = await rawConsume.consume(rawQueue, (msg) => {
            JSON.parse(msg.content.toString('utf8'));
            rawConsume.ack(msg);
            count.tick();
          });
          const consumed = await count.finished;
          await rawConsume.cancel(consumerTag);
          await adminChannel.deleteQueue(rawQueue);
          record(name, rate(MESSAGES, elapsed), consumed, round);
          return 0;
        },
      });
      const arms = [
        {
          name: 'SDK',
          run: async (round) => {
            const group = `bench.${runId}.sdk-${queueType}-${round}`;
            const queue = `${group}.${CHANNEL}`;
            await freshQueue(queue);
            const elapsed = await concurrently(MESSAGES, WINDOW, (i) => publisher.publish(EVENT_TYPE, at(i)));
            const count = messageCounter(MESSAGES);
            const router = sdk
              .createRouter({ transport, codec, group, shutdownOnSignals: false })
              .handle(EVENT_TYPE, () => count.tick());
            await router.start();
            const consumed = await count.finished;
            await router.close();
            // The router provisioned `<group>.dead-letter` (bound to the shared humangov.dead-letter exchange).
            for (const name of [queue, `${group}.dead-letter`]) await adminChannel.deleteQueue(name);
            record('SDK', rate(MESSAGES, elapsed), consumed, round);
            return 0;
          },
        },
        rawArm('raw amqplib', () => ({ persistent: true })),
        rawArm("raw amqplib + the SDK's properties", (i) => properties[i % pool.length]),
      ];
      try {
        await alternate(rounds, arms, () => {});
      } finally {
        await publisher.close();
        await transport.close();
        await adminChannel.deleteQueue(rawQueue).catch(() => {});
        await rawConnection.close();
      }
      for (const what of ['publish', 'consume']) {
        const ratio = median(results.SDK[what]) / median(results['raw amqplib'][what]);
        const vsHeaders = median(results.SDK[what]) / median(results["raw amqplib + the SDK's properties"][what]);
        rows.push({
          arm: `${queueType} ${what}: SDK`,
          samples: results.SDK[what],
          ratio: `${ratio.toFixed(2)}x raw, ${vsHeaders.toFixed(2)}x raw + properties`,
          target: '>= 0.9x raw',
          met: ratio >= 0.9,
        });
        rows.push(
          { arm: `${queueType} ${what}: raw amqplib`, samples: results['raw amqplib'][what], ratio: '1.00x' },
          {
            arm: `${queueType} ${what}: raw amqplib + the SDK's properties`,
            samples: results["raw amqplib + the SDK's properties"][what],
          },
        );
      }
    }
  } finally {
    await adminChannel.deleteExchange(exchange).catch(() => {});
    await admin.close();
  }
  return {
    id: 'rabbitmq',
    title: 'RabbitMQ publish with confirms and consume (1 KiB events)',
    unit: 'msg/s',
    notes,
    rows,
  };
}
