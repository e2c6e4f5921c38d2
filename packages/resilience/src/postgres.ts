/**
 * @humangov/resilience/postgres: outbox and inbox stores on PostgreSQL (`pg` 8, an optional peer dependency).
 *
 * ```ts
 * const store = createPostgresStore({ pool: new pg.Pool({ connectionString }) });
 * await store.migrate();
 * await store.transaction(async (tx) => { await tx.query('INSERT ...'); await outbox.add(tx, type, data); });
 * ```
 */
export {
  createPostgresStore,
  type PostgresStore,
  type PostgresStoreOptions,
  type PostgresTransaction,
} from './store/postgres.js';
export { DEFAULT_TABLE_PREFIX, type TableNames } from './store/sql-names.js';
