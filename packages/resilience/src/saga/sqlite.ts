/**
 * The SQLite saga store over a better-sqlite3 12 connection (imported as types only: the caller opens the
 * database). Each write is one synchronous better-sqlite3 transaction, so it never interleaves with other JS.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { SagaConflictError } from '../errors.js';
import type { SqliteTransaction } from '../store/sqlite-outbox.js';
import type { SagaHistory, SagaInstance, SagaStatus, SagaStore, SagaTransition, SagaTransitionSink } from './port.js';
import { type SagaTableNames, sagaTableNames } from './sql-tables.js';

export interface SqliteSagaStoreOptions {
  /**
   * The connection; the store does not close it. Do not share it with an async `SqliteStore.transaction()` that is
   * open: a saga write would join that transaction.
   */
  readonly db: BetterSqlite3.Database;
  /** Prefix of the tables (`<prefix>saga`, `<prefix>saga_transition`). @default 'humangov_' */
  readonly tablePrefix?: string;
  /**
   * Written in each create/save transaction, e.g. the transition into the outbox of a `createSqliteStore` on the
   * same connection (its `transaction()` then holds the write lock across the sink's write). @default none
   */
  readonly sink?: SagaTransitionSink<SqliteTransaction>;
}

export interface SqliteSagaStore extends SagaStore, SagaHistory {
  readonly tables: SagaTableNames;
  /** Creates the tables and indexes if they do not exist. */
  migrate(): Promise<void>;
}

interface Row {
  saga_id: string;
  saga_name: string;
  status: string;
  step: string | null;
  state: string;
  failure: string | null;
  version: number;
  created_at: number;
  updated_at: number;
}

export function createSqliteSagaStore(options: SqliteSagaStoreOptions): SqliteSagaStore {
  const { db } = options;
  const tables = sagaTableNames(options.tablePrefix);
  const { saga, transition: history } = tables;

  // Statements are prepared on first use: the tables exist only after `migrate()`.
  const statement = (() => {
    const cache = new Map<string, BetterSqlite3.Statement>();
    return (sql: string) => {
      const cached = cache.get(sql);
      if (cached) return cached;
      const prepared = db.prepare(sql);
      cache.set(sql, prepared);
      return prepared;
    };
  })();

  const params = (i: SagaInstance) => [
    i.sagaId,
    i.sagaName,
    i.status,
    i.step ?? null,
    JSON.stringify(i.state),
    i.failure ? JSON.stringify(i.failure) : null,
    i.version,
    i.createdAt,
    i.updatedAt,
  ];
  const addTransition = (t: SagaTransition) =>
    statement(`INSERT INTO ${history} (saga_id, version, record) VALUES (?, ?, ?)`).run(
      t.sagaId,
      t.version,
      JSON.stringify(t),
    );

  const create = db.transaction((instance: SagaInstance, transition: SagaTransition) => {
    const inserted = statement(
      `INSERT INTO ${saga} (saga_id, saga_name, status, step, state, failure, version, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ).run(...params(instance));
    if (inserted.changes === 0) throw new SagaConflictError({ sagaId: instance.sagaId, reason: 'exists' });
    addTransition(transition);
  });

  const save = db.transaction((instance: SagaInstance, transition: SagaTransition) => {
    const [sagaId, , status, step, state, failure, version, , updatedAt] = params(instance);
    const updated = statement(
      `UPDATE ${saga} SET status = ?, step = ?, state = ?, failure = ?, version = ?, updated_at = ?
       WHERE saga_id = ? AND version = ?`,
    ).run(status, step, state, failure, version, updatedAt, sagaId, instance.version - 1);
    if (updated.changes === 0) {
      throw new SagaConflictError({
        sagaId: instance.sagaId,
        reason: 'version',
        expectedVersion: instance.version - 1,
      });
    }
    addTransition(transition);
  });

  const attempt = <T>(fn: () => T): Promise<T> => {
    try {
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const { sink } = options;
  // With a sink, the synchronous write runs inside the sink's transaction (as a savepoint) before the sink writes.
  const withSink = (writeSaga: () => void, transition: SagaTransition): Promise<void> =>
    sink
      ? sink.transactor.transaction(async (tx) => {
          writeSaga();
          await sink.write(tx, transition);
        })
      : attempt(writeSaga);

  return {
    tables,
    migrate: () =>
      attempt(() =>
        db.exec(`
          CREATE TABLE IF NOT EXISTS ${saga} (
            saga_id TEXT PRIMARY KEY,
            saga_name TEXT NOT NULL,
            status TEXT NOT NULL,
            step TEXT,
            state TEXT NOT NULL,
            failure TEXT,
            version INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL) WITHOUT ROWID;
          CREATE INDEX IF NOT EXISTS ${saga}_unfinished ON ${saga} (created_at)
            WHERE status IN ('running', 'compensating');
          CREATE TABLE IF NOT EXISTS ${history} (
            saga_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            record TEXT NOT NULL,
            PRIMARY KEY (saga_id, version)) WITHOUT ROWID;`),
      ).then(() => {}),
    create: (instance, transition) => withSink(() => create(instance, transition), transition),
    save: (instance, transition) => withSink(() => save(instance, transition), transition),
    load: (sagaId) =>
      attempt(() => {
        const row = statement(`SELECT * FROM ${saga} WHERE saga_id = ?`).get(sagaId) as Row | undefined;
        return row && toInstance(row);
      }),
    listUnfinished: () =>
      attempt(() =>
        (
          statement(
            `SELECT * FROM ${saga} WHERE status IN ('running', 'compensating') ORDER BY created_at, saga_id`,
          ).all() as Row[]
        ).map(toInstance),
      ),
    history: (sagaId) =>
      attempt(() =>
        (
          statement(`SELECT record FROM ${history} WHERE saga_id = ? ORDER BY version`).all(sagaId) as {
            record: string;
          }[]
        ).map((r) => JSON.parse(r.record) as SagaTransition),
      ),
  };
}

function toInstance(row: Row): SagaInstance {
  return {
    sagaId: row.saga_id,
    sagaName: row.saga_name,
    status: row.status as SagaStatus,
    ...(row.step !== null && { step: row.step }),
    state: JSON.parse(row.state),
    ...(row.failure !== null && { failure: JSON.parse(row.failure) }),
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
