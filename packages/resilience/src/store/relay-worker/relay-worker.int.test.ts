/**
 * A relay-store worker that dies (PostgreSQL at DATABASE_URL): calls in flight fail with a typed error, the next call
 * starts a new worker, and a relay that listened is listening again and woken. A worker whose connection stops
 * answering fails the claim after the pool's `query_timeout`. Tables get a run-unique prefix.
 */
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isResilienceError } from '../../errors.js';
import { createPostgresStore, type PostgresStore } from '../postgres.js';
import { createWorkerRelayStore } from './host.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://humangov:humangov@127.0.0.1:5432/humangov';
const tablePrefix = `rw${process.pid}_${Date.now().toString(36)}_`;
let pool: pg.Pool;
let app: PostgresStore;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  app = createPostgresStore({ pool, tablePrefix });
  await app.migrate();
});
afterAll(async () => {
  await pool.query(`DROP TABLE IF EXISTS ${Object.values(app.tables).join(', ')}`);
  await pool.end();
});

const addRow = (n: number) =>
  app.transaction((tx) =>
    app.outbox.add(tx, [
      { channel: 'c', key: 'k', attributes: { id: `e${n}` }, headers: {}, body: new TextEncoder().encode(`${n}`) },
    ]),
  );

const waitFor = async (what: string, check: () => boolean) => {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('a relay-store worker that dies', () => {
  it('fails the calls in flight, starts a new worker on the next call, and listens and wakes the relay again', async () => {
    const workers: Worker[] = [];
    const store = createWorkerRelayStore(
      { kind: 'postgres', options: { pool: { connectionString: DATABASE_URL }, tablePrefix } },
      (spec) => {
        const worker = new Worker(new URL('../../../dist/relay-worker.js', import.meta.url), { workerData: spec });
        workers.push(worker);
        return worker;
      },
    );
    try {
      let wakeUps = 0;
      await store.listen?.(() => wakeUps++);
      await addRow(1);
      await waitFor('the NOTIFY of a commit', () => wakeUps >= 1);

      // A call that cannot finish before the worker dies: its query waits for a lock the test holds.
      const locker = await pool.connect();
      await locker.query(`BEGIN; LOCK TABLE ${app.tables.outbox} IN ACCESS EXCLUSIVE MODE`);
      const inFlight = store.lag();
      await new Promise((r) => setTimeout(r, 100));
      await workers[0]!.terminate();
      const error = await inFlight.catch((e: unknown) => e);
      await locker.query('ROLLBACK');
      locker.release();
      expect(isResilienceError(error, 'HUMANGOV_RELAY_STORE_WORKER')).toBe(true);
      expect(String((error as Error).message)).toMatch(/the worker stopped/);

      // A new worker listens again and wakes the relay once, in case a notification was lost meanwhile.
      await waitFor('a second worker', () => workers.length === 2);
      await waitFor('the wake-up after the restart', () => wakeUps >= 2);
      const before = wakeUps;
      await addRow(2);
      await waitFor('a NOTIFY through the new worker', () => wakeUps > before);
      const claimed = await store.claim(10, 30_000);
      expect(claimed.map((r) => r.attributes.id)).toEqual(['e1', 'e2']);
      expect(workers).toHaveLength(2);
    } finally {
      await store.close();
    }
  });
});

describe('a relay-store worker whose connection stops answering', () => {
  it("fails a claim that gets no answer within the pool's query_timeout, and the next claim works", async () => {
    const own = createPostgresStore({ pool, tablePrefix: `${tablePrefix}t_` });
    await own.migrate();
    const store = createWorkerRelayStore(
      {
        kind: 'postgres',
        options: { pool: { connectionString: DATABASE_URL, query_timeout: 300 }, tablePrefix: `${tablePrefix}t_` },
      },
      (spec) => new Worker(new URL('../../../dist/relay-worker.js', import.meta.url), { workerData: spec }),
    );
    const locker = await pool.connect();
    try {
      const body = new TextEncoder().encode('1');
      await own.transaction((tx) =>
        own.outbox.add(tx, [{ channel: 'c', key: 'k', attributes: { id: 'e1' }, headers: {}, body }]),
      );
      await locker.query(`BEGIN; LOCK TABLE ${own.tables.outbox} IN ACCESS EXCLUSIVE MODE`);
      await expect(store.claim(10, 30_000)).rejects.toThrow(/timeout/i);
      await locker.query('ROLLBACK');
      expect((await store.claim(10, 30_000)).map((r) => r.attributes.id)).toEqual(['e1']);
    } finally {
      await locker.query('ROLLBACK');
      locker.release();
      await store.close();
      await pool.query(`DROP TABLE IF EXISTS ${Object.values(own.tables).join(', ')}`);
    }
  });
});
