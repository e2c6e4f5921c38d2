/** Options of the relay stores that run in a worker thread. Plain data: they are copied to the worker. */

export interface SqliteRelayStoreOptions {
  /** The database file the application writes its outbox to (not `:memory:`: the worker opens its own connection). */
  readonly filename: string;
  /** Prefix of the tables, as given to `createSqliteStore`. @default 'humangov_' */
  readonly tablePrefix?: string;
  /** How long a statement waits for another connection's write lock (better-sqlite3 `timeout`). @default 5_000 */
  readonly timeoutMs?: number;
}

export interface PostgresRelayStoreOptions {
  /**
   * `pg.Pool` options for the worker's own pool (connectionString, ssl, max...): plain values only, no functions
   * (a password function cannot cross to the worker). `query_timeout` fails a statement that gets no answer and
   * drops its connection. @default { max: 4, query_timeout: 30_000 }
   */
  readonly pool: Readonly<Record<string, unknown>>;
  /** Prefix of the tables, as given to `createPostgresStore`. @default 'humangov_' */
  readonly tablePrefix?: string;
}

/**
 * The options of the worker's pool: the caller's over the defaults. A statement with no answer for 30 s fails and its
 * connection is dropped (pg's `query_timeout`): a connection that hangs without being closed would otherwise hold up
 * every later claim. A claim takes milliseconds.
 */
export const relayPoolOptions = (pool: PostgresRelayStoreOptions['pool']): Record<string, unknown> => ({
  max: 4,
  query_timeout: 30_000,
  ...pool,
});
