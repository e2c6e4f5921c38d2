/**
 * The SQLite outbox store (better-sqlite3, synchronous). `add` runs its INSERTs synchronously, before its promise
 * settles, so it works inside a `db.transaction(() => ...)` function as well as inside `store.transaction()`.
 * `claim` runs under `BEGIN IMMEDIATE` (SQLite has one writer; a relay of another process waits for the lock,
 * up to the connection's `busy_timeout`), so two claims never overlap and per-key order holds without row locks.
 * Ids are AUTOINCREMENT: never reused after cleanup, so a late `markPublished` of a slow relay cannot hit a new row.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { compareIds, type NewOutboxRow, type OutboxLag, type OutboxStore } from '../outbox/port.js';
import { type ClaimedText, toOutboxRow } from './claimed.js';
import { payloadTableOf, toBuffer } from './sql-names.js';

/** A transaction on SQLite: the connection, inside `BEGIN` (`db.transaction(...)` or `store.transaction()`). */
export type SqliteTransaction = BetterSqlite3.Database;

interface Row {
  id: number | bigint;
  key: string | null;
  created_at: number;
  attempts: number;
  channel: string;
  attributes: string;
  content_type: string | null;
  headers: string;
  body: Buffer;
}

/** A claimed row with its body (the relay-store worker passes its JSON on as is). */
export interface SqliteTextRow extends ClaimedText {
  readonly body: Buffer;
}

/** The SQLite outbox, with a claim that leaves the JSON unparsed (for the relay-store worker). */
export interface SqliteOutboxStore extends OutboxStore<SqliteTransaction> {
  claimText(limit: number, leaseMs: number): Promise<SqliteTextRow[]>;
}

const toText = (r: Row): SqliteTextRow => ({
  id: String(r.id),
  channel: r.channel,
  key: r.key,
  attributes: r.attributes,
  contentType: r.content_type,
  headers: r.headers,
  body: r.body,
  createdMs: r.created_at,
  attempts: r.attempts + 1,
});

/**
 * Creates the outbox tables and indexes if they do not exist. A row is split in two: `table` holds what claims and
 * marks change (key, lease, publication), `<table>_payload` the message, written once. A lease or a mark then
 * rewrites rows of ~60 bytes instead of whole messages (with 1 KiB messages, 15 pages a batch of 1,000 instead of
 * 500, each written to the WAL and again at checkpoints). Deleting a row of `table` deletes its message (trigger).
 * An outbox created in one table (the first layout) is split here, its rows kept.
 */
export function migrateSqliteOutbox(db: BetterSqlite3.Database, table: string): void {
  const payload = payloadTableOf(table);
  const columns = db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[];
  const merged = columns.includes('body');
  db.transaction(() => {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${table} (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT,
        created_at INTEGER NOT NULL,
        claimed_until INTEGER,
        published_at INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS ${payload} (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL,
        attributes TEXT NOT NULL,
        content_type TEXT,
        headers TEXT NOT NULL,
        body BLOB NOT NULL);`);
    if (merged) {
      db.exec(`
        INSERT INTO ${payload} (id, channel, attributes, content_type, headers, body)
          SELECT id, channel, attributes, content_type, headers, body FROM ${table};
        ALTER TABLE ${table} DROP COLUMN channel;
        ALTER TABLE ${table} DROP COLUMN attributes;
        ALTER TABLE ${table} DROP COLUMN content_type;
        ALTER TABLE ${table} DROP COLUMN headers;
        ALTER TABLE ${table} DROP COLUMN body;`);
    }
    db.exec(`
      CREATE TRIGGER IF NOT EXISTS ${table}_delete_payload AFTER DELETE ON ${table}
        BEGIN DELETE FROM ${payload} WHERE id = old.id; END;
      DROP INDEX IF EXISTS ${table}_pending_key;
      CREATE INDEX IF NOT EXISTS ${table}_pending ON ${table} (id) WHERE published_at IS NULL;
      CREATE INDEX IF NOT EXISTS ${table}_leased
        ON ${table} (claimed_until, key) WHERE published_at IS NULL AND claimed_until IS NOT NULL;
      CREATE INDEX IF NOT EXISTS ${table}_published ON ${table} (published_at) WHERE published_at IS NOT NULL;`);
  }).immediate();
}

/** `serialize` runs the store's own operations one at a time on `db`, never inside an open `transaction()`. */
export function sqliteOutbox(
  db: BetterSqlite3.Database,
  table: string,
  now: () => number,
  serialize: <T>(fn: () => T | Promise<T>) => Promise<T>,
): SqliteOutboxStore {
  const payload = payloadTableOf(table);
  const inserts = new WeakMap<BetterSqlite3.Database, readonly [BetterSqlite3.Statement, BetterSqlite3.Statement]>();
  const insertOn = (tx: BetterSqlite3.Database) => {
    let statements = inserts.get(tx);
    if (!statements) {
      statements = [
        tx.prepare(`INSERT INTO ${table} (key, created_at) VALUES (?, ?)`),
        tx.prepare(
          `INSERT INTO ${payload} (id, channel, attributes, content_type, headers, body) VALUES (?, ?, ?, ?, ?, ?)`,
        ),
      ];
      inserts.set(tx, statements);
    }
    return statements;
  };
  // The candidates are the oldest claimable rows, so an older claimable row of a candidate's key is a candidate
  // too: a candidate waits only while an older row of its key is leased (by another relay, or by this one's batch
  // in flight). The leased rows are found through an index on the lease time, whose entries come and go in
  // time order: an index on (key, id) had each mark and insert touch a page per row (keys are random).
  // INDEXED BY: with statistics taken while most rows were pending, the planner scans the whole table in id order
  // instead, reading every published row on each claim.
  const select = db.prepare<[{ now: number; limit: number }], Row>(
    `WITH leased AS MATERIALIZED (
       SELECT key, min(id) AS first FROM ${table}
       WHERE published_at IS NULL AND claimed_until >= @now AND key IS NOT NULL GROUP BY key)
     SELECT o.id, o.key, o.created_at, o.attempts, m.channel, m.attributes, m.content_type, m.headers, m.body
     FROM ${table} AS o INDEXED BY ${table}_pending JOIN ${payload} AS m ON m.id = o.id
     WHERE o.published_at IS NULL AND (o.claimed_until IS NULL OR o.claimed_until < @now)
       AND (o.key IS NULL OR NOT EXISTS (SELECT 1 FROM leased AS l WHERE l.key = o.key AND l.first < o.id))
     ORDER BY o.id LIMIT @limit`,
  );
  const lease = db.prepare<[number, string]>(
    `UPDATE ${table} SET claimed_until = ?, attempts = attempts + 1 WHERE id IN (SELECT value FROM json_each(?))`,
  );
  const mark = db.prepare<[number, string]>(
    `UPDATE ${table} SET published_at = ?, claimed_until = NULL WHERE id IN (SELECT value FROM json_each(?))`,
  );
  const unlease = db.prepare<[string]>(
    `UPDATE ${table} SET claimed_until = NULL
     WHERE id IN (SELECT value FROM json_each(?)) AND published_at IS NULL`,
  );
  const claimAll = db.transaction((limit: number, leaseMs: number): Row[] => {
    const at = now();
    const rows = select.all({ now: at, limit });
    if (rows.length > 0) lease.run(at + leaseMs, JSON.stringify(rows.map((r) => Number(r.id))));
    return rows;
  });
  const claimText = (limit: number, leaseMs: number) =>
    serialize(() =>
      claimAll
        .immediate(limit, leaseMs)
        .map(toText)
        .sort((a, b) => compareIds(a.id, b.id)),
    );
  const idList = (ids: readonly string[]) => JSON.stringify(ids.map(Number));

  return {
    add(tx, rows: readonly NewOutboxRow[]) {
      try {
        const [insertRow, insertPayload] = insertOn(tx);
        const at = now();
        for (const r of rows) {
          const { lastInsertRowid } = insertRow.run(r.key ?? null, at);
          insertPayload.run(
            lastInsertRowid,
            r.channel,
            JSON.stringify(r.attributes),
            r.contentType ?? null,
            JSON.stringify(r.headers),
            toBuffer(r.body),
          );
        }
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error);
      }
    },
    claim: async (limit, leaseMs) => (await claimText(limit, leaseMs)).map((r) => toOutboxRow(r, r.body)),
    claimText,
    markPublished: (ids) =>
      serialize(() => {
        if (ids.length > 0) mark.run(now(), idList(ids));
      }),
    release: (ids) =>
      serialize(() => {
        if (ids.length > 0) unlease.run(idList(ids));
      }),
    cleanup: (olderThanMs) =>
      serialize(() => db.prepare(`DELETE FROM ${table} WHERE published_at < ?`).run(now() - olderThanMs).changes),
    lag: () =>
      serialize((): OutboxLag => {
        const row = db
          .prepare(`SELECT count(*) AS pending, min(created_at) AS oldest FROM ${table} WHERE published_at IS NULL`)
          .get() as { pending: number; oldest: number | null };
        return { pending: row.pending, oldestAgeMs: row.oldest === null ? 0 : Math.max(0, now() - row.oldest) };
      }),
  };
}
