/**
 * The PostgreSQL outbox store: the outbox is a log that relays read forward, never update.
 *
 * `add` appends rows (one statement, notifying relays on commit). Each row's position is `(pos, id)`: `pos` the
 * newest transaction id its insert could have seen (its own, or the last one assigned before the statement), `id`
 * from a sequence. A row inserted after another committed therefore sorts after it, and a transaction still open
 * can only add rows past `pg_snapshot_xmin` of any snapshot. A relay reads rows below that horizon, past its
 * position: nothing can appear behind it later, so the position alone says what was published.
 *
 * After a crash the server may hand out again transaction ids that never reached its WAL, so `pos` is also never
 * below the newest row's or the furthest claimed row's (see `newPos`).
 *
 * So a claim is one read (a binary COPY), a mark one insert per batch (`<table>_marks`: the new position and when),
 * and nothing is written per row after `add`: against leasing and marking each row (a row lock, an update and a
 * mark per row), the database spends ~5 us per event instead of 21 to 31 (see docs/benchmarks/resilience.md).
 *
 * One relay reads the log at a time: it holds the lease in `<table>_relay` (one row: holder, epoch, until, and the
 * furthest row it claimed). Another relay takes over when the lease ends, or at once when the holder resigns (a
 * relay resigns when it closes), from the last mark. Within the holder, the claims of its pipelines and the port's
 * rules (per-key order, row leases, release, attempts) live in memory (claim-ledger.ts).
 *
 * The price: a transaction that holds a transaction id for long (any writer left open on the cluster, a prepared
 * transaction) holds back the horizon, and rows committed after it started wait until it ends. `lag()` shows it.
 */
import { randomUUID } from 'node:crypto';
import type { ClientBase, Pool, PoolClient } from 'pg';
import type {
  NewOutboxRow,
  OutboxLag,
  OutboxLeaseHolder,
  OutboxNotifier,
  OutboxRow,
  OutboxStore,
} from '../outbox/port.js';
import { ClaimLedger, type LedgerEntry, type Position, WAITING } from './claim-ledger.js';
import { toOutboxRow } from './claimed.js';
import { BinaryCopyReader, copyOut } from './pg-copy.js';
import { marksTableOf, payloadTableOf, relayTableOf, toBuffer } from './sql-names.js';

/** A transaction on PostgreSQL: a client (e.g. a `PoolClient`) inside `BEGIN`. */
export type PostgresTransaction = ClientBase;

/** The horizon of a statement: rows below it are final (their transactions ended). */
const HORIZON = 'pg_snapshot_xmin(pg_current_snapshot())::text::bigint';
/**
 * A new row's `pos`: the newest of its transaction's id, the last id assigned before the statement, the newest row's
 * `pos` and the furthest row a relay claimed. The last two change nothing while the server runs (both are older than
 * the statement), but after a crash PostgreSQL may hand out again transaction ids that never reached its WAL: they
 * keep new rows after every row written or read before it.
 */
const newPos = (table: string) => `greatest(
    pg_current_xact_id()::text::bigint,
    pg_snapshot_xmax(pg_current_snapshot())::text::bigint - 1,
    (SELECT max(pos) FROM ${table}),
    (SELECT high_pos FROM ${relayTableOf(table)}))`;
/** The durable position: the newest mark. */
const LAST_MARK = (table: string) => `SELECT pos, id FROM ${marksTableOf(table)} ORDER BY pos DESC, id DESC LIMIT 1`;

/**
 * Creates the outbox tables if they do not exist, in the caller's transaction. An outbox of an earlier layout (rows
 * leased and marked one by one: one table, or split with `<table>_payload`) is moved into the log: its rows, ids
 * and order kept, published as far as its rows were published without a gap. Rows it had published past its first
 * unpublished one are published again (at least once); pending rows up to the last one ever claimed count one
 * attempt. Stop its relays and writers first.
 */
export async function migratePostgresOutbox(tx: ClientBase, table: string): Promise<void> {
  const columns = await tx.query<{ attname: string }>(
    `SELECT attname FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped`,
    [table],
  );
  const names = new Set(columns.rows.map((c) => c.attname));
  const earlier = names.has('published_at');
  const old = `${table}_v1`;
  if (earlier) {
    await tx.query(`
      ALTER TABLE ${table} RENAME TO ${old};
      ALTER INDEX ${table}_pkey RENAME TO ${old}_pkey;
      ALTER SEQUENCE ${table}_id_seq RENAME TO ${old}_id_seq;`);
  }
  await tx.query(`
    CREATE TABLE IF NOT EXISTS ${table} (
      pos bigint NOT NULL,
      id bigserial NOT NULL,
      key text,
      created_at timestamptz NOT NULL DEFAULT now(),
      channel text NOT NULL,
      attributes json NOT NULL,
      content_type text,
      headers json NOT NULL,
      body bytea NOT NULL,
      PRIMARY KEY (pos, id));
    CREATE TABLE IF NOT EXISTS ${marksTableOf(table)} (
      pos bigint NOT NULL,
      id bigint NOT NULL,
      published_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (pos, id));
    CREATE TABLE IF NOT EXISTS ${relayTableOf(table)} (
      only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
      holder text,
      epoch bigint NOT NULL DEFAULT 0,
      until timestamptz,
      high_pos bigint NOT NULL DEFAULT 0,
      high_id bigint NOT NULL DEFAULT 0);
    INSERT INTO ${relayTableOf(table)} DEFAULT VALUES ON CONFLICT DO NOTHING;`);
  if (earlier) {
    const messages = names.has('body') ? old : payloadTableOf(table);
    await tx.query(`
      INSERT INTO ${table} (pos, id, key, created_at, channel, attributes, content_type, headers, body)
        SELECT 0, o.id, o.key, o.created_at, m.channel, m.attributes, m.content_type, m.headers, m.body
        FROM ${old} AS o JOIN ${messages} AS m ON m.id = o.id;
      SELECT setval('${table}_id_seq', last_value, is_called) FROM ${old}_id_seq;
      INSERT INTO ${marksTableOf(table)} (pos, id, published_at)
        SELECT 0, max(id), max(published_at) FROM ${old}
        WHERE id < coalesce((SELECT min(id) FROM ${old} WHERE published_at IS NULL), 9223372036854775807)
        HAVING max(id) IS NOT NULL;
      UPDATE ${relayTableOf(table)} SET high_pos = 0,
        high_id = coalesce((SELECT max(id) FROM ${old} WHERE attempts > 0 AND published_at IS NULL), 0);
      DROP TABLE ${old}${messages === old ? '' : `, ${messages}`};`);
  }
  await tx.query(
    `INSERT INTO ${marksTableOf(table)} (pos, id) SELECT 0, 0 WHERE NOT EXISTS (SELECT 1 FROM ${marksTableOf(table)})`,
  );
}

/**
 * The read of a claim: up to `limit` rows past `after` and below the horizon, in log order, if `holder` still holds
 * the lease in `epoch` (it then records the furthest row claimed). Literals only (it runs as a COPY); the caller
 * validates them. Its columns: see `readOutboxTuple`.
 *
 * The furthest row comes from the primary key alone, and the rows are then read once, in index order: the same
 * rows, since every part of one statement sees the same snapshot. Materializing the batch to find its last row
 * copied every row's bytes and sorted them again, ~1.5 us of the server's CPU per row; and `created_at` goes out
 * as the timestamp's own 8 bytes rather than through numeric arithmetic.
 */
export function readStatement(table: string, after: Position, limit: number, holder: string, epoch: string): string {
  // Qualified: a bare pos in the outer ORDER BY would name the output column (pos::text) and sort as text.
  const range = `(l.pos, l.id) > (${after.pos}, ${after.id}) AND l.pos < ${HORIZON}`;
  return `WITH last AS (
      SELECT b.pos, b.id
      FROM (SELECT l.pos, l.id FROM ${table} AS l WHERE ${range} ORDER BY l.pos, l.id LIMIT ${limit}) AS b
      ORDER BY b.pos DESC, b.id DESC LIMIT 1),
    held AS (
      UPDATE ${relayTableOf(table)} AS r SET
        high_pos = CASE WHEN (r.high_pos, r.high_id) < (last.pos, last.id) THEN last.pos ELSE r.high_pos END,
        high_id = CASE WHEN (r.high_pos, r.high_id) < (last.pos, last.id) THEN last.id ELSE r.high_id END
      FROM last WHERE r.holder = '${holder}' AND r.epoch = ${epoch}
      RETURNING 1)
    SELECT l.pos::text, l.id::text, l.key, l.created_at, l.channel, l.attributes::text, l.content_type,
      l.headers::text, l.body
    FROM ${table} AS l WHERE ${range} AND EXISTS (SELECT 1 FROM held)
    ORDER BY l.pos, l.id LIMIT ${limit}`;
}

const READ_FIELDS = 9;

/**
 * The rows of a read's COPY, as ledger entries: position and key decoded, the rest left as the tuple's bytes (views
 * of `copy`). Throws a `RangeError` on bytes that are not such a COPY.
 */
export function readLog(copy: Buffer): LedgerEntry[] {
  const reader = new BinaryCopyReader(copy);
  const rows: LedgerEntry[] = [];
  for (let start = reader.position; reader.nextRow(READ_FIELDS); start = reader.position) {
    const pos = reader.text();
    const id = reader.text();
    const key = reader.text();
    reader.skip(READ_FIELDS - 3);
    if (pos === null || id === null) throw new RangeError('outbox row with a NULL in a NOT NULL column');
    rows.push({ pos, id, key, attempts: 0, state: WAITING, until: 0, src: copy, start, end: reader.position });
  }
  return rows;
}

/**
 * The outbox row of the tuple `reader` is at (a read's, or one packed for the relay's thread), its body a view of
 * `src`. `known`: the tuple's entry, whose id and key `readLog` already decoded. Throws a `RangeError` on bytes that
 * are not such a tuple.
 */
export function readOutboxTuple(
  reader: BinaryCopyReader,
  src: Buffer,
  attempts: number,
  known?: Pick<LedgerEntry, 'id' | 'key'>,
): OutboxRow {
  if (!reader.nextRow(READ_FIELDS)) throw new RangeError('expected an outbox row');
  let id: string | null;
  let key: string | null;
  if (known) {
    reader.skip(3); // pos, id, key
    ({ id, key } = known);
  } else {
    reader.skip(1); // pos
    id = reader.text();
    key = reader.text();
  }
  const createdMs = reader.timestampMs();
  const channel = reader.text();
  const attributes = reader.text();
  const contentType = reader.text();
  const headers = reader.text();
  const body = reader.span();
  if (id === null || channel === null || attributes === null || headers === null || body === null)
    throw new RangeError('outbox row with a NULL in a NOT NULL column');
  const text = { id, channel, key, attributes, contentType, headers, createdMs, attempts };
  return toOutboxRow(text, src.subarray(body[0], body[1]));
}

/** The PostgreSQL outbox, with a claim that leaves rows as read (for the relay-store worker to pack). */
export interface PostgresOutboxStore extends OutboxStore<PostgresTransaction>, OutboxNotifier, OutboxLeaseHolder {
  claimEntries(limit: number, leaseMs: number): Promise<LedgerEntry[]>;
}

export function postgresOutbox(pool: Pool, table: string, notifyChannel: string): PostgresOutboxStore {
  const insert = `WITH at AS (SELECT ${newPos(table)} AS pos)
    , added AS (
      INSERT INTO ${table} (pos, channel, key, attributes, content_type, headers, body)
      SELECT at.pos, r.channel, r.key, r.attributes, r.content_type, r.headers, r.body
      FROM at, unnest($1::text[], $2::text[], $3::json[], $4::text[], $5::json[], $6::bytea[])
        WITH ORDINALITY AS r(channel, key, attributes, content_type, headers, body, n)
      ORDER BY r.n)
    SELECT pg_notify($7, '')`;
  // Takes the lease when it is free, ended, or ours (then it is extended, same epoch); a new epoch tells the
  // holder that another relay may have held it in between. Relays that do not hold it only read the row.
  const acquire = `UPDATE ${relayTableOf(table)} SET
      epoch = CASE WHEN holder = $1 AND epoch = $2 THEN epoch ELSE epoch + 1 END,
      holder = $1,
      until = now() + $3::double precision * interval '1 millisecond'
    WHERE (holder = $1 AND epoch = $2) OR holder IS NULL OR until < now()
    RETURNING epoch::text, high_pos::text, high_id::text,
      (SELECT pos::text FROM (${LAST_MARK(table)}) AS m) AS durable_pos,
      (SELECT id::text FROM (${LAST_MARK(table)}) AS m) AS durable_id`;

  const holder = randomUUID();
  let epoch = '-1';
  let ledger: ClaimLedger | undefined;
  let expectedBytes = 0; // the larger of recent reads (a slowly falling maximum): sizes the next one's buffer
  let claiming: Promise<unknown> = Promise.resolve();

  /**
   * Takes or extends the lease for `leaseMs` from now, once per claim: rows handed out by a claim are then this
   * relay's for as long as their own lease, as with row leases. Resolves with the ledger, or undefined while another
   * relay holds the lease.
   */
  async function holdLease(leaseMs: number): Promise<ClaimLedger | undefined> {
    const result = await pool.query<{
      epoch: string;
      high_pos: string;
      high_id: string;
      durable_pos: string;
      durable_id: string;
    }>(acquire, [holder, epoch, leaseMs]);
    const lease = result.rows[0];
    if (!lease) {
      ledger = undefined;
      epoch = '-1';
      return undefined;
    }
    if (!ledger || lease.epoch !== epoch) {
      epoch = lease.epoch;
      ledger = new ClaimLedger(
        { pos: lease.durable_pos, id: lease.durable_id },
        { pos: lease.high_pos, id: lease.high_id },
      );
    }
    return ledger;
  }

  async function claimNow(limit: number, leaseMs: number): Promise<LedgerEntry[]> {
    if (!(Number.isSafeInteger(limit) && limit >= 0))
      throw new TypeError(`claim: limit must be an integer >= 0, got ${limit}`);
    if (!(Number.isFinite(leaseMs) && leaseMs >= 0)) throw new TypeError(`claim: leaseMs must be >= 0, got ${leaseMs}`);
    const held = await holdLease(leaseMs);
    if (!held) return [];
    if (held.wants(limit)) {
      const copy = await copyOut(pool, readStatement(table, held.scan, limit, holder, epoch), expectedBytes);
      expectedBytes = Math.max(copy.length, expectedBytes * 0.9);
      held.append(readLog(copy));
    }
    return held.take(limit, leaseMs, Date.now());
  }

  /** Claims run one after another: each reads on from where the previous one stopped. */
  function claimEntries(limit: number, leaseMs: number): Promise<LedgerEntry[]> {
    const claimed = claiming.then(() => claimNow(limit, leaseMs));
    claiming = claimed.catch(() => {});
    return claimed;
  }

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
    claimEntries,
    async claim(limit, leaseMs) {
      const entries = await claimEntries(limit, leaseMs);
      return entries.map((e) => readOutboxTuple(new BinaryCopyReader(e.src, e.start), e.src, e.attempts, e));
    },
    async markPublished(ids) {
      const durable = ledger?.publish(ids);
      if (!durable) return;
      await pool.query(`INSERT INTO ${marksTableOf(table)} (pos, id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
        durable.pos,
        durable.id,
      ]);
    },
    async release(ids) {
      ledger?.release(ids);
    },
    resign() {
      const resigned = claiming.then(async () => {
        if (!ledger) return;
        ledger = undefined;
        await pool.query(
          `UPDATE ${relayTableOf(table)} SET holder = NULL, until = NULL WHERE holder = $1 AND epoch = $2`,
          [holder, epoch],
        );
        epoch = '-1';
      });
      claiming = resigned.catch(() => {});
      return resigned;
    },
    async cleanup(olderThanMs) {
      const result = await pool.query<{ deleted: number }>(
        `WITH upto AS (
           SELECT pos, id FROM ${marksTableOf(table)}
           WHERE published_at < now() - $1::double precision * interval '1 millisecond'
           ORDER BY pos DESC, id DESC LIMIT 1),
         gone AS (DELETE FROM ${table} WHERE (pos, id) <= (SELECT pos, id FROM upto) RETURNING 1),
         marks AS (DELETE FROM ${marksTableOf(table)} WHERE (pos, id) < (SELECT pos, id FROM upto))
         SELECT count(*)::int AS deleted FROM gone`,
        [olderThanMs],
      );
      return result.rows[0]?.deleted ?? 0;
    },
    async lag(): Promise<OutboxLag> {
      const result = await pool.query<{ pending: number; age: number | null }>(
        `SELECT count(*)::int AS pending, (extract(epoch FROM now() - min(created_at)) * 1000)::float8 AS age
         FROM ${table} WHERE (pos, id) > (${LAST_MARK(table)})`,
      );
      const row = result.rows[0];
      return { pending: row?.pending ?? 0, oldestAgeMs: Math.max(0, row?.age ?? 0) };
    },
    listen: (onNotify) => listen(pool, notifyChannel, onNotify),
  };
}
/** Reconnect pause of the LISTEN client after its connection broke. */
const RELISTEN_MS = 1_000;

/** Our listeners off a client going back to the pool (it handles an idle client's errors itself). */
function detach(c: PoolClient): void {
  c.removeAllListeners('notification');
  c.removeAllListeners('error');
}

/**
 * LISTENs on a client of its own, held from the pool while listening. When its connection breaks it reconnects
 * every second until stopped, and calls `onNotify` after each reconnect (a notification may have been missed).
 */
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
      client = undefined;
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
