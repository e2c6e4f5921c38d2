/**
 * @humangov/resilience/postgres: outbox and inbox stores on PostgreSQL (`pg` 8, an optional peer dependency).
 *
 * ```ts
 * const store = createPostgresStore({ pool: new pg.Pool({ connectionString }) });
 * await store.migrate();
 * await store.transaction(async (tx) => { await tx.query('INSERT ...'); await outbox.add(tx, type, data); });
 * ```
 */
// Sagas on PostgreSQL: `createPostgresSagaStore({ pool, tablePrefix })`, then `await store.migrate()`.
export { createPostgresSagaStore, type PostgresSagaStore, type PostgresSagaStoreOptions } from './saga/postgres.js';
export type { SagaTableNames } from './saga/sql-tables.js';
export {
  createPostgresStore,
  type PostgresStore,
  type PostgresStoreOptions,
  type PostgresTransaction,
} from './store/postgres.js';
export type { WorkerRelayStore } from './store/relay-worker/host.js';
export type { PostgresRelayStoreOptions } from './store/relay-worker/options.js';
export { createPostgresRelayStore } from './store/relay-worker/stores.js';
export { DEFAULT_TABLE_PREFIX, type PostgresTableNames } from './store/sql-names.js';
