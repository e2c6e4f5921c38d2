/**
 * PostgreSQL outbox and inbox stores over a `pg` Pool. `pg` is only imported as types: the caller's Pool does the
 * work, so this module loads without `pg` installed.
 */
import type { Pool } from 'pg';
import type { InboxStore } from '../inbox/port.js';
import type { OutboxLeaseHolder, OutboxNotifier, OutboxStore, Transactor } from '../outbox/port.js';
import { inTransaction } from './pg-transaction.js';
import { migratePostgresOutbox, type PostgresTransaction, postgresOutbox } from './postgres-outbox.js';
import { type PostgresTableNames, postgresTableNames } from './sql-names.js';

export type { PostgresTransaction };

export interface PostgresStoreOptions {
  /** The pool every store operation and `transaction()` uses; the store does not end it. */
  readonly pool: Pool;
  /**
   * Prefix of the tables (`<prefix>outbox`, `<prefix>outbox_marks`, `<prefix>outbox_relay`, `<prefix>inbox`);
   * letters, digits, `_`.
   * @default 'humangov_'
   */
  readonly tablePrefix?: string;
}

/**
 * The outbox (woken by LISTEN/NOTIFY: `add` notifies channel `<prefix>outbox` in the caller's transaction, so
 * relays hear of rows when they commit, never of rolled-back ones), the inbox, and transactions on one pool.
 */
export interface PostgresStore extends Transactor<PostgresTransaction> {
  readonly outbox: OutboxStore<PostgresTransaction> & OutboxNotifier & OutboxLeaseHolder;
  readonly inbox: InboxStore<PostgresTransaction>;
  readonly tables: PostgresTableNames;
  /**
   * Creates the tables and indexes if they do not exist; safe to run from several processes at once. The outbox is
   * a log, `<prefix>outbox`, with `<prefix>outbox_marks` (how far it was published) and `<prefix>outbox_relay` (the
   * relays' lease); an outbox of an earlier layout is moved into the log, its rows kept (see
   * `migratePostgresOutbox`): stop the relays and writers of an older version first.
   */
  migrate(): Promise<void>;
}

export function createPostgresStore(options: PostgresStoreOptions): PostgresStore {
  const { pool } = options;
  const tables = postgresTableNames(options.tablePrefix);

  /** BEGIN on a pool client; COMMIT when `fn` resolves, ROLLBACK when it throws (see `inTransaction`). */
  function transaction<T>(fn: (tx: PostgresTransaction) => Promise<T> | T): Promise<T> {
    return inTransaction(pool, async (client) => fn(client));
  }

  const inbox: InboxStore<PostgresTransaction> = {
    transaction,
    async seen(tx, group, eventId) {
      // A row another open transaction inserted makes this wait for it: seen if it commits, ours if it rolls back.
      const result = await tx.query(
        `INSERT INTO ${tables.inbox} (group_name, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [group, eventId],
      );
      return result.rowCount === 0;
    },
    async cleanup(olderThanMs) {
      const result = await pool.query(
        `DELETE FROM ${tables.inbox} WHERE received_at < now() - $1::double precision * interval '1 millisecond'`,
        [olderThanMs],
      );
      return result.rowCount ?? 0;
    },
  };

  return {
    outbox: postgresOutbox(pool, tables.outbox, tables.outbox),
    inbox,
    tables,
    transaction,
    migrate: () =>
      transaction(async (tx) => {
        // Concurrent CREATE ... IF NOT EXISTS can still collide in the catalog; one migration at a time per prefix.
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [tables.outbox]);
        await migratePostgresOutbox(tx, tables.outbox);
        await tx.query(`
          CREATE TABLE IF NOT EXISTS ${tables.inbox} (
            group_name text NOT NULL,
            event_id text NOT NULL,
            received_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (group_name, event_id));
          CREATE INDEX IF NOT EXISTS ${tables.inbox}_received ON ${tables.inbox} (received_at);`);
      }),
  };
}
