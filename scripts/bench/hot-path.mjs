#!/usr/bin/env node
// The SDK's per-message hot path without a broker: codec steps, publisher.publish and router delivery over
// object-literal transports, and a publish -> deliver round trip over the memory transport. CPU time per call
// (process.cpuUsage: user + system, all threads). Imports the BUILT packages; build them first:
//
//   pnpm --filter @humangov/events build && pnpm --filter @humangov/sdk build
//   node scripts/bench/hot-path.mjs [--rounds 5] [--iterations 20000] [--only create,publish,...]
//     [--baseline DIR]              also measure another build, arms interleaved in the same process;
//                                   DIR/node_modules/@humangov/{events,sdk} hold its package.json + dist
//     [--profile ARM --seconds 20]  run one arm in a loop (for `node --cpu-prof scripts/bench/hot-path.mjs ...`)
//
// "SDK adds" rows are the metric: publish minus JSON.stringify + encode, delivery minus decode +
// JSON.parse, per round. Prints a Markdown table; writes nothing.
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSdk } from './lib/load.mjs';
import { CHANNEL, dataPool, EVENT_TYPE } from './lib/payload.mjs';
import { formatNumber, median } from './lib/stats.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    iterations: { type: 'string', default: '20000' },
    only: { type: 'string' },
    baseline: { type: 'string' },
    profile: { type: 'string' },
    seconds: { type: 'string', default: '20' },
  },
});
const rounds = Number(values.rounds);
const iterations = Number(values.iterations);
const log = (line) => process.stderr.write(`${line}\n`);
const SOURCE = '/humangov/bench';

async function loadBaseline(dir) {
  const entry = (name) => pathToFileURL(path.join(dir, 'node_modules/@humangov', name, 'dist/index.js')).href;
  const [events, sdk] = await Promise.all([import(entry('events')), import(entry('sdk'))]);
  return { events, sdk };
}

/** CPU microseconds per call over `count` calls; awaits only when a step returns a promise. */
async function cpuPerCall(count, step) {
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const result = step(i);
    if (result !== undefined && typeof result.then === 'function') await result;
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / count;
}

/** The arms of one build: each is `(i) => result` over a pool of 1 KiB events. */
async function armsOf({ events, sdk }, pool) {
  const codec = events.humangov;
  const n = pool.length;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  const published = [];
  const noopTransport = {
    publish: async (message) => {
      if (published.length < n) published.push(message);
    },
    close: async () => {},
  };
  const publisher = sdk.createPublisher({ transport: noopTransport, source: SOURCE });
  for (const data of pool) await publisher.publish(EVENT_TYPE, data);

  // The router's delivery function, called directly with ready-made received messages.
  const settled = async () => {};
  const received = (message, i) => ({
    ...message,
    body: Buffer.from(message.body),
    partition: 0,
    offset: String(i),
    deliveryAttempt: 1,
    ack: settled,
    nack: settled,
  });
  let handled = 0;
  const routerOver = async (group, handle) => {
    let deliver;
    const router = sdk.createRouter({
      transport: {
        ...noopTransport,
        subscribe: async (_spec, handler) => {
          deliver = handler;
          return { close: async () => {} };
        },
      },
      group,
      shutdownOnSignals: false,
    });
    handle(router);
    await router.start();
    return deliver;
  };
  const deliver = await routerOver('bench-hot', (r) => r.handle(EVENT_TYPE, () => void handled++));
  const messages = published.map(received);

  // citizen.registered v1 delivered to a v2 handler: decode -> validate -> upcast -> handler.
  const v1Data = events.catalog['citizen.registered'].versions[1].examples[0];
  const v1Event = codec.create('citizen.registered', v1Data, { version: 1, source: SOURCE });
  const v1Message = received(sdk.toTransportMessage(v1Event, 'citizen.registered'), 0);
  const deliverUpcast = await routerOver('bench-upcast', (r) => r.handle('citizen.registered', () => void handled++));

  // Memory transport: publish a batch, then wait until the router handled all of it.
  const transport = sdk.createMemoryTransport({ partitions: 6, retention: 10_000 });
  const memoryPublisher = sdk.createPublisher({ transport, source: SOURCE });
  let memoryHandled = 0;
  let waiting;
  const memoryRouter = sdk.createRouter({ transport, group: 'bench-memory', shutdownOnSignals: false });
  memoryRouter.handle(EVENT_TYPE, () => {
    memoryHandled++;
    if (waiting && memoryHandled >= waiting.until) waiting.resolve();
  });
  await memoryRouter.start();
  const BATCH = 500;
  const memoryBatch = async (i) => {
    const until = memoryHandled + BATCH;
    const done = new Promise((resolve) => {
      waiting = { until, resolve };
    });
    await Promise.all(Array.from({ length: BATCH }, (_, j) => memoryPublisher.publish(EVENT_TYPE, pool[(i + j) % n])));
    await done;
  };

  const created = pool.map((d) => codec.create(EVENT_TYPE, d, { source: SOURCE }));
  const serialized = created.map((e) => codec.serialize(e));
  const decoded = messages.map((m) => sdk.fromTransportMessage(m).value);
  return {
    handled: () => handled,
    close: async () => {
      await memoryRouter.close();
      await transport.close();
    },
    arms: {
      'json-stringify': {
        label: 'JSON.stringify + encode (baseline)',
        step: (i) => encoder.encode(JSON.stringify(pool[i % n])),
      },
      'json-parse': {
        label: 'decode + JSON.parse (baseline)',
        step: (i) => JSON.parse(decoder.decode(messages[i % n].body)),
      },
      create: { label: 'codec.create', step: (i) => codec.create(EVENT_TYPE, pool[i % n], { source: SOURCE }) },
      serialize: { label: 'codec.serialize (structured mode)', step: (i) => codec.serialize(created[i % n]) },
      parse: { label: 'codec.parse (structured-mode bytes)', step: (i) => codec.parse(serialized[i % n]) },
      validate: { label: 'codec.validate (frozen event)', step: (i) => codec.validate(created[i % n]) },
      'to-transport': { label: 'toTransportMessage', step: (i) => sdk.toTransportMessage(created[i % n], CHANNEL) },
      'from-transport': { label: 'fromTransportMessage', step: (i) => sdk.fromTransportMessage(messages[i % n]) },
      'validate-owned': {
        label: 'fromTransportMessage + codec.validateOwned',
        step: (i) => codec.validateOwned(sdk.fromTransportMessage(messages[i % n]).value),
        skip: typeof codec.validateOwned !== 'function',
      },
      publish: {
        label: 'publisher.publish (no-op transport)',
        step: (i) => publisher.publish(EVENT_TYPE, pool[i % n]),
      },
      deliver: { label: 'router delivery (no-op handler)', step: (i) => deliver(messages[i % n]) },
      upcast: { label: 'router delivery, v1 -> v2 upcast', step: () => deliverUpcast(v1Message) },
      memory: {
        label: 'memory transport publish + deliver',
        step: (i) => memoryBatch(i),
        perCall: BATCH,
      },
    },
    decodedSample: decoded[0],
  };
}

const pool = dataPool();
const builds = [{ name: 'current', modules: await loadSdk() }];
if (values.baseline) builds.push({ name: 'baseline', modules: await loadBaseline(values.baseline) });
for (const build of builds) build.bench = await armsOf(build.modules, pool);
const armIds = Object.keys(builds[0].bench.arms).filter((id) => !values.only || values.only.split(',').includes(id));

if (values.profile) {
  const arm = builds[0].bench.arms[values.profile];
  if (!arm) throw new Error(`no arm ${values.profile}; arms: ${armIds.join(', ')}`);
  const until = performance.now() + Number(values.seconds) * 1000;
  let calls = 0;
  while (performance.now() < until) {
    await cpuPerCall(1000, arm.step);
    calls += 1000;
  }
  log(`profile: ${values.profile}: ${calls * (arm.perCall ?? 1)} messages`);
  for (const build of builds) await build.bench.close();
  process.exit(0);
}

log(
  `hot-path: ${rounds} rounds x ${iterations} calls; load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const run = (bench, id, count) => {
  const arm = bench.arms[id];
  const calls = Math.max(1, Math.round(count / (arm.perCall ?? 1)));
  return cpuPerCall(calls, arm.step).then((us) => us / (arm.perCall ?? 1));
};
// Warm up every arm of every build, then alternate builds and arms (reversed every other round).
for (const build of builds)
  for (const id of armIds) if (!build.bench.arms[id].skip) await run(build.bench, id, iterations / 2);
const samples = new Map();
const cells = builds.flatMap((build) => armIds.filter((id) => !build.bench.arms[id].skip).map((id) => [build, id]));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? cells : [...cells].reverse();
  for (const [build, id] of order) {
    const key = `${build.name}:${id}`;
    const us = await run(build.bench, id, iterations);
    if (!samples.has(key)) samples.set(key, []);
    samples.get(key).push(us);
  }
  log(`  round ${round + 1}/${rounds} done`);
}
for (const build of builds) {
  const s = (id) => samples.get(`${build.name}:${id}`);
  const diff = (a, b) => (s(a) && s(b) ? s(a).map((v, i) => v - s(b)[i]) : undefined);
  const adds = [
    ['adds-publish', 'SDK adds on publish (publish - JSON.stringify + encode)', diff('publish', 'json-stringify')],
    ['adds-consume', 'SDK adds on consume (delivery - decode + JSON.parse)', diff('deliver', 'json-parse')],
  ];
  for (const [id, , values] of adds) if (values) samples.set(`${build.name}:${id}`, values);
  if (build.bench.handled() === 0 && armIds.includes('deliver')) throw new Error('the router handled nothing');
}
const labels = { ...Object.fromEntries(armIds.map((id) => [id, builds[0].bench.arms[id].label])) };
labels['adds-publish'] = 'SDK adds on publish';
labels['adds-consume'] = 'SDK adds on consume';
const fmt = (values) =>
  values
    ? `${formatNumber(median(values))} (${formatNumber(Math.min(...values))} – ${formatNumber(Math.max(...values))})`
    : '–';
const header = ['Step, us/msg: median (min – max)', ...builds.map((b) => b.name)];
if (builds.length > 1) header.push('current / baseline');
const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
for (const id of [...armIds, 'adds-publish', 'adds-consume']) {
  const per = builds.map((b) => samples.get(`${b.name}:${id}`));
  if (per.every((v) => v === undefined)) continue;
  const row = [labels[id], ...per.map(fmt)];
  if (builds.length > 1) row.push(per[0] && per[1] ? `${(median(per[0]) / median(per[1])).toFixed(2)}x` : '');
  lines.push(`| ${row.join(' | ')} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
for (const build of builds) await build.bench.close();
