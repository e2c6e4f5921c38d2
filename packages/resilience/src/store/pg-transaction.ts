import type { Pool, PoolClient } from 'pg';

/**
 * Runs `fn` in BEGIN ... COMMIT on one pooled client (ROLLBACK when it throws). The client gets an `'error'`
 * listener while it is checked out: pg-pool removes its own then, and a server that goes away mid-transaction
 * (a PostgreSQL restart) would otherwise emit an unhandled `'error'` and crash the process. A client that failed
 * is released as broken, so the pool drops it instead of handing it out again.
 */
export async function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error): void => {
    broken ??= error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    try {
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((failure: Error) => {
        broken ??= failure;
      });
      throw error;
    }
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
