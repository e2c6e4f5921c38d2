/**
 * PostgreSQL outbox -> relay -> real Kafka (KAFKA_BROKERS): per-key order through a consumer group, and the
 * relay's throughput. An unreachable PostgreSQL or Kafka fails the file.
 */
import { createPostgresRelayStore } from '@humangov/resilience/postgres';
import { createSqliteRelayStore, type WorkerRelayStore } from '@humangov/resilience/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutbox } from '../src/outbox/outbox.js';
import { createOutboxRelay, type OutboxRelay } from '../src/outbox/relay.js';
import { type KafkaKit, kafkaKit } from './brokers.js';
import {
  addRegistrations,
  citizens,
  collect,
  DATABASE_URL,
  idOf,
  orderReport,
  postgresStore,
  registered,
  requirePostgres,
  sqliteStore,
  waitFor,
} from './outbox-fixtures.js';

let pool: Awaited<ReturnType<typeof requirePostgres>>;
let store: Awaited<ReturnType<typeof postgresStore>>;
let kit: KafkaKit;
const relays: OutboxRelay[] = [];

beforeAll(async () => {
  pool = await requirePostgres();
  store = await postgresStore(pool, 'kafka');
  kit = await kafkaKit('citizen.registered');
});
afterAll(async () => {
  await Promise.all(relays.map((r) => r.close()));
  await kit?.cleanup();
  await store?.drop();
  await pool?.end();
});

describe('outbox on PostgreSQL -> Kafka', () => {
  it.each([
    { keys: 50, perKey: 100, concurrency: 1 },
    { keys: 5_000, perKey: 1, concurrency: 2 },
  ])(
    'publishes every committed row in per-key order, and measures the relay ($keys keys x $perKey, $concurrency)',
    async (shape) => {
      const outbox = createOutbox({ store: store.outbox, source: '/humangov/outbox-kafka' });
      const keys = citizens(shape.keys);
      const perKey = shape.perKey;
      const run = `k${shape.keys}`;
      const ours = () => sink.received.map(idOf).filter((id) => id.startsWith(`${run}.`));
      await addRegistrations(store, outbox, run, keys, perKey);
      await store
        .transaction(async (tx) => {
          await outbox.add(tx, 'citizen.registered', registered, { id: 'rolled-back.x.0' });
          throw new Error('rollback');
        })
        .catch(() => {});
      const total = keys.length * perKey;
      const sink = await collect(kit.transport, 'citizen.registered', kit.group('outbox-check'));
      let published = 0;
      const started = performance.now();
      const relay = createOutboxRelay({
        store: store.outbox,
        transport: kit.transport,
        concurrency: shape.concurrency,
        onEvent: (e) => {
          if (e.kind === 'batch') published += e.published;
        },
      });
      relays.push(relay);
      await relay.start();
      await waitFor('all published', () => published >= total, 60_000);
      const relayMs = performance.now() - started;
      await waitFor('all consumed', () => orderReport(ours()).distinct >= total, 60_000);
      const report = orderReport(ours());
      console.log(
        `[outbox] PostgreSQL -> Kafka (${shape.keys} keys x ${perKey}, concurrency ${shape.concurrency}): ${total} events relayed in ${relayMs.toFixed(0)} ms = ` +
          `${Math.round((total / relayMs) * 1000)} events/s; consumed ${JSON.stringify(report)}`,
      );
      expect(report).toEqual({ duplicates: 0, outOfOrder: 0, distinct: total });
      expect(sink.received.map(idOf)).not.toContain('rolled-back.x.0');
      await sink.close();
      await relay.close();
    },
    60_000,
  );
});

describe('outbox -> Kafka with the relay store in a worker thread', () => {
  const prefixOf = (tables: { readonly outbox: string }) => tables.outbox.slice(0, -'outbox'.length);
  it.each(['PostgreSQL', 'SQLite'] as const)(
    '%s: publishes every committed row once, in per-key order',
    async (database) => {
      const sqlite = database === 'SQLite' ? await sqliteStore() : undefined;
      const relayStore: WorkerRelayStore = sqlite
        ? createSqliteRelayStore({ filename: sqlite.db.name, tablePrefix: prefixOf(sqlite.tables) })
        : createPostgresRelayStore({ pool: { connectionString: DATABASE_URL }, tablePrefix: prefixOf(store.tables) });
      const keys = citizens(40);
      const perKey = 25;
      const run = `w${database}`;
      const ours = () => sink.received.map(idOf).filter((id) => id.startsWith(`${run}.`));
      const source = '/humangov/outbox-kafka';
      if (sqlite) await addRegistrations(sqlite, createOutbox({ store: sqlite.outbox, source }), run, keys, perKey);
      else await addRegistrations(store, createOutbox({ store: store.outbox, source }), run, keys, perKey);
      const total = keys.length * perKey;
      const sink = await collect(kit.transport, 'citizen.registered', kit.group(`outbox-worker-${database}`));
      const relay = createOutboxRelay({ store: relayStore, transport: kit.transport, batchSize: 300, pollMs: 20 });
      relays.push(relay);
      await relay.start();
      try {
        await waitFor('all consumed', () => orderReport(ours()).distinct >= total, 60_000);
        expect(orderReport(ours())).toEqual({ duplicates: 0, outOfOrder: 0, distinct: total });
        expect(await relayStore.lag()).toEqual({ pending: 0, oldestAgeMs: 0 });
      } finally {
        await relay.close();
        await relayStore.close();
        await sink.close();
        await sqlite?.drop();
      }
    },
    90_000,
  );
});
