/**
 * One database per service, SQLite (the embedded default) or PostgreSQL, behind one small surface: the outbox and
 * inbox stores of @humangov/resilience, a saga store, and `records` — the service's own rows as JSON documents by
 * (kind, id), written in the same transactions as the outbox and inbox. Real services would have real tables; the
 * examples keep their state as documents so one code path serves both databases.
 */
import type {
  InboxStore,
  OutboxStore,
  SagaHistory,
  SagaStore,
  SagaTransitionSink,
  Transactor,
} from '@humangov/resilience';
import { createPostgresSagaStore, createPostgresStore } from '@humangov/resilience/postgres';
import { createSqliteSagaStore, createSqliteStore } from '@humangov/resilience/sqlite';
import Database from 'better-sqlite3';
import pg from 'pg';

/** Where a service keeps its data. */
export type DatabaseConfig =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly prefix: string };

/** A transaction of the service's database (better-sqlite3 connection or pg client). Opaque to services. */
export type Tx = { readonly __tx: unique symbol };

export interface StoredRecord<T> {
  readonly id: string;
  readonly value: T;
  /** 1 when created, +1 per update: an ETag. */
  readonly version: number;
}

/** The service's own documents. Reads without `tx` see committed data. */
export interface Records {
  /**
   * `forUpdate` (with `tx`): on PostgreSQL, locks the row until `tx` ends (`SELECT ... FOR UPDATE`), so a
   * read-modify-write of one record by concurrent transactions loses no update; SQLite transactions already run
   * one at a time. @default false
   */
  get<T>(
    kind: string,
    id: string,
    tx?: Tx,
    options?: { readonly forUpdate?: boolean },
  ): Promise<StoredRecord<T> | undefined>;
  /** Inserts or replaces; resolves with the new version. */
  put<T>(tx: Tx, kind: string, id: string, value: T): Promise<number>;
  /** Every record of `kind`, in id order (ids are chosen so that order means something, e.g. zero-padded). */
  list<T>(kind: string, options?: { readonly after?: string; readonly limit?: number }): Promise<StoredRecord<T>[]>;
  count(kind: string): Promise<number>;
}

export interface ServiceDatabase extends Transactor<Tx> {
  readonly kind: DatabaseConfig['kind'];
  readonly outbox: OutboxStore<Tx>;
  readonly inbox: InboxStore<Tx>;
  readonly records: Records;
  /** A saga store on this database; `sink` is written in each transition's transaction. */
  sagaStore(sink?: SagaTransitionSink<Tx>): Promise<SagaStore & SagaHistory>;
  /** Resolves when the database answers a trivial query, rejects when it does not (or is closed): readiness. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Opens (and migrates) a service's database. */
export async function openDatabase(config: DatabaseConfig): Promise<ServiceDatabase> {
  return config.kind === 'sqlite' ? openSqlite(config.file) : openPostgres(config.url, config.prefix);
}

async function openSqlite(file: string): Promise<ServiceDatabase> {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  const store = createSqliteStore({ db });
  await store.migrate();
  db.exec(`CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL, id TEXT NOT NULL, value TEXT NOT NULL, version INTEGER NOT NULL,
    PRIMARY KEY (kind, id)) WITHOUT ROWID`);
  const get = db.prepare('SELECT id, value, version FROM records WHERE kind = ? AND id = ?');
  const upsert = db.prepare(`INSERT INTO records (kind, id, value, version) VALUES (?, ?, ?, 1)
    ON CONFLICT (kind, id) DO UPDATE SET value = excluded.value, version = records.version + 1 RETURNING version`);
  const list = db.prepare('SELECT id, value, version FROM records WHERE kind = ? AND id > ? ORDER BY id LIMIT ?');
  const count = db.prepare('SELECT count(*) AS n FROM records WHERE kind = ?');
  const one = db.prepare('SELECT 1');
  type Row = { id: string; value: string; version: number };
  const toRecord = <T>(row: Row): StoredRecord<T> => ({
    id: row.id,
    value: JSON.parse(row.value),
    version: row.version,
  });

  return {
    kind: 'sqlite',
    transaction: (fn) => store.transaction((tx) => fn(tx as unknown as Tx)),
    outbox: store.outbox as unknown as OutboxStore<Tx>,
    inbox: store.inbox as unknown as InboxStore<Tx>,
    records: {
      async get<T>(kind: string, id: string) {
        const row = get.get(kind, id) as Row | undefined;
        return row && toRecord<T>(row);
      },
      async put(_tx, kind, id, value) {
        return (upsert.get(kind, id, JSON.stringify(value)) as { version: number }).version;
      },
      async list<T>(kind: string, options: { after?: string; limit?: number } = {}) {
        return (list.all(kind, options.after ?? '', options.limit ?? 1_000_000) as Row[]).map((r) => toRecord<T>(r));
      },
      async count(kind) {
        return (count.get(kind) as { n: number }).n;
      },
    },
    async sagaStore(sink) {
      const sagas = createSqliteSagaStore({
        db,
        ...(sink && { sink: sink as unknown as SagaTransitionSink<Database.Database> }),
      });
      await sagas.migrate();
      return sagas;
    },
    async ping() {
      one.get();
    },
    async close() {
      db.close();
    },
  };
}

async function openPostgres(url: string, prefix: string): Promise<ServiceDatabase> {
  const pool = new pg.Pool({ connectionString: url, max: 5 });
  pool.on('error', () => {}); // an idle client lost in a restart: the next query reconnects
  const store = createPostgresStore({ pool, tablePrefix: prefix });
  await store.migrate();
  const table = `${prefix}records`;
  await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (
    kind text NOT NULL, id text NOT NULL, value jsonb NOT NULL, version integer NOT NULL,
    PRIMARY KEY (kind, id))`);
  type Row = { id: string; value: unknown; version: number };
  const toRecord = <T>(row: Row): StoredRecord<T> => ({ id: row.id, value: row.value as T, version: row.version });
  const client = (tx: Tx | undefined): pg.Pool | pg.ClientBase => (tx as unknown as pg.ClientBase | undefined) ?? pool;

  return {
    kind: 'postgres',
    transaction: (fn) => store.transaction((tx) => fn(tx as unknown as Tx)),
    outbox: store.outbox as unknown as OutboxStore<Tx>,
    inbox: store.inbox as unknown as InboxStore<Tx>,
    records: {
      async get<T>(kind: string, id: string, tx?: Tx, options?: { readonly forUpdate?: boolean }) {
        const lock = tx && options?.forUpdate ? ' FOR UPDATE' : '';
        const result = await client(tx).query<Row>(
          `SELECT id, value, version FROM ${table} WHERE kind = $1 AND id = $2${lock}`,
          [kind, id],
        );
        return result.rows[0] && toRecord<T>(result.rows[0]);
      },
      async put(tx, kind, id, value) {
        const result = await client(tx).query<{ version: number }>(
          `INSERT INTO ${table} (kind, id, value, version) VALUES ($1, $2, $3::jsonb, 1)
           ON CONFLICT (kind, id) DO UPDATE SET value = excluded.value, version = ${table}.version + 1
           RETURNING version`,
          [kind, id, JSON.stringify(value)],
        );
        return result.rows[0]!.version;
      },
      async list<T>(kind: string, options: { after?: string; limit?: number } = {}) {
        const result = await pool.query<Row>(
          `SELECT id, value, version FROM ${table} WHERE kind = $1 AND id > $2 ORDER BY id LIMIT $3`,
          [kind, options.after ?? '', options.limit ?? 1_000_000],
        );
        return result.rows.map((r) => toRecord<T>(r));
      },
      async count(kind) {
        const result = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE kind = $1`, [kind]);
        return Number(result.rows[0]!.n);
      },
    },
    async sagaStore(sink) {
      const sagas = createPostgresSagaStore({
        pool,
        tablePrefix: prefix,
        ...(sink && { sink: sink as unknown as SagaTransitionSink<pg.ClientBase> }),
      });
      await sagas.migrate();
      return sagas;
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
}
