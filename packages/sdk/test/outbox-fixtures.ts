/**
 * Fixtures of the outbox and inbox tests: PostgreSQL at DATABASE_URL (unreachable: the file FAILS, never skips),
 * SQLite in a temporary file, tables under a prefix unique to the run, and citizen.registered events keyed by a
 * few citizens with a sequence number in their id.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CloudEvent, catalog, type EventMap } from '@humangov/events';
import type { Transactor } from '@humangov/resilience';
import { createPostgresStore, type PostgresStore, type PostgresStoreOptions } from '@humangov/resilience/postgres';
import { createSqliteStore, type SqliteStore, type SqliteStoreOptions } from '@humangov/resilience/sqlite';
import type { Outbox } from '../src/outbox/outbox.js';
import type { ReceivedMessage, Transport } from '../src/transport/port.js';

// pg and better-sqlite3 are dev dependencies of @humangov/resilience (optional peers), not of the SDK: load them
// from there rather than adding them here.
const requireFromResilience = createRequire(new URL('../../resilience/package.json', import.meta.url));

type Pool = PostgresStoreOptions['pool'];
type SqliteDb = SqliteStoreOptions['db'];

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://humangov:humangov@127.0.0.1:5432/humangov';
export const uniquePrefix = (name: string): string =>
  `sdk_${name}_${process.pid}_${randomUUID().slice(0, 6)}_`.replace(/-/g, '');

/** A pool on the test database; throws (failing the file) when PostgreSQL does not answer. */
export async function requirePostgres(max = 10): Promise<Pool> {
  const pg = requireFromResilience('pg') as { Pool: new (config: object) => Pool };
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max });
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end();
    throw new Error(
      `PostgreSQL not reachable at ${DATABASE_URL} (DATABASE_URL). Start it with: bash scripts/services up postgres`,
      { cause: error },
    );
  }
  return pool;
}

/** A migrated PostgreSQL store and the function that drops its tables. */
export async function postgresStore(pool: Pool, name: string): Promise<PostgresStore & { drop(): Promise<void> }> {
  const store = createPostgresStore({ pool, tablePrefix: uniquePrefix(name) });
  await store.migrate();
  return Object.assign(store, {
    drop: async () => {
      await pool.query(`DROP TABLE IF EXISTS ${Object.values(store.tables).join(', ')}`);
    },
  });
}

/** A migrated SQLite store on a temporary file, and the function that closes and deletes it. */
export async function sqliteStore(): Promise<SqliteStore & { db: SqliteDb; drop(): Promise<void> }> {
  const Database = requireFromResilience('better-sqlite3') as new (file: string) => SqliteDb;
  const dir = mkdtempSync(join(tmpdir(), 'humangov-sdk-sqlite-'));
  const db = new Database(join(dir, 'outbox.db'));
  db.pragma('journal_mode = WAL');
  const store = createSqliteStore({ db, tablePrefix: uniquePrefix('sqlite') });
  await store.migrate();
  return Object.assign(store, {
    db,
    drop: async () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

export const registered = catalog['citizen.registered'].versions[2].examples[0]!;
export const citizens = (n: number): string[] => Array.from({ length: n }, () => randomUUID());
/** Event id carrying the key and its sequence number: `<run>.<citizen>.<seq>`. */
export const eventId = (run: string, citizen: string, seq: number): string => `${run}.${citizen}.${seq}`;

/** `rounds` transactions, each adding one citizen.registered per key, with ids `<run>.<key>.<round>`. */
export async function addRegistrations<Tx>(
  store: Transactor<Tx>,
  outbox: Outbox<EventMap, Tx>,
  run: string,
  keys: readonly string[],
  rounds: number,
): Promise<void> {
  for (let seq = 0; seq < rounds; seq++) {
    await store.transaction(async (tx) => {
      for (const key of keys) {
        await outbox.add(tx, 'citizen.registered', { ...registered, citizen_id: key }, { id: eventId(run, key, seq) });
      }
    });
  }
}

/** Collects what a channel delivers to one group, acking everything. */
export async function collect(
  transport: Transport,
  channel: string,
  group: string,
): Promise<{ received: ReceivedMessage[]; close(): Promise<void> }> {
  const received: ReceivedMessage[] = [];
  const subscription = await transport.subscribe({ group, channels: [channel], concurrency: 8 }, async (m) => {
    received.push(m);
    await m.ack();
  });
  return { received, close: () => subscription.close() };
}

/**
 * Per key: how many duplicates, and whether the first deliveries came in sequence order. `ids` are event ids as
 * made by `eventId`.
 */
export function orderReport(ids: readonly string[]): { duplicates: number; outOfOrder: number; distinct: number } {
  const seen = new Set<string>();
  const last = new Map<string, number>();
  let duplicates = 0;
  let outOfOrder = 0;
  for (const id of ids) {
    if (seen.has(id)) {
      duplicates++;
      continue;
    }
    seen.add(id);
    const dot = id.lastIndexOf('.');
    const key = id.slice(0, dot);
    const seq = Number(id.slice(dot + 1));
    if ((last.get(key) ?? -1) > seq) outOfOrder++;
    last.set(key, seq);
  }
  return { duplicates, outOfOrder, distinct: seen.size };
}

export async function waitFor(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const idOf = (m: ReceivedMessage): string => m.attributes.id ?? '';
export type { CloudEvent };
