/**
 * @humangov/resilience/sqlite: outbox and inbox stores on SQLite (better-sqlite3 12, an optional peer dependency).
 *
 * ```ts
 * const store = createSqliteStore({ db: new Database('app.db') });
 * await store.migrate();
 * db.transaction(() => { db.prepare('INSERT ...').run(); void outbox.add(db, type, data); })();
 * ```
 */

// Sagas on SQLite: `createSqliteSagaStore({ db, tablePrefix })`, then `await store.migrate()`.
export type { SagaTableNames } from './saga/sql-tables.js';
export { createSqliteSagaStore, type SqliteSagaStore, type SqliteSagaStoreOptions } from './saga/sqlite.js';
export type { WorkerRelayStore } from './store/relay-worker/host.js';
export type { SqliteRelayStoreOptions } from './store/relay-worker/options.js';
export { createSqliteRelayStore } from './store/relay-worker/stores.js';
export { DEFAULT_TABLE_PREFIX, type TableNames } from './store/sql-names.js';
export {
  createSqliteStore,
  type SqliteStore,
  type SqliteStoreOptions,
  type SqliteTransaction,
} from './store/sqlite.js';
