/**
 * The store suite on real databases: PostgreSQL at DATABASE_URL (an unreachable server fails the file, never
 * skips it) and SQLite in a temporary file. Tables get a prefix unique to the run and are dropped afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { OutboxStore } from '../src/outbox/port.js';
import {
  createPostgresRelayStore,
  createPostgresStore,
  type PostgresStore,
  type PostgresTransaction,
} from '../src/postgres.js';
import { createSqliteRelayStore, createSqliteStore, type SqliteStore, type WorkerRelayStore } from '../src/sqlite.js';
import { storeSuite } from './store-suite.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://humangov:humangov@127.0.0.1:5432/humangov';
const prefix = `t${process.pid}_${Date.now().toString(36)}_`;

let pool: pg.Pool;
let postgres: PostgresStore;

/**
 * Each PostgreSQL test starts on new tables and a new store: a relay's claims live in its store's memory (and the
 * lease it holds in the tables), so truncating the tables under a store would leave it reading a log that is gone.
 */
const dropTables = (store: PostgresStore, on: pg.Pool) =>
  on.query(`DROP TABLE IF EXISTS ${Object.values(store.tables).join(', ')}`);

storeSuite<PostgresTransaction>({
  name: 'PostgreSQL',
  parallelClaims: true,
  async setup() {
    pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 });
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      throw new Error(
        `PostgreSQL not reachable at ${DATABASE_URL} (DATABASE_URL). Start it with: bash scripts/services up postgres`,
        { cause: error },
      );
    }
    const open = async () => {
      postgres = createPostgresStore({ pool, tablePrefix: `${prefix}pg_` });
      await postgres.migrate();
    };
    await open();
    await postgres.migrate(); // idempotent
    return {
      get outbox() {
        return postgres.outbox;
      },
      get inbox() {
        return postgres.inbox;
      },
      transaction: (fn) => postgres.transaction(fn),
      advance: (ms) => new Promise((r) => setTimeout(r, ms)), // leases run on real clocks
      async reset() {
        await dropTables(postgres, pool);
        await open();
      },
    };
  },
  async teardown() {
    if (postgres) await dropTables(postgres, pool);
    await pool?.end();
  },
});

let dir: string;
let db: Database.Database;
let time = 1_700_000_000_000;
storeSuite({
  name: 'SQLite',
  async setup() {
    dir = mkdtempSync(join(tmpdir(), 'humangov-sqlite-'));
    db = new Database(join(dir, 'store.db'));
    db.pragma('journal_mode = WAL');
    const store: SqliteStore = createSqliteStore({ db, tablePrefix: prefix, now: () => time });
    await store.migrate();
    await store.migrate();
    return {
      ...store,
      async advance(ms) {
        time += ms;
      },
      async reset() {
        db.exec(`DELETE FROM ${store.tables.outbox}; DELETE FROM ${store.tables.inbox};`);
      },
    };
  },
  async teardown() {
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  },
});

/**
 * The same contracts with the relay operations (claim, mark, release, cleanup, lag, LISTEN) answered by a relay
 * store in a worker thread, on its own connection, while `add` and transactions stay on the application's.
 */
const relaySide = <Tx>(app: OutboxStore<Tx>, worker: WorkerRelayStore): OutboxStore<Tx> =>
  Object.assign(Object.create(worker) as object, { add: app.add.bind(app) }) as OutboxStore<Tx>;

let workerPool: pg.Pool;
let workerPostgres: PostgresStore;
let postgresRelayStore: WorkerRelayStore | undefined;
storeSuite<PostgresTransaction>({
  name: 'PostgreSQL, relay store in a worker thread,',
  parallelClaims: true,
  async setup() {
    workerPool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
    const open = async () => {
      workerPostgres = createPostgresStore({ pool: workerPool, tablePrefix: `${prefix}pgw_` });
      await workerPostgres.migrate();
      postgresRelayStore = createPostgresRelayStore({
        pool: { connectionString: DATABASE_URL, max: 6 },
        tablePrefix: `${prefix}pgw_`,
      });
    };
    await open();
    let outbox = relaySide(workerPostgres.outbox, postgresRelayStore!);
    return {
      get outbox() {
        return outbox;
      },
      get inbox() {
        return workerPostgres.inbox;
      },
      transaction: (fn) => workerPostgres.transaction(fn),
      advance: (ms) => new Promise((r) => setTimeout(r, ms)),
      async reset() {
        await postgresRelayStore?.close();
        await dropTables(workerPostgres, workerPool);
        await open();
        outbox = relaySide(workerPostgres.outbox, postgresRelayStore!);
      },
    };
  },
  async teardown() {
    await postgresRelayStore?.close();
    if (workerPostgres) await dropTables(workerPostgres, workerPool);
    await workerPool?.end();
  },
});

let workerDir: string;
let workerDb: Database.Database;
let sqliteRelayStore: WorkerRelayStore;
storeSuite({
  name: 'SQLite, relay store in a worker thread,',
  async setup() {
    workerDir = mkdtempSync(join(tmpdir(), 'humangov-sqlite-worker-'));
    const filename = join(workerDir, 'store.db');
    workerDb = new Database(filename);
    workerDb.pragma('journal_mode = WAL');
    const store = createSqliteStore({ db: workerDb, tablePrefix: prefix });
    await store.migrate();
    sqliteRelayStore = createSqliteRelayStore({ filename, tablePrefix: prefix });
    return {
      ...store,
      outbox: relaySide(store.outbox, sqliteRelayStore),
      advance: (ms) => new Promise((r) => setTimeout(r, ms)), // both connections read Date.now
      async reset() {
        workerDb.exec(`DELETE FROM ${store.tables.outbox}; DELETE FROM ${store.tables.inbox};`);
      },
    };
  },
  async teardown() {
    await sqliteRelayStore?.close();
    workerDb?.close();
    if (workerDir) rmSync(workerDir, { recursive: true, force: true });
  },
});
