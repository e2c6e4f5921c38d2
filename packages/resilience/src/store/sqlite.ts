/**
 * SQLite outbox and inbox stores over a better-sqlite3 12 connection. `better-sqlite3` is only imported as types:
 * the caller opens the database, so this module loads without it installed.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { InboxStore } from '../inbox/port.js';
import type { OutboxStore, Transactor } from '../outbox/port.js';
import { type TableNames, tableNames } from './sql-names.js';
import { migrateSqliteOutbox, type SqliteTransaction, sqliteOutbox } from './sqlite-outbox.js';

export type { SqliteTransaction };

export interface SqliteStoreOptions {
  /**
   * The connection. WAL mode (`db.pragma('journal_mode = WAL')`) and a `busy_timeout` are recommended when other
   * processes use the file. The store does not close it.
   */
  readonly db: BetterSqlite3.Database;
  /** Prefix of the tables (`<prefix>outbox`, `<prefix>inbox`). @default 'humangov_' */
  readonly tablePrefix?: string;
  /** Clock of timestamps and leases (ms). @default Date.now */
  readonly now?: () => number;
}

/**
 * The outbox, the inbox and async transactions on one SQLite connection.
 *
 * `transaction(fn)` holds `BEGIN IMMEDIATE` across the awaits of `fn`; since the connection has one transaction
 * at a time, transactions and the store's own operations (claim, mark, cleanup) on one connection queue behind
 * each other. While one is open, any other statement on the connection joins it: do not use the connection
 * outside the transaction meanwhile. Synchronous `db.transaction(...)` functions need no care.
 */
export interface SqliteStore extends Transactor<SqliteTransaction> {
  readonly outbox: OutboxStore<SqliteTransaction>;
  readonly inbox: InboxStore<SqliteTransaction>;
  readonly tables: TableNames;
  /**
   * Creates the tables and indexes if they do not exist: `<prefix>inbox`, and the outbox as `<prefix>outbox` (key,
   * lease, publication) plus `<prefix>outbox_payload` (the messages). Splits an outbox of the first layout (one table).
   */
  migrate(): Promise<void>;
}

/** One queue per connection, shared by every store on it. */
const queues = new WeakMap<BetterSqlite3.Database, Promise<unknown>>();

function serializer(db: BetterSqlite3.Database) {
  return <T>(fn: () => T | Promise<T>): Promise<T> => {
    const previous = queues.get(db) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    queues.set(
      db,
      run.catch(() => {}),
    );
    return run;
  };
}

export function createSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const { db } = options;
  const now = options.now ?? Date.now;
  const tables = tableNames(options.tablePrefix);
  const serialize = serializer(db);

  const transaction = <T>(fn: (tx: SqliteTransaction) => Promise<T> | T): Promise<T> =>
    serialize(async () => {
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(db);
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    });

  const inbox: InboxStore<SqliteTransaction> = {
    transaction,
    seen(tx, group, eventId) {
      try {
        const result = tx
          .prepare(`INSERT INTO ${tables.inbox} (group_name, event_id, received_at) VALUES (?, ?, ?)
                    ON CONFLICT DO NOTHING`)
          .run(group, eventId, now());
        return Promise.resolve(result.changes === 0);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    cleanup: (olderThanMs) =>
      serialize(() => db.prepare(`DELETE FROM ${tables.inbox} WHERE received_at < ?`).run(now() - olderThanMs).changes),
  };

  let outbox: OutboxStore<SqliteTransaction> | undefined;
  const migrate = () =>
    serialize(() => {
      migrateSqliteOutbox(db, tables.outbox);
      db.exec(`
        CREATE TABLE IF NOT EXISTS ${tables.inbox} (
          group_name TEXT NOT NULL,
          event_id TEXT NOT NULL,
          received_at INTEGER NOT NULL,
          PRIMARY KEY (group_name, event_id)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ${tables.inbox}_received ON ${tables.inbox} (received_at);`);
    });

  // The outbox prepares its statements against the tables, so it is built on first use (after `migrate()`).
  const lazyOutbox = (): OutboxStore<SqliteTransaction> => {
    outbox ??= sqliteOutbox(db, tables.outbox, now, serialize);
    return outbox;
  };

  return {
    outbox: {
      add: (tx, rows) => lazyOutbox().add(tx, rows),
      claim: (limit, leaseMs) => lazyOutbox().claim(limit, leaseMs),
      markPublished: (ids) => lazyOutbox().markPublished(ids),
      release: (ids) => lazyOutbox().release(ids),
      cleanup: (olderThanMs) => lazyOutbox().cleanup(olderThanMs),
      lag: () => lazyOutbox().lag(),
    },
    inbox,
    tables,
    transaction,
    migrate,
  };
}
