/**
 * The outbox on real databases: PostgreSQL (DATABASE_URL; unreachable fails the file) and SQLite (a temp file),
 * relayed to the memory transport. Prints measured numbers (throughput, NOTIFY wake latency).
 */
import type { OutboxStore } from '@humangov/resilience';
import { createPostgresStore } from '@humangov/resilience/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutbox } from '../src/outbox/outbox.js';
import { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from '../src/outbox/relay.js';
import { createMemoryTransport } from '../src/transport/memory.js';
import {
  citizens,
  collect,
  eventId,
  idOf,
  orderReport,
  postgresStore,
  registered,
  requirePostgres,
  sqliteStore,
  waitFor,
} from './outbox-fixtures.js';

type Pool = Awaited<ReturnType<typeof requirePostgres>>;
type AnyStore = Awaited<ReturnType<typeof postgresStore>> | Awaited<ReturnType<typeof sqliteStore>>;

const source = '/humangov/outbox-int';
let pool: Pool;
const stores: AnyStore[] = [];
const relays: OutboxRelay[] = [];

beforeAll(async () => {
  pool = await requirePostgres(20);
});
afterAll(async () => {
  await Promise.all(relays.map((r) => r.close()));
  for (const store of stores) await store.drop();
  await pool?.end();
});

const kinds = {
  PostgreSQL: async () => postgresStore(pool, 'outbox'),
  SQLite: async () => sqliteStore(),
} as const;

function startRelay(options: OutboxRelayOptions): OutboxRelay {
  const relay = createOutboxRelay(options);
  relays.push(relay);
  return relay;
}

/** Writes `perKey` events for each key, one transaction per round of keys (event ids carry key and sequence). */
async function write(store: AnyStore, run: string, keys: readonly string[], perKey: number, from = 0) {
  // The two stores' transaction types differ; each store only ever gets its own transactions here.
  const transaction = store.transaction as (fn: (tx: unknown) => Promise<void>) => Promise<void>;
  const outbox = createOutbox({ store: store.outbox as OutboxStore<unknown>, source });
  for (let seq = from; seq < from + perKey; seq++) {
    await transaction(async (tx) => {
      for (const key of keys) {
        await outbox.add(tx, 'citizen.registered', { ...registered, citizen_id: key }, { id: eventId(run, key, seq) });
      }
    });
  }
}

describe.each(Object.keys(kinds) as (keyof typeof kinds)[])('outbox on %s', (kind) => {
  it('publishes committed rows exactly once, in per-key order; rolled-back rows never', async () => {
    const store = await kinds[kind]();
    stores.push(store);
    const transport = createMemoryTransport();
    const sink = await collect(transport, 'citizen.registered', 'check');
    const outbox = createOutbox({ store: store.outbox as OutboxStore<unknown>, source });
    await expect(
      (store.transaction as (fn: (tx: unknown) => Promise<void>) => Promise<void>)(async (tx) => {
        await outbox.add(tx, 'citizen.registered', registered, { id: 'rolled-back.x.0' });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    const keys = citizens(8);
    await write(store, 'c', keys, 25);
    startRelay({ store: store.outbox, transport, batchSize: 64, pollMs: 20 }).start();
    await waitFor('200 events', () => sink.received.length >= 200);
    await new Promise((r) => setTimeout(r, 100));
    const ids = sink.received.map(idOf);
    expect(ids).not.toContain('rolled-back.x.0');
    expect(orderReport(ids)).toEqual({ duplicates: 0, outOfOrder: 0, distinct: 200 });
    expect((await store.outbox.lag()).pending).toBe(0);
    await sink.close();
  });
});

describe('outbox on PostgreSQL, several relays', () => {
  it('two relays on one store at once publish every row at least once and never reorder a key', async () => {
    const store = await postgresStore(pool, 'two');
    stores.push(store);
    const transport = createMemoryTransport();
    const sink = await collect(transport, 'citizen.registered', 'check');
    const keys = citizens(30);
    await write(store, 't', keys, 40);
    const options = { store: store.outbox, transport, batchSize: 100, pollMs: 10 };
    const batches = [0, 0];
    const a = startRelay({ ...options, onEvent: (e) => e.kind === 'batch' && batches[0]!++ });
    const b = startRelay({ ...options, onEvent: (e) => e.kind === 'batch' && batches[1]!++ });
    await Promise.all([a.start(), b.start()]);
    await write(store, 't', keys, 40, 40); // more rows while both run
    await waitFor('2400 events', () => orderReport(sink.received.map(idOf)).distinct === 2400, 30_000);
    const report = orderReport(sink.received.map(idOf));
    console.log(`[outbox] two relays: ${JSON.stringify(report)}, batches per relay ${batches.join('/')}`);
    expect(report.outOfOrder).toBe(0);
    expect(report.duplicates).toBe(0);
    expect(batches[0]).toBeGreaterThan(0);
    expect(batches[1]).toBeGreaterThan(0);
    await sink.close();
  });

  it('relays of separate stores (processes) publish one at a time; one that closes hands over at once', async () => {
    const store = await postgresStore(pool, 'handover');
    stores.push(store);
    const transport = createMemoryTransport();
    const sink = await collect(transport, 'citizen.registered', 'check');
    const keys = citizens(10);
    await write(store, 'h', keys, 20);
    // Each relay has a store of its own, as a relay in another process would: the log is leased to one of them.
    const prefix = store.tables.outbox.slice(0, -'outbox'.length);
    const processes = [0, 1].map(() => createPostgresStore({ pool, tablePrefix: prefix }).outbox);
    const batches = [0, 0];
    const options = { transport, batchSize: 50, pollMs: 20, leaseMs: 60_000 };
    const first = startRelay({ ...options, store: processes[0]!, onEvent: (e) => e.kind === 'batch' && batches[0]!++ });
    const second = startRelay({
      ...options,
      store: processes[1]!,
      onEvent: (e) => e.kind === 'batch' && batches[1]!++,
    });
    await first.start();
    await waitFor('200 events', () => sink.received.length >= 200);
    await second.start();
    await write(store, 'h', keys, 10, 20);
    await waitFor('300 events', () => sink.received.length >= 300);
    expect(batches[1]).toBe(0); // the first relay holds the lease

    await first.close(); // resigns: the second takes over long before the 60 s lease would end
    const closedAt = performance.now();
    await write(store, 'h', keys, 10, 30);
    await waitFor('400 events', () => sink.received.length >= 400, 5_000);
    console.log(`[outbox] lease handed over on close: published after ${(performance.now() - closedAt).toFixed(0)} ms`);
    expect(batches[1]).toBeGreaterThan(0);
    expect(orderReport(sink.received.map(idOf))).toEqual({ duplicates: 0, outOfOrder: 0, distinct: 400 });
    await sink.close();
  });

  it("takes over a crashed relay's rows when their lease expires", async () => {
    const store = await postgresStore(pool, 'lease');
    stores.push(store);
    const transport = createMemoryTransport();
    const sink = await collect(transport, 'citizen.registered', 'check');
    const keys = citizens(4);
    await write(store, 'l', keys, 5);
    // The crashed relay: it claimed everything with a 1.5 s lease, then died before publishing or marking.
    expect(await store.outbox.claim(500, 1_500)).toHaveLength(20);
    const claimedAt = performance.now();
    startRelay({ store: store.outbox, transport, pollMs: 50 }).start();
    await new Promise((r) => setTimeout(r, 700));
    expect(sink.received).toHaveLength(0);
    await waitFor('the 20 rows', () => sink.received.length === 20, 10_000);
    const tookOverMs = performance.now() - claimedAt;
    console.log(`[outbox] lease 1500 ms: taken over after ${tookOverMs.toFixed(0)} ms`);
    expect(tookOverMs).toBeGreaterThanOrEqual(1_400);
    expect(orderReport(sink.received.map(idOf))).toEqual({ duplicates: 0, outOfOrder: 0, distinct: 20 });
    await sink.close();
  });

  it('LISTEN/NOTIFY wakes the relay long before the poll interval', async () => {
    const store = await postgresStore(pool, 'notify');
    stores.push(store);
    const transport = createMemoryTransport();
    const sink = await collect(transport, 'citizen.registered', 'check');
    const relay = startRelay({ store: store.outbox, transport, pollMs: 10_000 });
    await relay.start();
    await new Promise((r) => setTimeout(r, 100)); // the first (empty) claim is done: the relay sleeps
    const latencies: number[] = [];
    const [key] = citizens(1);
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      await write(store, 'n', [key!], 1, i);
      await waitFor('the event', () => sink.received.length === i + 1, 5_000);
      latencies.push(performance.now() - started);
    }
    latencies.sort((x, y) => x - y);
    const p50 = latencies[10]!;
    const max = latencies[19]!;
    console.log(`[outbox] NOTIFY commit-to-publish: p50 ${p50.toFixed(1)} ms, max ${max.toFixed(1)} ms (poll 10 s)`);
    expect(max).toBeLessThan(1_000);
    await sink.close();
  });

  it('throughput PostgreSQL -> memory transport', async () => {
    const store = await postgresStore(pool, 'tput');
    stores.push(store);
    const transport = createMemoryTransport();
    let published = 0;
    const keys = citizens(100);
    const events = 10_000;
    const writeStarted = performance.now();
    await write(store, 'p', keys, events / keys.length);
    const writeMs = performance.now() - writeStarted;
    const started = performance.now();
    const relay = startRelay({
      store: store.outbox,
      transport,
      onEvent: (e) => {
        if (e.kind === 'batch') published += e.published;
      },
    });
    await relay.start();
    await waitFor('all published', () => published >= events, 60_000);
    const ms = performance.now() - started;
    console.log(
      `[outbox] PostgreSQL -> memory: ${events} events in ${ms.toFixed(0)} ms = ${Math.round((events / ms) * 1000)} events/s ` +
        `(writing them: ${Math.round((events / writeMs) * 1000)} adds/s, one transaction per 100)`,
    );
    expect((await relay.lag()).pending).toBe(0);
  });
});
