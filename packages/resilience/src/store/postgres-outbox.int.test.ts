/**
 * The PostgreSQL outbox tables on a real server (DATABASE_URL): the split of an outbox of the first layout (one
 * table) and cleanup of the messages. Tables get a prefix unique to the run and are dropped afterwards.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../postgres.js';
import { claimStatement, postgresClaim } from './postgres-outbox.js';
import { packClaimed, unpackRows } from './relay-worker/packing.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://humangov:humangov@127.0.0.1:5432/humangov';
const base = `t${process.pid}_${Date.now().toString(36)}_`;
let pool: pg.Pool;
const prefixes: string[] = [];

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
  await pool.query('SELECT 1');
});
afterAll(async () => {
  for (const p of prefixes) {
    await pool.query(`DROP TABLE IF EXISTS ${p}outbox, ${p}outbox_payload, ${p}inbox`);
  }
  await pool.end();
});

const prefix = (name: string) => {
  const p = `${base}${name}_`;
  prefixes.push(p);
  return p;
};

const message = (n: number) => ({
  channel: 'test.channel',
  key: 'a',
  attributes: { id: `e${n}` },
  headers: { h: String(n) },
  body: new TextEncoder().encode(`{"n":${n}}`),
});

describe('PostgreSQL outbox claim', () => {
  it('reads every field back through its binary COPY, on the relay thread and packed for the worker', async () => {
    const p = prefix('copy');
    const store = createPostgresStore({ pool, tablePrefix: p });
    await store.migrate();
    await pool.query(`ALTER SEQUENCE ${p}outbox_id_seq RESTART WITH 9007199254740993`); // past 2^53
    const added = [
      {
        ...message(1),
        contentType: 'application/octet-stream',
        attributes: JSON.parse('{"id":"e1","__proto__":{"polluted":"yes"}}') as Record<string, string>,
        body: new Uint8Array(Array.from({ length: 1_000 }, (_, i) => (i * 131) % 256)), // every byte value
      },
      { channel: 'other', attributes: { id: 'é 🌍' }, headers: { 'x-h': 'v' }, body: new Uint8Array(0) },
    ];
    await store.transaction((tx) => store.outbox.add(tx, added));

    const copy = await postgresClaim(pool, `${p}outbox`)(10, 60_000);
    const viaWorker = unpackRows(structuredClone(packClaimed(copy).packed));
    await store.outbox.release(viaWorker.map((r) => r.id));
    const inThread = await store.outbox.claim(10, 60_000);
    for (const rows of [inThread, viaWorker]) {
      expect(rows.map((r) => r.id)).toEqual(['9007199254740993', '9007199254740994']);
      expect(rows.map((r) => Buffer.from(r.body))).toEqual(added.map((r) => Buffer.from(r.body)));
      expect(rows[0]).toMatchObject({ channel: 'test.channel', key: 'a', contentType: 'application/octet-stream' });
      expect(Object.keys(rows[0]!.attributes)).toEqual(['id', '__proto__']);
      expect(rows[1]).toMatchObject({ channel: 'other', attributes: { id: 'é 🌍' }, headers: { 'x-h': 'v' } });
      expect(rows[1]).not.toHaveProperty('key');
      expect(rows[1]).not.toHaveProperty('contentType');
      expect(Math.abs(rows[0]!.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
    }
    expect(viaWorker.map((r) => r.attempts)).toEqual([1, 1]);
    expect(inThread.map((r) => r.attempts)).toEqual([2, 2]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('fails a claim with the database error, and the pool stays usable', async () => {
    const claim = postgresClaim(pool, `${prefix('missing')}outbox`);
    await expect(claim(10, 1_000)).rejects.toMatchObject({ code: '42P01' }); // undefined_table
    await expect(claim(1.5, 1_000)).rejects.toThrow(TypeError);
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('fails a claim whose connection is killed mid-COPY, and the next claim gets a working connection', async () => {
    const p = prefix('kill');
    const own = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
    own.on('error', () => {}); // the killed connection, if it was idle by then
    const store = createPostgresStore({ pool: own, tablePrefix: p });
    await store.migrate();
    await store.transaction((tx) => store.outbox.add(tx, [message(1), message(2), message(3)]));
    const locker = await pool.connect();
    try {
      await locker.query(`BEGIN; LOCK TABLE ${p}outbox IN ACCESS EXCLUSIVE MODE`);
      const claiming = store.outbox.claim(10, 60_000).then(
        () => 'claimed',
        (error: unknown) => error,
      );
      let pid: number | undefined;
      for (let tries = 0; pid === undefined && tries < 200; tries++) {
        const { rows } = await pool.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
          [`COPY (%${p}outbox%`],
        );
        pid = rows[0]?.pid;
        if (pid === undefined) await new Promise((r) => setTimeout(r, 10));
      }
      expect(pid).toBeDefined();
      await pool.query('SELECT pg_terminate_backend($1)', [pid]);
      expect(await claiming).toBeInstanceOf(Error);
    } finally {
      await locker.query('ROLLBACK');
      locker.release();
    }
    expect((await store.outbox.claim(10, 60_000)).map((r) => r.attributes.id)).toEqual(['e1', 'e2', 'e3']);
    await own.end();
  });

  it('claims through the indexes, however many published rows retention keeps', async () => {
    const p = prefix('plan');
    const store = createPostgresStore({ pool, tablePrefix: p });
    await store.migrate();
    const rows = Array.from({ length: 500 }, (_, i) => ({ ...message(i), key: `k${i % 50}` }));
    for (let i = 0; i < 20; i++) await store.transaction((tx) => store.outbox.add(tx, rows));
    await store.outbox.markPublished((await store.outbox.claim(9_500, 60_000)).map((r) => r.id));
    await pool.query(`ANALYZE ${p}outbox`);

    const plan = await pool.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN ${claimStatement(`${p}outbox`, 'l.id', '$1', '$2')}`,
      [100, 60_000],
    );
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    // A sequential scan reads all 10,000 rows to lease 100: the claim would slow down as published rows pile up.
    expect(text).not.toMatch(new RegExp(`Seq Scan on ${p}outbox(_payload)?\\b`));
    expect((await store.outbox.claim(100, 60_000)).length).toBe(100);
  });
});

describe('PostgreSQL outbox tables', () => {
  it('splits an outbox of the one-table layout, keeping its pending rows, their order and attempts', async () => {
    const p = prefix('old');
    await pool.query(`
      CREATE TABLE ${p}outbox (
        id bigserial PRIMARY KEY, channel text NOT NULL, key text, attributes jsonb NOT NULL, content_type text,
        headers jsonb NOT NULL, body bytea NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
        claimed_until timestamptz, published_at timestamptz, attempts integer NOT NULL DEFAULT 0);
      CREATE INDEX ${p}outbox_pending ON ${p}outbox (id) WHERE published_at IS NULL;
      CREATE INDEX ${p}outbox_pending_key ON ${p}outbox (key, id) WHERE published_at IS NULL;
      CREATE INDEX ${p}outbox_published ON ${p}outbox (published_at) WHERE published_at IS NOT NULL;
      INSERT INTO ${p}outbox (channel, key, attributes, headers, body, published_at)
        VALUES ('c', 'a', '{"id":"e1"}', '{}', '\\x31', now());
      INSERT INTO ${p}outbox (channel, key, attributes, content_type, headers, body, created_at, attempts)
        VALUES ('c', 'a', '{"id":"e2"}', 'text/plain', '{"h":"2"}', '\\x32', '2026-01-02T03:04:05.678Z', 1),
               ('c', NULL, '{"id":"e3"}', NULL, '{}', '\\x33', now(), 0);`);
    const store = createPostgresStore({ pool, tablePrefix: p });
    await Promise.all([store.migrate(), store.migrate()]);
    await store.migrate();

    const claimed = await store.outbox.claim(10, 60_000);
    expect(claimed.map((r) => r.attributes.id)).toEqual(['e2', 'e3']);
    expect(claimed[0]).toMatchObject({ channel: 'c', key: 'a', contentType: 'text/plain', attempts: 2 });
    expect(claimed[0]?.headers).toEqual({ h: '2' });
    expect(claimed[0]?.createdAt.toISOString()).toBe('2026-01-02T03:04:05.678Z');
    expect(Buffer.from(claimed[0]!.body).toString()).toBe('2');
    expect(claimed[1]).not.toHaveProperty('key');
    // A row added after the split follows the old ones (ids are not reused) and waits for the key's older row.
    await store.transaction((tx) => store.outbox.add(tx, [message(4)]));
    expect(await store.outbox.claim(10, 60_000)).toEqual([]);
    await store.outbox.markPublished(claimed.map((r) => r.id));
    const [next] = await store.outbox.claim(10, 60_000);
    expect(next?.attributes.id).toBe('e4');
    expect(Number(next?.id)).toBeGreaterThan(Number(claimed[1]?.id));
  });

  it('gives the rows of one add increasing ids in their order, and cleanup deletes their messages', async () => {
    const p = prefix('new');
    const store = createPostgresStore({ pool, tablePrefix: p });
    await store.migrate();
    const rows = Array.from({ length: 50 }, (_, i) => ({ ...message(i), key: `k${i % 3}` }));
    await store.transaction((tx) => store.outbox.add(tx, rows));

    const claimed = await store.outbox.claim(100, 60_000);
    expect(claimed.map((r) => r.attributes.id)).toEqual(rows.map((r) => r.attributes.id));
    await store.outbox.markPublished(claimed.slice(0, 20).map((r) => r.id));
    expect(await store.outbox.cleanup(0)).toBe(20);
    const { rows: left } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${p}outbox_payload`);
    expect(left[0]?.n).toBe(30);
  });
});
