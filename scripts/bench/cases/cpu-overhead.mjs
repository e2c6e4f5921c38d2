// CPU the SDK adds per message beyond JSON serialize/parse, without a broker. The SDK arms run the real publisher
// and router over a fake transport (an object literal that accepts every publish and hands us the router's
// delivery function), so everything but the broker client is measured; the baselines are JSON.stringify + UTF-8
// encode, and UTF-8 decode + JSON.parse, of the same data.

import { CHANNEL, EVENT_TYPE } from '../lib/payload.mjs';
import { alternate, median } from '../lib/stats.mjs';

const ITERATIONS = 100_000; // GC bursts land unevenly in shorter rounds (30,000 gave ranges 1.5 us wide)
const WARMUP = 20_000;

/** CPU microseconds (user + system, all threads) per call of `step`, over `count` sequential awaited calls. */
async function cpuPerCall(count, step) {
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) await step(i);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / count;
}

/** Same for synchronous steps, without the await (the baselines are synchronous). */
function cpuPerCallSync(count, step) {
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) step(i);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / count;
}

async function fixture({ sdk, events }, pool) {
  const published = [];
  const fakeTransport = {
    publish: async (message) => {
      if (published.length < pool.length) published.push(message);
    },
    close: async () => {},
  };
  const publisher = sdk.createPublisher({ transport: fakeTransport, source: '/humangov/bench' });
  for (const data of pool) await publisher.publish(EVENT_TYPE, data);

  let deliver;
  const router = sdk.createRouter({
    transport: {
      ...fakeTransport,
      subscribe: async (_spec, handler) => {
        deliver = handler;
        return { close: async () => {} };
      },
    },
    group: 'bench-cpu',
    shutdownOnSignals: false,
  });
  let handled = 0;
  router.handle(EVENT_TYPE, () => {
    handled++;
  });
  await router.start();
  const settled = async () => {};
  const received = published.map((m, i) => ({
    ...m,
    body: Buffer.from(m.body),
    partition: 0,
    offset: String(i),
    deliveryAttempt: 1,
    ack: settled,
    nack: settled,
  }));
  return { publisher, deliver, received, codec: events.humangov, handled: () => handled };
}

export async function cpuOverhead(modules, pool, { rounds, log }) {
  const { sdk } = modules;
  const f = await fixture(modules, pool);
  const n = pool.length;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const data = (i) => pool[i % n];
  const msg = (i) => f.received[i % n];

  // Each arm takes its call count, so the same function warms up and measures.
  const arms = {
    'JSON.stringify + encode': (count) => cpuPerCallSync(count, (i) => encoder.encode(JSON.stringify(data(i)))),
    'SDK publish() (fake transport)': (count) => cpuPerCall(count, (i) => f.publisher.publish(EVENT_TYPE, data(i))),
    'decode + JSON.parse': (count) => cpuPerCallSync(count, (i) => JSON.parse(decoder.decode(msg(i).body))),
    'SDK router delivery (fake transport)': (count) => cpuPerCall(count, (i) => f.deliver(msg(i))),
  };
  // Where the SDK's time goes, step by step (informational; the rows above are what the target applies to).
  const events = pool.map((d) => f.codec.create(EVENT_TYPE, d, { source: '/humangov/bench' }));
  const decoded = f.received.map((m) => sdk.fromTransportMessage(m).value);
  const parts = {
    'codec.create (walk, clone, validate, envelope, freeze)': (count) =>
      cpuPerCallSync(count, (i) => f.codec.create(EVENT_TYPE, data(i), { source: '/humangov/bench' })),
    'toTransportMessage (incl. JSON.stringify + encode)': (count) =>
      cpuPerCallSync(count, (i) => sdk.toTransportMessage(events[i % n], CHANNEL)),
    'fromTransportMessage (incl. decode + JSON.parse)': (count) =>
      cpuPerCallSync(count, (i) => sdk.fromTransportMessage(msg(i))),
    'codec.validate (walk, clone, validate, freeze)': (count) =>
      cpuPerCallSync(count, (i) => f.codec.validate(decoded[i % n])),
  };
  for (const run of [...Object.values(arms), ...Object.values(parts)]) await run(WARMUP);
  const toArms = (table) =>
    Object.entries(table).map(([name, run]) => ({ name, unit: 'us/msg', run: () => run(ITERATIONS) }));
  const samples = await alternate(rounds, toArms(arms), log);
  const partSamples = await alternate(Math.min(rounds, 3), toArms(parts), log);
  const diff = (a, b) => samples[a].map((v, i) => v - samples[b][i]);
  const addsPublish = diff('SDK publish() (fake transport)', 'JSON.stringify + encode');
  const addsConsume = diff('SDK router delivery (fake transport)', 'decode + JSON.parse');
  if (f.handled() === 0) throw new Error('cpu-overhead: the router handled nothing');
  await f.publisher.close();
  const target = 5;
  return {
    id: 'cpu',
    title: 'CPU the SDK adds per message (no broker)',
    unit: 'us/msg',
    notes: [
      `${ITERATIONS.toLocaleString('en-US')} sequential calls per arm and round after ${WARMUP.toLocaleString('en-US')} warm-up calls; CPU time from process.cpuUsage() (user + system, all threads, so GC helper threads count).`,
      "SDK arms: `createPublisher` / `createRouter` over an object-literal transport (publish resolves at once; the router's delivery function is called directly with ready-made messages, handler is a no-op). OpenTelemetry API without an SDK registered (no-op spans), no lifecycle listeners.",
      '"SDK adds" = SDK arm minus its JSON baseline, per round. The "where it goes" rows are the steps measured alone.',
    ],
    rows: [
      ...[
        'JSON.stringify + encode',
        'SDK publish() (fake transport)',
        'decode + JSON.parse',
        'SDK router delivery (fake transport)',
      ].map((arm) => ({ arm, samples: samples[arm] })),
      {
        arm: 'SDK adds on publish',
        samples: addsPublish,
        target: `<= ${target} us`,
        met: median(addsPublish) <= target,
      },
      {
        arm: 'SDK adds on consume',
        samples: addsConsume,
        target: `<= ${target} us`,
        met: median(addsConsume) <= target,
      },
      ...Object.keys(parts).map((arm) => ({ arm: `where it goes: ${arm}`, samples: partSamples[arm] })),
    ],
  };
}
