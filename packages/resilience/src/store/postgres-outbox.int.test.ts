/**
 * The PostgreSQL outbox log on a real server (DATABASE_URL): its reads, the horizon that keeps a relay from
 * passing a row still being written, the lease between relays, and the move of earlier layouts into the log.
 * Tables get a prefix unique to the run and are dropped afterwards.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxRow } from '../outbox/port.js';
import { createPostgresStore, type PostgresStore } from '../postgres.js';
import { postgresOutbox, readStatement } from './postgres-outbox.js';
import { packTuples, unpackRows } from './relay-worker/packing.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://humangov:humangov@127.0.0.1:5432/humangov';
const base = `t${process.pid}_${Date.now().toString(36)}_`;
let pool: pg.Pool;
const prefixes: string[] = [];

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: 6 });
  await pool.query('SELECT 1');
});
afterAll(async () => {
  for (const p of prefixes) {
    await pool.query(
      `DROP TABLE IF EXISTS ${p}outbox, ${p}outbox_marks, ${p}outbox_relay, ${p}outbox_payload, ${p}outbox_v1, ${p}inbox`,
    );
  }
  await pool.end();
});

const prefix = (name: string) => {
  const p = `${base}${name}_`;
  prefixes.push(p);
  return p;
};

const migrated = async (name: string, on: pg.Pool = pool): Promise<PostgresStore> => {
  const store = createPostgresStore({ pool: on, tablePrefix: prefix(name) });
  await store.migrate();
  return store;
};

const message = (n: number, key = 'a') => ({
  channel: 'test.channel',
  key,
  attributes: { id: `e${n}` },
  headers: { h: String(n) },
  body: new TextEncoder().encode(`{"n":${n}}`),
});

const ids = (rows: readonly { attributes: Readonly<Record<string, string>> }[]) => rows.map((r) => r.attributes.id);

/** The server process of a claim's read that waits on a lock on `table` (polled until there is one). */
const readWaitingOn = async (table: string): Promise<number> => {
  for (let tries = 0; tries < 200; tries++) {
    const { rows } = await pool.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
      [`COPY (%${table}%`],
    );
    if (rows[0]) return rows[0].pid;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no claim read waits on ${table}`);
};

describe('PostgreSQL outbox claim', () => {
  it('reads every field back through its binary COPY, on the relay thread and packed for the worker', async () => {
    const store = await migrated('copy');
    const table = store.tables.outbox;
    await pool.query(`ALTER SEQUENCE ${table}_id_seq RESTART WITH 9007199254740993`); // past 2^53
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

    const relay = postgresOutbox(pool, table, table);
    const viaWorker = unpackRows(structuredClone(packTuples(await relay.claimEntries(10, 60_000)).packed));
    await relay.release(viaWorker.map((r) => r.id));
    const inThread = await relay.claim(10, 60_000);
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
    const store = createPostgresStore({ pool, tablePrefix: prefix('missing') }); // never migrated
    await expect(store.outbox.claim(10, 1_000)).rejects.toMatchObject({ code: '42P01' }); // undefined_table
    await expect(store.outbox.claim(1.5, 1_000)).rejects.toThrow(TypeError);
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('fails a claim whose connection is killed mid-COPY, and the next claim gets a working connection', async () => {
    const own = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
    own.on('error', () => {}); // the killed connection, if it was idle by then
    const store = await migrated('kill', own);
    const table = store.tables.outbox;
    await store.transaction((tx) => store.outbox.add(tx, [message(1), message(2), message(3)]));
    const locker = await pool.connect();
    try {
      await locker.query(`BEGIN; LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
      const claiming = store.outbox.claim(10, 60_000).then(
        () => 'claimed',
        (error: unknown) => error,
      );
      await pool.query('SELECT pg_terminate_backend($1)', [await readWaitingOn(table)]);
      expect(await claiming).toBeInstanceOf(Error);
    } finally {
      await locker.query('ROLLBACK');
      locker.release();
    }
    expect(ids(await store.outbox.claim(10, 60_000))).toEqual(['e1', 'e2', 'e3']);
    await own.end();
  });

  it("with pg's query_timeout, a claim on a connection that stops answering fails, and the next one gets another", async () => {
    const own = new pg.Pool({ connectionString: DATABASE_URL, max: 1, query_timeout: 300 });
    own.on('error', () => {});
    const store = await migrated('hung', own);
    const table = store.tables.outbox;
    await store.transaction((tx) => store.outbox.add(tx, [message(1), message(2)]));
    const locker = await pool.connect();
    let stopped: number | undefined;
    try {
      // The read waits on a lock, then its server process is stopped: a connection that never answers again.
      await locker.query(`BEGIN; LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
      const started = Date.now();
      await expect(store.outbox.claim(10, 60_000)).rejects.toThrow(/timeout/i);
      expect(Date.now() - started).toBeLessThan(5_000);
      stopped = await readWaitingOn(table);
      process.kill(stopped, 'SIGSTOP');
      await locker.query('ROLLBACK');
      // Given back to the pool, the hung connection would take this claim too and time out again.
      expect(ids(await store.outbox.claim(10, 60_000))).toEqual(['e1', 'e2']);
    } finally {
      if (stopped !== undefined) process.kill(stopped, 'SIGCONT');
      await locker.query('ROLLBACK');
      locker.release();
    }
    await own.end();
  });

  it('reads through the primary key, however many published rows retention keeps', async () => {
    const store = await migrated('plan');
    const table = store.tables.outbox;
    const rows = Array.from({ length: 500 }, (_, i) => message(i, `k${i % 50}`));
    for (let i = 0; i < 20; i++) await store.transaction((tx) => store.outbox.add(tx, rows));
    await store.outbox.markPublished((await store.outbox.claim(9_500, 60_000)).map((r) => r.id));
    await pool.query(`ANALYZE ${table}`);

    const { rows: at } = await pool.query<{ pos: string; id: string }>(
      `SELECT pos::text, id::text FROM ${table} ORDER BY pos, id OFFSET 9499 LIMIT 1`,
    );
    const plan = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${readStatement(table, at[0]!, 100, 'h', '1')}`);
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    // A sequential scan reads all 10,000 rows to return 100: reads would slow down as published rows pile up.
    expect(text).not.toMatch(new RegExp(`Seq Scan on ${table}\\b`));
    expect((await store.outbox.claim(100, 60_000)).length).toBe(100);
  });
});

describe('PostgreSQL outbox horizon', () => {
  it('holds back rows committed after an older transaction that is still open, then reads them in order', async () => {
    const store = await migrated('horizon');
    const open = await pool.connect();
    try {
      await open.query('BEGIN');
      await store.outbox.add(open, [message(1)]);
      await store.transaction((tx) => store.outbox.add(tx, [message(2), message(3, 'b')]));
      // Passing e2 now would leave e1 behind the relay's position when it commits.
      expect(await store.outbox.claim(10, 60_000)).toEqual([]);
      expect((await store.outbox.lag()).pending).toBe(2);
      await open.query('COMMIT');
    } finally {
      open.release();
    }
    expect(ids(await store.outbox.claim(10, 60_000))).toEqual(['e1', 'e2', 'e3']);
  });

  it('does not wait for an open transaction that only reads', async () => {
    const store = await migrated('reader');
    const reader = await pool.connect();
    try {
      await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await reader.query(`SELECT count(*) FROM ${store.tables.outbox}`); // holds a snapshot, no transaction id
      await store.transaction((tx) => store.outbox.add(tx, [message(1)]));
      expect(ids(await store.outbox.claim(10, 60_000))).toEqual(['e1']);
      await reader.query('COMMIT');
    } finally {
      reader.release();
    }
  });

  it('orders a row after one that committed before it was written, even when its transaction began first', async () => {
    const store = await migrated('causal');
    const early = await pool.connect();
    try {
      await early.query('BEGIN');
      await early.query('SELECT pg_current_xact_id()'); // this transaction's id is older than the next one's
      await store.transaction((tx) => store.outbox.add(tx, [message(1)])); // e.g. "application withdrawn"
      await store.outbox.add(early, [message(2)]); // written after seeing it: "decision recorded"
      await early.query('COMMIT');
    } finally {
      early.release();
    }
    expect(ids(await store.outbox.claim(10, 60_000))).toEqual(['e1', 'e2']);
  });
});

describe('PostgreSQL outbox after a server crash', () => {
  it('writes new rows after the furthest row a relay claimed, even if transaction ids come back lower', async () => {
    const store = await migrated('crash');
    const { outbox: table, outboxRelay, outboxMarks } = store.tables;
    // After a crash PostgreSQL may hand out again transaction ids that never reached its WAL. Simulate what a relay
    // can see then: it claimed (and marked) rows up to a position a few ids ahead of the server's next id.
    const { rows } = await pool.query<{ next: string }>(`SELECT pg_current_xact_id()::text::bigint + 5 AS next`);
    const ahead = rows[0]!.next;
    await pool.query(`UPDATE ${outboxRelay} SET high_pos = $1, high_id = 0`, [ahead]);
    await pool.query(`INSERT INTO ${outboxMarks} (pos, id) VALUES ($1, 0)`, [ahead]);
    await store.transaction((tx) => store.outbox.add(tx, [message(1)]));

    const relay = postgresOutbox(pool, table, table); // starts from the last mark
    let claimed: OutboxRow[] = [];
    for (let tries = 0; claimed.length === 0 && tries < 20; tries++) claimed = await relay.claim(10, 60_000);
    expect(ids(claimed)).toEqual(['e1']); // each claim takes an id: the horizon soon passes the row
  });
});

describe('PostgreSQL outbox lease', () => {
  it('lets one relay read at a time; another takes over from the last mark when the lease ends or is resigned', async () => {
    const store = await migrated('lease');
    const table = store.tables.outbox;
    await store.transaction((tx) =>
      store.outbox.add(
        tx,
        [1, 2, 3, 4].map((n) => message(n, `k${n}`)),
      ),
    );
    const one = postgresOutbox(pool, table, table);
    const two = postgresOutbox(pool, table, table);

    const first = await one.claim(3, 300);
    expect(ids(first)).toEqual(['e1', 'e2', 'e3']);
    expect(await two.claim(10, 300)).toEqual([]); // the lease is one's
    await one.markPublished([first[0]!.id, first[2]!.id]); // e2 is not published: the mark stops at e1
    await new Promise((r) => setTimeout(r, 400)); // one "crashed"

    const takenOver = await two.claim(10, 60_000);
    expect(ids(takenOver)).toEqual(['e2', 'e3', 'e4']);
    expect(takenOver.map((r) => r.attempts)).toEqual([2, 2, 1]); // e2 and e3 were claimed by one
    expect(await one.claim(10, 60_000)).toEqual([]);
    await two.markPublished(takenOver.map((r) => r.id));
    expect(await store.outbox.lag()).toEqual({ pending: 0, oldestAgeMs: 0 });

    await store.transaction((tx) => store.outbox.add(tx, [message(5, 'k5')]));
    await two.resign(); // e.g. its relay closed: one need not wait for the 60 s lease
    expect(ids(await one.claim(10, 60_000))).toEqual(['e5']);
    expect(await two.claim(10, 60_000)).toEqual([]);
  });
});

describe('PostgreSQL outbox lease, extended by each claim', () => {
  it('keeps the lease for as long as the rows of its latest claim are leased', async () => {
    const store = await migrated('extend');
    const table = store.tables.outbox;
    const one = postgresOutbox(pool, table, table);
    const two = postgresOutbox(pool, table, table);
    await store.transaction((tx) => store.outbox.add(tx, [message(1, 'k1')]));
    expect(ids(await one.claim(10, 1_000))).toEqual(['e1']);
    await new Promise((r) => setTimeout(r, 300));
    await store.transaction((tx) => store.outbox.add(tx, [message(2, 'k2')]));
    const second = await one.claim(10, 1_000); // e2 is one's until ~1.3 s from the start
    expect(ids(second)).toEqual(['e2']);
    await new Promise((r) => setTimeout(r, 800)); // ~1.1 s: the first claim's lease has ended, the second's not
    expect(await two.claim(10, 60_000)).toEqual([]);
  });
});

describe('PostgreSQL outbox tables', () => {
  const earlierLayouts = {
    'one table': (t: string) => `
      CREATE TABLE ${t} (
        id bigserial PRIMARY KEY, channel text NOT NULL, key text, attributes jsonb NOT NULL, content_type text,
        headers jsonb NOT NULL, body bytea NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
        claimed_until timestamptz, published_at timestamptz, attempts integer NOT NULL DEFAULT 0);
      CREATE INDEX ${t}_pending ON ${t} (id) WHERE published_at IS NULL;
      INSERT INTO ${t} (channel, key, attributes, headers, body, published_at)
        VALUES ('c', 'a', '{"id":"e1"}', '{}', '\\x31', now());
      INSERT INTO ${t} (channel, key, attributes, content_type, headers, body, created_at, attempts)
        VALUES ('c', 'a', '{"id":"e2"}', 'text/plain', '{"h":"2"}', '\\x32', '2026-01-02T03:04:05.678Z', 1),
               ('c', NULL, '{"id":"e3"}', NULL, '{}', '\\x33', now(), 0);
      INSERT INTO ${t} (channel, key, attributes, headers, body, published_at)
        VALUES ('c', 'z', '{"id":"e4"}', '{}', '\\x34', now());`,
    split: (t: string) => `
      CREATE TABLE ${t} (
        id bigserial PRIMARY KEY, key text, created_at timestamptz NOT NULL DEFAULT now(),
        claimed_until timestamptz, published_at timestamptz, attempts integer NOT NULL DEFAULT 0);
      CREATE TABLE ${t}_payload (
        id bigint PRIMARY KEY, channel text NOT NULL, attributes jsonb NOT NULL, content_type text,
        headers jsonb NOT NULL, body bytea NOT NULL);
      CREATE INDEX ${t}_pending ON ${t} (id) WHERE published_at IS NULL;
      INSERT INTO ${t} (key, published_at) VALUES ('a', now());
      INSERT INTO ${t} (key, created_at, attempts) VALUES ('a', '2026-01-02T03:04:05.678Z', 1), (NULL, now(), 0);
      INSERT INTO ${t} (key, published_at) VALUES ('z', now());
      INSERT INTO ${t}_payload (id, channel, attributes, content_type, headers, body) VALUES
        (1, 'c', '{"id":"e1"}', NULL, '{}', '\\x31'), (2, 'c', '{"id":"e2"}', 'text/plain', '{"h":"2"}', '\\x32'),
        (3, 'c', '{"id":"e3"}', NULL, '{}', '\\x33'), (4, 'c', '{"id":"e4"}', NULL, '{}', '\\x34');`,
  };

  for (const [layout, create] of Object.entries(earlierLayouts)) {
    it(`moves an outbox of the earlier ${layout} layout into the log: pending rows, order and ids kept`, async () => {
      const p = prefix(layout.replace(' ', '_'));
      await pool.query(create(`${p}outbox`));
      const store = createPostgresStore({ pool, tablePrefix: p });
      await Promise.all([store.migrate(), store.migrate()]);
      await store.migrate();

      const claimed = await store.outbox.claim(10, 60_000);
      // e1 was published; e4 too, but after the pending e2: it goes out again (at least once).
      expect(ids(claimed)).toEqual(['e2', 'e3', 'e4']);
      expect(claimed[0]).toMatchObject({ channel: 'c', key: 'a', contentType: 'text/plain', attempts: 2 });
      expect(claimed[0]?.headers).toEqual({ h: '2' });
      expect(claimed[0]?.createdAt.toISOString()).toBe('2026-01-02T03:04:05.678Z');
      expect(Buffer.from(claimed[0]!.body).toString()).toBe('2');
      expect(claimed[1]).not.toHaveProperty('key');
      expect(claimed[1]?.attempts).toBe(1);
      // A row added after the move follows the old ones (ids are not reused) and waits for the key's older row.
      await store.transaction((tx) => store.outbox.add(tx, [message(5, 'a')]));
      expect(await store.outbox.claim(10, 60_000)).toEqual([]);
      await store.outbox.markPublished(claimed.map((r) => r.id));
      const [next] = await store.outbox.claim(10, 60_000);
      expect(next?.attributes.id).toBe('e5');
      expect(Number(next?.id)).toBeGreaterThan(4);
      const { rows: left } = await pool.query(`SELECT to_regclass($1) AS t`, [`${p}outbox_payload`]);
      expect(left[0]?.t).toBeNull();
    });
  }

  it('gives the rows of one add increasing ids in their order, and cleanup deletes published rows', async () => {
    const store = await migrated('new');
    const rows = Array.from({ length: 50 }, (_, i) => message(i, `k${i % 3}`));
    await store.transaction((tx) => store.outbox.add(tx, rows));

    const claimed = await store.outbox.claim(100, 60_000);
    expect(ids(claimed)).toEqual(ids(rows));
    expect(claimed.map((r) => BigInt(r.id))).toEqual(claimed.map((r) => BigInt(r.id)).sort((a, b) => (a < b ? -1 : 1)));
    await store.outbox.markPublished(claimed.slice(0, 20).map((r) => r.id));
    expect(await store.outbox.cleanup(0)).toBe(20);
    const { rows: left } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${store.tables.outbox}`);
    expect(left[0]?.n).toBe(30);
    expect((await store.outbox.lag()).pending).toBe(30);
  });
});
