// Transactional outbox relay, PostgreSQL -> Kafka and SQLite -> Kafka, against publishing the same messages
// directly: the SDK Kafka transport's concurrent publish() and raw kafkajs sendBatch().
//
// Throughput: N events (1 KiB data, many keys) are written to the outbox before the relay starts (not timed);
// events/s from relay.start() until the relay reports (batch events) every row published and marked.
// Latency: writers commit events at a steady rate while the relay runs; latency = the transport's publish
// confirmation (broker ack, seen by a thin wrapper around the transport) - the writer's commit returning.
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchCodec } from '../lib/bench-codec.mjs';
import { requireFromResilience } from '../lib/load.mjs';
import { dataPool, EVENT_TYPE } from '../lib/payload.mjs';
import { alternate, median, percentile, rate } from '../lib/stats.mjs';
import { concurrently } from './kafka-publish.mjs';

const SOURCE = '/humangov/bench';
const KEYS = 5_000;
const FILL_CHUNK = 1_000;

/** The Kafka headers the SDK transport writes for a row (CloudEvents binary mode), for the raw kafkajs arm. */
function rowRecord(row) {
  const headers = { ...row.headers };
  for (const [name, value] of Object.entries(row.attributes)) headers[`ce_${name}`] = value;
  if (row.contentType !== undefined) headers['content-type'] = row.contentType;
  return { key: row.key, value: Buffer.from(row.body), headers };
}

const toMessage = (row) => ({
  channel: row.channel,
  ...(row.key !== undefined && { key: row.key }),
  attributes: row.attributes,
  ...(row.contentType !== undefined && { contentType: row.contentType }),
  headers: row.headers,
  body: row.body,
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the relay over `store` until `count` rows were published and marked; resolves with events/s. */
async function drain(sdk, store, transport, relayOptions, count) {
  let published = 0;
  let failed = 0;
  let done;
  const finished = new Promise((resolve) => {
    done = resolve;
  });
  const relay = sdk.createOutboxRelay({
    store,
    transport,
    ...relayOptions,
    onEvent: (event) => {
      if (event.kind === 'batch') {
        published += event.published;
        failed += event.failed;
        if (published >= count) done();
      } else if (event.kind === 'publish-failed' || event.kind === 'store-failed') failed++;
    },
  });
  const started = performance.now();
  await relay.start();
  await finished;
  const elapsed = performance.now() - started;
  await relay.close();
  const lag = await store.lag();
  if (lag.pending !== 0)
    throw new Error(`outbox: ${lag.pending} rows still pending after the relay published ${count}`);
  if (failed > 0) throw new Error(`outbox: ${failed} publish or store failures during the run`);
  return rate(count, elapsed);
}

/**
 * Steady writers for `durationMs` at `perSecond` events/s (open loop: each event has a due time), with the relay
 * running; resolves with the commit-to-publish latencies (ms) of every event written.
 */
async function latencyRun({ sdk, store, transport, relayOptions, write, perSecond, durationMs, writers }) {
  const commits = new Map();
  const confirms = new Map();
  const latencies = [];
  const settle = (commit, confirm) => latencies.push(confirm - commit);
  const timed = {
    publish: async (message, options) => {
      await transport.publish(message, options);
      const now = performance.now();
      const id = message.attributes.id;
      const commit = commits.get(id);
      if (commit === undefined) confirms.set(id, now);
      else settle(commit, now);
    },
    // The relay publishes a claimed batch in one call when the transport can (Kafka): every row of it is confirmed
    // when the call resolves.
    publishBatch: async (messages, options) => {
      await transport.publishBatch(messages, options);
      const now = performance.now();
      for (const message of messages) {
        const id = message.attributes.id;
        const commit = commits.get(id);
        if (commit === undefined) confirms.set(id, now);
        else settle(commit, now);
      }
    },
    close: async () => {},
  };
  let failures = 0;
  const relay = sdk.createOutboxRelay({
    store,
    transport: timed,
    ...relayOptions,
    onEvent: (event) => {
      if (event.kind === 'publish-failed' || event.kind === 'store-failed') failures++;
    },
  });
  await relay.start();
  const total = Math.round((perSecond * durationMs) / 1000);
  const t0 = performance.now() + 20;
  let next = 0;
  const wrote = await Promise.all(
    Array.from({ length: writers }, async () => {
      let count = 0;
      while (next < total) {
        const i = next++;
        const wait = t0 + (i * 1000) / perSecond - performance.now();
        if (wait > 1) await sleep(wait);
        const id = await write(i);
        const now = performance.now();
        const confirm = confirms.get(id);
        if (confirm === undefined) commits.set(id, now);
        else settle(now, confirm);
        count++;
      }
      return count;
    }),
  );
  const achieved = rate(total, performance.now() - t0);
  const deadline = performance.now() + 60_000;
  while (latencies.length < total && performance.now() < deadline) await sleep(10);
  await relay.close();
  if (latencies.length < total) throw new Error(`outbox latency: ${latencies.length} of ${total} confirmed in time`);
  if (failures > 0) throw new Error(`outbox latency: ${failures} publish or store failures`);
  return { latencies, achieved, written: wrote.reduce((a, b) => a + b, 0) };
}

export async function resilienceOutbox(modules, env, options) {
  const { sdk, kafka: sdkKafka, events, postgres, sqlite } = modules;
  const { brokers, postgresUrl, runId, rounds, log, count, relay: relayOptions, latency } = options;
  const pg = requireFromResilience('pg');
  const Database = requireFromResilience('better-sqlite3');

  const topic = await env.topic('outbox');
  const codec = benchCodec(events, { kafkaTopic: topic });
  const transport = sdkKafka.createKafkaTransport({ brokers, channels: env.channels(topic) });
  const producer = env.kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: env.Partitioners.DefaultPartitioner,
  });
  await producer.connect();

  // The rows exactly as outbox.add writes them (built once, through a store that only collects them).
  const pool = dataPool(KEYS);
  const rows = [];
  const collect = sdk.createOutbox({ store: { add: async (_tx, r) => void rows.push(...r) }, source: SOURCE, codec });
  for (let i = 0; i < count; i++) await collect.add(undefined, EVENT_TYPE, pool[i % pool.length]);
  const messages = rows.map(toMessage);
  const records = rows.map(rowRecord);

  // PostgreSQL: a run-owned table prefix; SQLite: a run-owned file, WAL (what the store's docs recommend).
  const pgPool = new pg.Pool({ connectionString: postgresUrl, max: 8 });
  const pgStore = postgres.createPostgresStore({ pool: pgPool, tablePrefix: `bench_${runId}_` });
  // Other work on the shared services may restart PostgreSQL: wait (up to a minute) until it takes connections.
  for (let tries = 0; ; tries++) {
    try {
      await pgPool.query('SELECT 1');
      break;
    } catch (error) {
      if (tries >= 60) throw error;
      log(`  postgresql not ready (${error.message}); waiting`);
      await sleep(1_000);
    }
  }
  await pgStore.migrate();
  const dbFile = path.join(os.tmpdir(), `humangov-bench-${runId}.db`);
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const sqliteStore = sqlite.createSqliteStore({ db, tablePrefix: 'bench_' });
  await sqliteStore.migrate();

  // Each relay run gets a pool of its own, ended after it. Work-around: the store's LISTEN client keeps its
  // 'error' handler after the relay closes and goes back to the pool; when PostgreSQL later drops that idle client
  // (a restart), the handler releases it a second time and pg-pool throws from the event (process crash).
  const workerStore = {
    pg: () =>
      postgres.createPostgresRelayStore({
        pool: { connectionString: postgresUrl, max: 8 },
        tablePrefix: `bench_${runId}_`,
      }),
    sqlite: () => sqlite.createSqliteRelayStore({ filename: dbFile, tablePrefix: 'bench_' }),
  };
  /** A relay run on a relay store in a worker thread, closed after it. */
  const onWorker = async (make, fn) => {
    const store = make();
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };
  const relayPool = async (fn) => {
    const own = new pg.Pool({ connectionString: postgresUrl, max: 8 });
    try {
      return await fn(postgres.createPostgresStore({ pool: own, tablePrefix: `bench_${runId}_` }).outbox);
    } finally {
      await own.end().catch(() => {});
    }
  };
  const fillPostgres = async () => {
    await pgPool.query(`TRUNCATE ${pgStore.tables.outbox}`); // the marks stay: new rows come after them
    for (let i = 0; i < rows.length; i += FILL_CHUNK) {
      await pgStore.transaction((tx) => pgStore.outbox.add(tx, rows.slice(i, i + FILL_CHUNK)));
    }
    await pgPool.query(`VACUUM ANALYZE ${pgStore.tables.outbox}`);
  };
  const fillSqlite = async () => {
    db.exec(`DELETE FROM ${sqliteStore.tables.outbox}`);
    for (let i = 0; i < rows.length; i += FILL_CHUNK) {
      db.transaction(() => void sqliteStore.outbox.add(db, rows.slice(i, i + FILL_CHUNK)))();
    }
    db.exec(`ANALYZE ${sqliteStore.tables.outbox}`);
  };

  const inFlight = relayOptions.postgres.batchSize * relayOptions.postgres.concurrency;
  const batchSize = relayOptions.postgres.batchSize;
  const batches = async () => {
    const started = performance.now();
    for (let i = 0; i < records.length; i += batchSize) {
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: records.slice(i, i + batchSize) }] });
    }
    return rate(records.length, performance.now() - started);
  };
  const transportPublish = async () =>
    rate(messages.length, await concurrently(messages.length, inFlight, (i) => transport.publish(messages[i])));

  try {
    // Warm-up: connections, metadata, provisioning, JIT (a tenth of the events through every path).
    const warm = Math.min(5_000, count);
    await concurrently(warm, inFlight, (i) => transport.publish(messages[i]));
    for (let i = 0; i < warm; i += batchSize) {
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: records.slice(i, i + batchSize) }] });
    }
    await fillPostgres();
    await relayPool((store) => drain(sdk, store, transport, relayOptions.postgres, count));
    await fillSqlite();
    await drain(sdk, sqliteStore.outbox, transport, relayOptions.sqlite, count);

    await fillSqlite();
    await onWorker(workerStore.sqlite, (store) => drain(sdk, store, transport, relayOptions.sqlite, count));

    const names = {
      pg: 'relay PostgreSQL -> Kafka, relay store in a worker thread',
      sqlite: 'relay SQLite -> Kafka, relay store in a worker thread',
      pgInline: 'relay PostgreSQL -> Kafka, store on the relay thread',
      sqliteInline: 'relay SQLite -> Kafka, store on the relay thread',
      transport: `SDK Kafka transport publish(), ${inFlight} concurrent`,
      batch: `raw kafkajs sendBatch() of ${batchSize} + the SDK's headers, sequential`,
    };
    const arms = [
      {
        name: names.pg,
        unit: 'events/s',
        run: async () => {
          await fillPostgres();
          return onWorker(workerStore.pg, (store) => drain(sdk, store, transport, relayOptions.postgres, count));
        },
      },
      {
        name: names.pgInline,
        unit: 'events/s',
        run: async () => {
          await fillPostgres();
          return relayPool((store) => drain(sdk, store, transport, relayOptions.postgres, count));
        },
      },
      { name: names.transport, unit: 'msg/s', run: transportPublish },
      { name: names.batch, unit: 'msg/s', run: batches },
      {
        name: names.sqlite,
        unit: 'events/s',
        run: async () => {
          await fillSqlite();
          return onWorker(workerStore.sqlite, (store) => drain(sdk, store, transport, relayOptions.sqlite, count));
        },
      },
      {
        name: names.sqliteInline,
        unit: 'events/s',
        run: async () => {
          await fillSqlite();
          return drain(sdk, sqliteStore.outbox, transport, relayOptions.sqlite, count);
        },
      },
    ];
    const samples = await alternate(rounds, arms, log);

    // Latency under a steady write rate.
    const outbox = (store) => sdk.createOutbox({ store: store.outbox, source: SOURCE, codec });
    const pgOutbox = outbox(pgStore);
    const sqliteOutbox = outbox(sqliteStore);
    const writeSqlite = async (i) => {
      let added;
      db.transaction(() => {
        added = sqliteOutbox.add(db, EVENT_TYPE, pool[i % pool.length]);
      })();
      return (await added).id;
    };
    const writePostgres = async (i) =>
      (await pgStore.transaction((tx) => pgOutbox.add(tx, EVENT_TYPE, pool[i % pool.length]))).id;
    const lat = { pg: { p50: [], p99: [], rate: [] }, sqlite: { p50: [], p99: [], rate: [] } };
    const latencyRounds = Math.min(rounds, 3);
    for (let round = 0; round < latencyRounds; round++) {
      for (const [id, store, write, writers, relay] of [
        ['pg', pgStore, writePostgres, latency.pgWriters, relayOptions.postgres],
        ['sqlite', sqliteStore, writeSqlite, 1, relayOptions.sqlite],
      ]) {
        const run = (relayStore) =>
          latencyRun({
            sdk,
            store: relayStore,
            transport,
            relayOptions: relay,
            write,
            perSecond: latency.perSecond,
            durationMs: latency.durationMs,
            writers,
          });
        const result = id === 'pg' ? await relayPool(run) : await run(store.outbox);
        const p50 = percentile(result.latencies, 50);
        const p99 = percentile(result.latencies, 99);
        lat[id].p50.push(p50);
        lat[id].p99.push(p99);
        lat[id].rate.push(result.achieved);
        log(
          `  latency round ${round + 1}/${latencyRounds} ${id}: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, ${result.latencies.length} events at ${Math.round(result.achieved)}/s`,
        );
      }
    }

    const m = (name) => median(samples[name]);
    const relayRow = (name, id) => {
      const vsTransport = m(name) / m(names.transport);
      const vsBatch = m(name) / m(names.batch);
      return {
        arm: name,
        samples: samples[name],
        ratio: `${vsTransport.toFixed(2)}x transport publish, ${vsBatch.toFixed(2)}x sendBatch`,
        target: '>= 10,000 events/s and >= 0.8x transport publish and sendBatch',
        met: m(name) >= 10_000 && vsTransport >= 0.8 && vsBatch >= 0.8,
        id,
      };
    };
    const opts = (o) =>
      Object.entries(o)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ');
    return [
      {
        id: 'outbox',
        title: 'Outbox relay to Kafka (1 KiB events)',
        unit: 'events/s',
        notes: [
          `Throughput: ${count.toLocaleString('en-US')} events over ${KEYS.toLocaleString('en-US')} keys (citizen_id) are written to the outbox (rows exactly as \`outbox.add\` builds them, inserted in transactions of ${FILL_CHUNK.toLocaleString('en-US')}; not timed), then \`createOutboxRelay\` with the SDK Kafka transport (defaults: acks=all, idempotent; the relay publishes each claimed batch with one \`publishBatch()\` call) runs until its \`batch\` events count every row published and marked; events/s from \`relay.start()\`. The outbox is emptied between rounds (PostgreSQL: TRUNCATE, then VACUUM ANALYZE after the fill; SQLite: DELETE, then ANALYZE).`,
          `Relay options: PostgreSQL { ${opts(relayOptions.postgres)} }, SQLite { ${opts(relayOptions.sqlite)} }. PostgreSQL ${'`pg.Pool`'} of 8 connections on loopback; SQLite file in ${os.tmpdir()}, journal_mode WAL, synchronous NORMAL. "Relay store in a worker thread": \`createPostgresRelayStore({ pool: { connectionString, max: 8 } })\` / \`createSqliteRelayStore({ filename })\`, the relay's claims, marks and releases on the worker's own connection; "store on the relay thread": the store's own \`outbox\` (\`createPostgresStore\` on a pool of 8 / \`createSqliteStore\` on the connection the writers use). The Met column of the thread rows applies the same target, for comparison.`,
          `Direct arms, the same ${count.toLocaleString('en-US')} messages to the same topic of 6 partitions: the SDK Kafka transport's \`publish()\` with ${inFlight} in flight (the relay's batchSize x concurrency), and raw kafkajs \`sendBatch()\` of ${batchSize} records (key, body, the ${Object.keys(records[0].headers).length} headers the SDK writes), sequential, acks=all, idempotent, maxInFlightRequests 1.`,
          `Latency (table below): ${latency.perSecond.toLocaleString('en-US')} events/s for ${latency.durationMs / 1000} s, one event per transaction (PostgreSQL: ${latency.pgWriters} concurrent writers, \`store.transaction(tx => outbox.add(tx, ...))\`; SQLite: \`db.transaction(() => outbox.add(db, ...))()\`), relay running with the options above; latency = the transport's \`publish()\` resolving (broker ack) - the writer's commit returning, for every event. ${latencyRounds} rounds; the table gives median and range of the per-round p50 / p99.`,
        ],
        rows: [
          relayRow(names.pg, 'pg'),
          relayRow(names.sqlite, 'sqlite'),
          relayRow(names.pgInline, 'pgInline'),
          relayRow(names.sqliteInline, 'sqliteInline'),
          { arm: names.transport, samples: samples[names.transport], ratio: '1.00x' },
          { arm: names.batch, samples: samples[names.batch] },
        ].map(({ id: _, ...row }) => row),
      },
      {
        id: 'outbox-latency',
        title: 'Outbox commit-to-publish latency under a steady write rate',
        unit: 'ms',
        notes: [],
        rows: [
          { arm: 'PostgreSQL -> Kafka p50', samples: lat.pg.p50 },
          { arm: 'PostgreSQL -> Kafka p99', samples: lat.pg.p99 },
          { arm: 'PostgreSQL writers, achieved events/s', samples: lat.pg.rate },
          { arm: 'SQLite -> Kafka p50', samples: lat.sqlite.p50 },
          { arm: 'SQLite -> Kafka p99', samples: lat.sqlite.p99 },
          { arm: 'SQLite writer, achieved events/s', samples: lat.sqlite.rate },
        ],
      },
    ];
  } finally {
    await transport.close().catch(() => {});
    await producer.disconnect().catch(() => {});
    await pgPool.query(`DROP TABLE IF EXISTS ${Object.values(pgStore.tables).join(', ')}`).catch(() => {});
    await pgPool.end().catch(() => {});
    db.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbFile}${suffix}`, { force: true });
  }
}
