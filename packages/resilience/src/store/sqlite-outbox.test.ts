import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../sqlite.js';

const open: Database.Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

const memoryDb = () => {
  const db = new Database(':memory:');
  open.push(db);
  return db;
};

const message = (n: number) => ({
  channel: 'test.channel',
  key: `k${n % 2}`,
  attributes: { id: `e${n}` },
  contentType: 'application/json',
  headers: { h: String(n) },
  body: new TextEncoder().encode(`{"n":${n}}`),
});

describe('SQLite outbox tables', () => {
  it('splits an outbox of the one-table layout, keeping its pending rows, their order and attempts', async () => {
    const db = memoryDb();
    db.exec(`
      CREATE TABLE humangov_outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, key TEXT, attributes TEXT NOT NULL,
        content_type TEXT, headers TEXT NOT NULL, body BLOB NOT NULL, created_at INTEGER NOT NULL,
        claimed_until INTEGER, published_at INTEGER, attempts INTEGER NOT NULL DEFAULT 0);
      CREATE INDEX humangov_outbox_pending ON humangov_outbox (id) WHERE published_at IS NULL;
      CREATE INDEX humangov_outbox_pending_key ON humangov_outbox (key, id) WHERE published_at IS NULL;
      INSERT INTO humangov_outbox (channel, key, attributes, content_type, headers, body, created_at, published_at)
        VALUES ('c', 'a', '{"id":"e1"}', NULL, '{}', x'31', 1, 5);
      INSERT INTO humangov_outbox (channel, key, attributes, content_type, headers, body, created_at, attempts)
        VALUES ('c', 'a', '{"id":"e2"}', 'text/plain', '{"h":"2"}', x'32', 2, 1),
               ('c', NULL, '{"id":"e3"}', NULL, '{}', x'33', 3, 0);`);
    const store = createSqliteStore({ db, now: () => 10 });
    await store.migrate();
    await store.migrate();

    const claimed = await store.outbox.claim(10, 1_000);
    expect(claimed.map((r) => r.attributes.id)).toEqual(['e2', 'e3']);
    expect(claimed[0]).toMatchObject({ channel: 'c', key: 'a', contentType: 'text/plain', attempts: 2 });
    expect(claimed[0]?.headers).toEqual({ h: '2' });
    expect(Buffer.from(claimed[0]!.body).toString()).toBe('2');
    // A row added after the split follows the old ones (ids are not reused).
    db.transaction(() => void store.outbox.add(db, [message(4)]))();
    await store.outbox.markPublished(claimed.map((r) => r.id));
    const [next] = await store.outbox.claim(10, 1_000);
    expect(next?.attributes.id).toBe('e4');
    expect(Number(next?.id)).toBeGreaterThan(Number(claimed[1]?.id));
  });

  it('deletes the messages of the rows that cleanup deletes', async () => {
    let time = 0;
    const db = memoryDb();
    const store = createSqliteStore({ db, now: () => time });
    await store.migrate();
    db.transaction(() => void store.outbox.add(db, [message(1), message(2), message(3)]))();
    const [first] = await store.outbox.claim(1, 1_000);
    await store.outbox.markPublished([first!.id]);
    time += 100;
    expect(await store.outbox.cleanup(50)).toBe(1);
    const messages = db.prepare(`SELECT count(*) FROM ${store.tables.outboxPayload}`).pluck().get();
    expect(messages).toBe(2);
  });
});
