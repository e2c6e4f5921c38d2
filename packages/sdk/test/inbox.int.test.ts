/**
 * The inbox middleware on PostgreSQL (DATABASE_URL; unreachable fails the file) and SQLite (a temp file): the side
 * effect is a row the handler writes in the inbox transaction, and the tests count those rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbox } from '../src/inbox/inbox.js';
import { createPublisher } from '../src/publisher.js';
import { createRouter } from '../src/router.js';
import { createMemoryTransport } from '../src/transport/memory.js';
import { postgresStore, registered, requirePostgres, sqliteStore, waitFor } from './outbox-fixtures.js';

let pool: Awaited<ReturnType<typeof requirePostgres>>;
const drops: Array<() => Promise<void>> = [];
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  pool = await requirePostgres();
});
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  for (const drop of drops) await drop();
  await pool?.end();
});

/** The handler's side effects, per database: write one row in the transaction, count rows. */
interface Effects<Tx> {
  readonly store: Parameters<typeof inbox<Tx>>[0];
  insert(tx: Tx, eventId: string): Promise<void>;
  count(): Promise<number>;
}

async function postgresEffects(): Promise<Effects<import('@humangov/resilience/postgres').PostgresTransaction>> {
  const store = await postgresStore(pool, 'inbox');
  const table = `${store.tables.inbox}_effects`;
  await pool.query(`CREATE TABLE ${table} (event_id text NOT NULL)`);
  drops.push(async () => {
    await pool.query(`DROP TABLE IF EXISTS ${table}`);
    await store.drop();
  });
  return {
    store: store.inbox,
    insert: async (tx, id) => void (await tx.query(`INSERT INTO ${table} (event_id) VALUES ($1)`, [id])),
    count: async () => (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n,
  };
}

async function sqliteEffects(): Promise<Effects<import('@humangov/resilience/sqlite').SqliteTransaction>> {
  const store = await sqliteStore();
  const table = `${store.tables.inbox}_effects`;
  store.db.exec(`CREATE TABLE ${table} (event_id TEXT NOT NULL)`);
  drops.push(store.drop);
  return {
    store: store.inbox,
    insert: async (tx, id) => void tx.prepare(`INSERT INTO ${table} (event_id) VALUES (?)`).run(id),
    count: async () => (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n,
  };
}

const kinds = { PostgreSQL: postgresEffects, SQLite: sqliteEffects } as const;

function setup<Tx>(effects: Effects<Tx>, failFirst: boolean) {
  const transport = createMemoryTransport();
  const publisher = createPublisher({ transport, source: '/humangov/inbox-int' });
  const router = createRouter({ transport, group: 'inbox-int', shutdownOnSignals: false });
  open.push(router, publisher, transport);
  const dedupe = inbox(effects.store, { group: 'inbox-int', onDuplicate: () => duplicates.push(1) });
  const duplicates: number[] = [];
  const attempts: number[] = [];
  router.use(dedupe).handle(
    'citizen.registered',
    dedupe.handler(async (event, { tx, attempt }) => {
      attempts.push(attempt);
      await effects.insert(tx, event.id);
      if (failFirst && attempt === 1) throw new Error('crash after the side effect, before the ack');
    }),
  );
  return { publisher, router, duplicates, attempts };
}

describe.each(Object.keys(kinds) as (keyof typeof kinds)[])('inbox on %s', (kind) => {
  it('runs the side effect once when the same event is delivered twice', async () => {
    const effects = await kinds[kind]();
    const { publisher, router, duplicates } = setup(effects as Effects<unknown>, false);
    await router.start();
    const event = await publisher.publish('citizen.registered', registered);
    await publisher.publishEvent(event);
    await publisher.publishEvent(event);
    await waitFor('two duplicates', () => duplicates.length === 2);
    expect(await effects.count()).toBe(1);
  });

  it('a handler that throws rolls back its side effect and the inbox record; the redelivery runs it again', async () => {
    const effects = await kinds[kind]();
    const { publisher, router, attempts } = setup(effects as Effects<unknown>, true);
    await router.start();
    const event = await publisher.publish('citizen.registered', registered);
    await waitFor('the redelivery', () => attempts.length === 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(attempts).toEqual([1, 2]);
    expect(await effects.count()).toBe(1);
    await publisher.publishEvent(event);
    await new Promise((r) => setTimeout(r, 100));
    expect(attempts).toEqual([1, 2]);
    expect(await effects.count()).toBe(1);
  });
});
