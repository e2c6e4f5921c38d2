/**
 * The PostgreSQL outbox store. Every operation is one statement (each costs ~100 us on loopback), whatever the
 * batch size: `add` inserts all rows with `unnest` and notifies in the same statement; `claim` leases a batch
 * with `FOR UPDATE SKIP LOCKED`; `markPublished` / `release` update `WHERE id = ANY($1)`.
 * Lease times come from the database clock (`now()`), so relays on hosts with skewed clocks agree.
 */
import type { ClientBase, Pool, PoolClient } from 'pg';
import {
  compareIds,
  type NewOutboxRow,
  type OutboxLag,
  type OutboxNotifier,
  type OutboxRow,
  type OutboxStore,
} from '../outbox/port.js';
import { toBuffer } from './sql-names.js';

/** A transaction on PostgreSQL: a client (e.g. a `PoolClient`) inside `BEGIN`. */
export type PostgresTransaction = ClientBase;

interface Row {
  id: string;
  channel: string;
  key: string | null;
  attributes: Record<string, string>;
  content_type: string | null;
  headers: Record<string, string>;
  body: Buffer;
  created_at: Date;
  attempts: number;
}

const toRow = (r: Row): OutboxRow => ({
  id: r.id,
  channel: r.channel,
  ...(r.key !== null && { key: r.key }),
  attributes: r.attributes,
  ...(r.content_type !== null && { contentType: r.content_type }),
  headers: r.headers,
  body: r.body,
  createdAt: r.created_at,
  attempts: r.attempts,
});

export function postgresOutbox(
  pool: Pool,
  table: string,
  notifyChannel: string,
): OutboxStore<PostgresTransaction> & OutboxNotifier {
  const insert = `WITH rows AS (
      INSERT INTO ${table} (channel, key, attributes, content_type, headers, body)
      SELECT channel, key, attributes, content_type, headers, body
      FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::jsonb[], $6::bytea[])
        WITH ORDINALITY AS r(channel, key, attributes, content_type, headers, body, n)
      ORDER BY n
      RETURNING 1)
    SELECT pg_notify($7, '') FROM (SELECT count(*) FROM rows) AS c`;
  // Per-key order: a candidate waits while an older unpublished row of its key is outside this claim, i.e.
  // leased by another relay, or locked (and so skipped) by a claim running right now. The subquery reads the
  // statement's snapshot, which can only see such a row as unpublished, so it errs on the side of waiting.
  const claim = `WITH candidates AS MATERIALIZED (
      SELECT id, key FROM ${table}
      WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
      ORDER BY id LIMIT $1
      FOR UPDATE SKIP LOCKED)
    UPDATE ${table} AS o
    SET claimed_until = now() + $2::double precision * interval '1 millisecond', attempts = o.attempts + 1
    FROM candidates AS c
    WHERE o.id = c.id AND (c.key IS NULL OR NOT EXISTS (
      SELECT 1 FROM ${table} AS p
      WHERE p.key = c.key AND p.id < c.id AND p.published_at IS NULL
        AND p.id NOT IN (SELECT id FROM candidates)))
    RETURNING o.id, o.channel, o.key, o.attributes, o.content_type, o.headers, o.body, o.created_at, o.attempts`;

  return {
    async add(tx, rows: readonly NewOutboxRow[]) {
      if (rows.length === 0) return;
      await tx.query(insert, [
        rows.map((r) => r.channel),
        rows.map((r) => r.key ?? null),
        rows.map((r) => JSON.stringify(r.attributes)),
        rows.map((r) => r.contentType ?? null),
        rows.map((r) => JSON.stringify(r.headers)),
        rows.map((r) => toBuffer(r.body)),
        notifyChannel,
      ]);
    },
    async claim(limit, leaseMs) {
      const result = await pool.query<Row>(claim, [limit, leaseMs]);
      return result.rows.map(toRow).sort((a, b) => compareIds(a.id, b.id));
    },
    async markPublished(ids) {
      if (ids.length === 0) return;
      await pool.query(`UPDATE ${table} SET published_at = now(), claimed_until = NULL WHERE id = ANY($1::bigint[])`, [
        ids,
      ]);
    },
    async release(ids) {
      if (ids.length === 0) return;
      await pool.query(
        `UPDATE ${table} SET claimed_until = NULL WHERE id = ANY($1::bigint[]) AND published_at IS NULL`,
        [ids],
      );
    },
    async cleanup(olderThanMs) {
      const result = await pool.query(
        `DELETE FROM ${table} WHERE published_at < now() - $1::double precision * interval '1 millisecond'`,
        [olderThanMs],
      );
      return result.rowCount ?? 0;
    },
    async lag(): Promise<OutboxLag> {
      const result = await pool.query<{ pending: number; age: number | null }>(
        `SELECT count(*)::int AS pending, (extract(epoch FROM now() - min(created_at)) * 1000)::float8 AS age
         FROM ${table} WHERE published_at IS NULL`,
      );
      const row = result.rows[0];
      return { pending: row?.pending ?? 0, oldestAgeMs: Math.max(0, row?.age ?? 0) };
    },
    listen: (onNotify) => listen(pool, notifyChannel, onNotify),
  };
}

/** Reconnect pause of the LISTEN client after its connection broke. */
const RELISTEN_MS = 1_000;

/**
 * LISTENs on a client of its own, held from the pool while listening. When its connection breaks it reconnects
 * every second until stopped, and calls `onNotify` after each reconnect (a notification may have been missed).
 */
/** Our listeners off a client going back to the pool (it handles an idle client's errors itself). */
function detach(c: PoolClient): void {
  c.removeAllListeners('notification');
  c.removeAllListeners('error');
}

async function listen(pool: Pool, channel: string, onNotify: () => void): Promise<() => Promise<void>> {
  let stopped = false;
  let client: PoolClient | undefined;
  let timer: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const c = await pool.connect();
    let broken = false;
    c.on('notification', (n) => {
      if (n.channel === channel) onNotify();
    });
    c.on('error', () => {
      // After stop() the client is back in the pool, which handles its errors: never release it twice.
      if (broken || client !== c) return;
      broken = true;
      if (client === c) client = undefined;
      c.release(true);
      if (!stopped) timer = setTimeout(retry, RELISTEN_MS);
    });
    try {
      await c.query(`LISTEN "${channel}"`);
    } catch (error) {
      broken = true;
      c.release(true);
      throw error;
    }
    if (stopped) {
      c.release();
      return;
    }
    client = c;
  };
  const retry = () => {
    timer = undefined;
    connect().then(onNotify, () => {
      if (!stopped) timer = setTimeout(retry, RELISTEN_MS);
    });
  };

  await connect();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    const c = client;
    client = undefined;
    if (!c) return;
    try {
      await c.query(`UNLISTEN "${channel}"`);
      detach(c);
      c.release();
    } catch {
      detach(c);
      c.release(true);
    }
  };
}
