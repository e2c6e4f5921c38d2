/**
 * The PostgreSQL outbox store. Every operation is one statement (each costs ~100 us on loopback), whatever the
 * batch size: `add` inserts all rows with `unnest` and notifies in the same statement; `claim` leases a batch
 * with `FOR UPDATE SKIP LOCKED` and reads it as a binary COPY; `markPublished` / `release` update
 * `WHERE id = ANY($1)`.
 * Lease times come from the database clock (`now()`), so relays on hosts with skewed clocks agree.
 * Ids come from a sequence: never reused after cleanup, so a late `markPublished` of a slow relay cannot hit a new row.
 */
import type { ClientBase, Pool, PoolClient } from 'pg';
import type { NewOutboxRow, OutboxLag, OutboxNotifier, OutboxStore } from '../outbox/port.js';
import { type ClaimedText, toOutboxRow } from './claimed.js';
import { BinaryCopyReader, copyOut } from './pg-copy.js';
import { payloadTableOf, toBuffer } from './sql-names.js';

/** A transaction on PostgreSQL: a client (e.g. a `PoolClient`) inside `BEGIN`. */
export type PostgresTransaction = ClientBase;

/**
 * Free space left in each page of the row table, so a lease (which changes no indexed column) rewrites its row
 * on the same page (a HOT update: no new index entries). Rows are ~60 bytes; a page holds ~100 of them.
 */
const ROW_FILLFACTOR = 50;

/**
 * Creates the outbox tables and indexes if they do not exist, in the caller's transaction. A row is split in two:
 * `table` holds what claims and marks change (key, lease, publication), `<table>_payload` the message, written
 * once. PostgreSQL writes a whole new row version (and its WAL) on every UPDATE: a lease or a mark then rewrites
 * ~60 bytes instead of the whole message (~1.2 KiB with 1 KiB bodies). An outbox created in one table (the first
 * layout) is split here, its rows, ids and sequence kept.
 */
export async function migratePostgresOutbox(tx: ClientBase, table: string): Promise<void> {
  const payload = payloadTableOf(table);
  const merged = await tx.query(
    `SELECT 1 FROM pg_attribute
     WHERE attrelid = to_regclass($1) AND attname = 'body' AND NOT attisdropped`,
    [table],
  );
  await tx.query(`
    CREATE TABLE IF NOT EXISTS ${table} (
      id bigserial PRIMARY KEY,
      key text,
      created_at timestamptz NOT NULL DEFAULT now(),
      claimed_until timestamptz,
      published_at timestamptz,
      attempts integer NOT NULL DEFAULT 0)
      WITH (fillfactor = ${ROW_FILLFACTOR});
    CREATE TABLE IF NOT EXISTS ${payload} (
      id bigint PRIMARY KEY,
      channel text NOT NULL,
      attributes jsonb NOT NULL,
      content_type text,
      headers jsonb NOT NULL,
      body bytea NOT NULL);`);
  if ((merged.rowCount ?? 0) > 0) {
    // Dropped columns keep their bytes in the old row versions until those are rewritten (by the next lease or
    // mark, or a VACUUM FULL); new versions store nothing for them.
    await tx.query(`
      INSERT INTO ${payload} (id, channel, attributes, content_type, headers, body)
        SELECT id, channel, attributes, content_type, headers, body FROM ${table};
      ALTER TABLE ${table}
        DROP COLUMN channel, DROP COLUMN attributes, DROP COLUMN content_type, DROP COLUMN headers,
        DROP COLUMN body, SET (fillfactor = ${ROW_FILLFACTOR});`);
  }
  await tx.query(`
    CREATE INDEX IF NOT EXISTS ${table}_pending ON ${table} (id) WHERE published_at IS NULL;
    CREATE INDEX IF NOT EXISTS ${table}_pending_key ON ${table} (key, id) WHERE published_at IS NULL;
    CREATE INDEX IF NOT EXISTS ${table}_published ON ${table} (published_at) WHERE published_at IS NOT NULL;`);
}

/**
 * The outbox's claim: leases up to `limit` rows for `leaseMs` and selects `columns` of them (`l`: the leased
 * row, `m`: its message), in id order. `limit` and `leaseMs` are SQL: parameters, or literals where the
 * statement cannot take parameters.
 *
 * Per-key order: a candidate waits while an older unpublished row of its key is outside this claim, i.e. leased
 * by another relay, or locked (and so skipped) by a claim running right now. The subquery reads the statement's
 * snapshot, which can only see such a row as unpublished, so it errs on the side of waiting.
 * The lease updates the rows by their ids (`= ANY (ARRAY(...))`, an index scan): joined to the candidates
 * instead, the planner may hash the whole table, published rows included, so every claim would cost more as
 * retention keeps rows.
 */
export function claimStatement(table: string, columns: string, limit: string, leaseMs: string): string {
  return `WITH candidates AS MATERIALIZED (
      SELECT id, key FROM ${table}
      WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
      ORDER BY id LIMIT ${limit}
      FOR UPDATE SKIP LOCKED),
    leased AS (
      UPDATE ${table} AS o
      SET claimed_until = now() + ${leaseMs}::double precision * interval '1 millisecond', attempts = o.attempts + 1
      WHERE o.id = ANY (ARRAY(
        SELECT c.id FROM candidates AS c
        WHERE c.key IS NULL OR NOT EXISTS (
          SELECT 1 FROM ${table} AS p
          WHERE p.key = c.key AND p.id < c.id AND p.published_at IS NULL
            AND p.id NOT IN (SELECT id FROM candidates))))
      RETURNING o.id, o.key, o.created_at, o.attempts)
    SELECT ${columns}
    FROM leased AS l JOIN ${payloadTableOf(table)} AS m ON m.id = l.id
    ORDER BY l.id`;
}

/** A claimed row as the claim reads it: its body a span of the COPY. */
export interface ClaimedRow extends ClaimedText {
  readonly bodyStart: number;
  readonly bodyEnd: number;
}

/** What a claim selects, in `ClaimedRow` order. created_at as epoch milliseconds, a float8: no timestamp to parse. */
const CLAIM_FIELDS = 9;
const CLAIM_COLUMNS = `l.id::text, m.channel, l.key, m.attributes::text, m.content_type, m.headers::text, m.body,
      (extract(epoch FROM l.created_at) * 1000)::float8, l.attempts`;

/**
 * The outbox's claim, read as a binary COPY (see pg-copy.ts): resolves with its bytes, for `readClaimed`. The
 * relay-store worker hands these bytes to the relay's thread as they are, bodies included.
 */
export function postgresClaim(pool: Pool, table: string): (limit: number, leaseMs: number) => Promise<Buffer> {
  let expectedBytes = 0; // the larger of recent claims (a slowly falling maximum): sizes the next one's buffer
  return async (limit, leaseMs) => {
    if (!(Number.isSafeInteger(limit) && limit >= 0))
      throw new TypeError(`claim: limit must be an integer >= 0, got ${limit}`);
    if (!(Number.isFinite(leaseMs) && leaseMs >= 0)) throw new TypeError(`claim: leaseMs must be >= 0, got ${leaseMs}`);
    const statement = claimStatement(table, CLAIM_COLUMNS, String(limit), String(leaseMs));
    const copy = await copyOut(pool, statement, expectedBytes);
    expectedBytes = Math.max(copy.length, expectedBytes * 0.9);
    return copy;
  };
}

/** The rows of a claim's COPY, in id order. Throws a `RangeError` on bytes that are not such a COPY. */
export function readClaimed(copy: Buffer): ClaimedRow[] {
  const reader = new BinaryCopyReader(copy);
  const rows: ClaimedRow[] = [];
  while (reader.nextRow(CLAIM_FIELDS)) {
    const id = reader.text();
    const channel = reader.text();
    const key = reader.text();
    const attributes = reader.text();
    const contentType = reader.text();
    const headers = reader.text();
    const body = reader.span();
    if (id === null || channel === null || attributes === null || headers === null || body === null)
      throw new RangeError('claimed row with a NULL in a NOT NULL column');
    rows.push({
      id,
      channel,
      key,
      attributes,
      contentType,
      headers,
      bodyStart: body[0],
      bodyEnd: body[1],
      createdMs: reader.float8(),
      attempts: reader.int4(),
    });
  }
  return rows;
}

export function postgresOutbox(
  pool: Pool,
  table: string,
  notifyChannel: string,
): OutboxStore<PostgresTransaction> & OutboxNotifier {
  const payload = payloadTableOf(table);
  // Ids are drawn first (in the rows' order: a function scan returns them in order, and PostgreSQL evaluates a
  // volatile nextval() after the ORDER BY), so both inserts share them. Unreferenced data-modifying CTEs still run.
  const insert = `WITH rows AS MATERIALIZED (
      SELECT nextval('${table}_id_seq') AS id, channel, key, attributes, content_type, headers, body
      FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::jsonb[], $6::bytea[])
        WITH ORDINALITY AS r(channel, key, attributes, content_type, headers, body, n)
      ORDER BY n),
    messages AS (
      INSERT INTO ${payload} (id, channel, attributes, content_type, headers, body)
      SELECT id, channel, attributes, content_type, headers, body FROM rows),
    heads AS (
      INSERT INTO ${table} (id, key) SELECT id, key FROM rows ORDER BY id)
    SELECT pg_notify($7, '')`;
  const claimCopy = postgresClaim(pool, table);

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
      const copy = await claimCopy(limit, leaseMs);
      return readClaimed(copy).map((row) => toOutboxRow(row, copy.subarray(row.bodyStart, row.bodyEnd)));
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
      const result = await pool.query<{ deleted: number }>(
        `WITH gone AS (
           DELETE FROM ${table} WHERE published_at < now() - $1::double precision * interval '1 millisecond'
           RETURNING id),
         messages AS (DELETE FROM ${payload} WHERE id IN (SELECT id FROM gone))
         SELECT count(*)::int AS deleted FROM gone`,
        [olderThanMs],
      );
      return result.rows[0]?.deleted ?? 0;
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
