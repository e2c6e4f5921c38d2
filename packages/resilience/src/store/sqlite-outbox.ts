/**
 * The SQLite outbox store (better-sqlite3, synchronous). `add` runs its INSERTs synchronously, before its promise
 * settles, so it works inside a `db.transaction(() => ...)` function as well as inside `store.transaction()`.
 * `claim` runs under `BEGIN IMMEDIATE` (SQLite has one writer; a relay of another process waits for the lock,
 * up to the connection's `busy_timeout`), so two claims never overlap and per-key order holds without row locks.
 * Ids are AUTOINCREMENT: never reused after cleanup, so a late `markPublished` of a slow relay cannot hit a new row.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { compareIds, type NewOutboxRow, type OutboxLag, type OutboxRow, type OutboxStore } from '../outbox/port.js';
import { toBuffer } from './sql-names.js';

/** A transaction on SQLite: the connection, inside `BEGIN` (`db.transaction(...)` or `store.transaction()`). */
export type SqliteTransaction = BetterSqlite3.Database;

interface Row {
  id: number | bigint;
  channel: string;
  key: string | null;
  attributes: string;
  content_type: string | null;
  headers: string;
  body: Buffer;
  created_at: number;
  attempts: number;
}

const toRow = (r: Row): OutboxRow => ({
  id: String(r.id),
  channel: r.channel,
  ...(r.key !== null && { key: r.key }),
  attributes: JSON.parse(r.attributes) as Record<string, string>,
  ...(r.content_type !== null && { contentType: r.content_type }),
  headers: JSON.parse(r.headers) as Record<string, string>,
  body: r.body,
  createdAt: new Date(r.created_at),
  attempts: r.attempts,
});

/** `serialize` runs the store's own operations one at a time on `db`, never inside an open `transaction()`. */
export function sqliteOutbox(
  db: BetterSqlite3.Database,
  table: string,
  now: () => number,
  serialize: <T>(fn: () => T | Promise<T>) => Promise<T>,
): OutboxStore<SqliteTransaction> {
  const inserts = new WeakMap<BetterSqlite3.Database, BetterSqlite3.Statement>();
  const insertOn = (tx: BetterSqlite3.Database) => {
    let statement = inserts.get(tx);
    if (!statement) {
      statement = tx.prepare(
        `INSERT INTO ${table} (channel, key, attributes, content_type, headers, body, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      inserts.set(tx, statement);
    }
    return statement;
  };
  // The candidates are the oldest claimable rows, so an older claimable row of a candidate's key is a candidate
  // too: a candidate waits only while an older row of its key is leased (by another relay).
  const select = db.prepare<[{ now: number; limit: number }], Row>(
    `SELECT * FROM ${table} AS o
     WHERE o.published_at IS NULL AND (o.claimed_until IS NULL OR o.claimed_until < @now)
       AND (o.key IS NULL OR NOT EXISTS (
         SELECT 1 FROM ${table} AS p
         WHERE p.key = o.key AND p.id < o.id AND p.published_at IS NULL AND p.claimed_until >= @now))
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
  const claimAll = db.transaction((limit: number, leaseMs: number): OutboxRow[] => {
    const at = now();
    const rows = select.all({ now: at, limit });
    if (rows.length > 0) lease.run(at + leaseMs, JSON.stringify(rows.map((r) => Number(r.id))));
    return rows.map((r) => ({ ...toRow(r), attempts: r.attempts + 1 }));
  });
  const idList = (ids: readonly string[]) => JSON.stringify(ids.map(Number));

  return {
    add(tx, rows: readonly NewOutboxRow[]) {
      try {
        const insert = insertOn(tx);
        const at = now();
        for (const r of rows) {
          insert.run(
            r.channel,
            r.key ?? null,
            JSON.stringify(r.attributes),
            r.contentType ?? null,
            JSON.stringify(r.headers),
            toBuffer(r.body),
            at,
          );
        }
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error);
      }
    },
    claim: (limit, leaseMs) =>
      serialize(() => claimAll.immediate(limit, leaseMs).sort((a, b) => compareIds(a.id, b.id))),
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
