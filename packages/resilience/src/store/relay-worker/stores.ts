/** The public factories of the worker-thread relay stores (exported from /sqlite and /postgres). */
import type { OutboxLeaseHolder, OutboxNotifier } from '../../outbox/port.js';
import { createWorkerRelayStore, type WorkerRelayStore } from './host.js';
import type { PostgresRelayStoreOptions, SqliteRelayStoreOptions } from './options.js';

/**
 * The relay side of a SQLite outbox, in a worker thread with its own connection to `filename`: hand it to
 * `createOutboxRelay({ store })`. The application keeps writing through `createSqliteStore` on its own connection;
 * use WAL mode (readers and the writer do not block each other). Close it after the relay.
 */
export function createSqliteRelayStore(options: SqliteRelayStoreOptions): WorkerRelayStore {
  if (typeof options.filename !== 'string' || options.filename === '' || options.filename === ':memory:')
    throw new TypeError(
      'createSqliteRelayStore: filename must name a database file (the worker opens its own connection)',
    );
  return createWorkerRelayStore({ kind: 'sqlite', options: { ...options } });
}

/**
 * The relay side of a PostgreSQL outbox, in a worker thread with its own `pg.Pool` (and LISTEN connection): hand it
 * to `createOutboxRelay({ store })`. Close it after the relay.
 */
export function createPostgresRelayStore(
  options: PostgresRelayStoreOptions,
): WorkerRelayStore & OutboxNotifier & OutboxLeaseHolder {
  const store = createWorkerRelayStore({ kind: 'postgres', options: { ...options, pool: { ...options.pool } } });
  return store as WorkerRelayStore & OutboxNotifier & OutboxLeaseHolder;
}
