/**
 * The saga store table on PostgreSQL at DATABASE_URL: an unreachable server fails the file, never skips it.
 * Tables get a prefix unique to the run and are dropped afterwards.
 */
import pg from 'pg';
import { afterAll } from 'vitest';
import { createPostgresSagaStore, type PostgresSagaStore } from './postgres.js';
import { sagaStoreCases } from './store-cases.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://humangov:humangov@127.0.0.1:5432/humangov';
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 5 });
const store: PostgresSagaStore = createPostgresSagaStore({
  pool,
  tablePrefix: `saga${process.pid}_${Date.now().toString(36)}_`,
});

sagaStoreCases('PostgreSQL', async () => {
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL not reachable at ${DATABASE_URL} (DATABASE_URL). Start it with: bash scripts/services up postgres`,
      { cause: error },
    );
  }
  await Promise.all([store.migrate(), store.migrate()]); // concurrent and idempotent
  return {
    store,
    async reset() {
      await pool.query(`TRUNCATE ${store.tables.saga}, ${store.tables.transition}`);
    },
  };
});

afterAll(async () => {
  await pool.query(`DROP TABLE IF EXISTS ${store.tables.saga}, ${store.tables.transition}`).catch(() => {});
  await pool.end();
});
