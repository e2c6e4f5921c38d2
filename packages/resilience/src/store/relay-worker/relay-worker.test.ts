import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { isResilienceError } from '../../errors.js';
import { createSqliteRelayStore, createSqliteStore } from '../../sqlite.js';
import type { SqliteTextRow } from '../sqlite-outbox.js';
import { relayPoolOptions } from './options.js';
import { packTextRows, unpackRows } from './packing.js';

const row = (id: string, body: Uint8Array, extra: Partial<SqliteTextRow> = {}): SqliteTextRow => ({
  id,
  channel: 'citizen.registered',
  key: null,
  attributes: '{"id":"e1","type":"citizen.registered"}',
  contentType: null,
  headers: '{}',
  body: Buffer.from(body),
  createdMs: 1_700_000_000_000 + Number(id),
  attempts: 1,
  ...extra,
});

describe('relay-store worker packing', () => {
  it('gives back every field of every row, bodies byte for byte, keys and content types only where set', () => {
    const rows = [
      row('1', new Uint8Array([0, 255, 1, 0]), { key: 'a', contentType: 'application/json', attempts: 3 }),
      row('2', new Uint8Array(0)),
      row('18446744073709551615', new TextEncoder().encode('héllo 🌍'), {
        headers: '{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}',
      }),
    ];
    const { packed, transfer } = packTextRows(rows);
    const back = unpackRows(structuredClone(packed, { transfer }));
    expect(back.map((r) => r.id)).toEqual(['1', '2', '18446744073709551615']);
    expect(back.map((r) => [...r.body])).toEqual(rows.map((r) => [...r.body]));
    expect(back[0]).toMatchObject({ key: 'a', contentType: 'application/json', attempts: 3, headers: {} });
    expect(back[0]!.attributes).toEqual({ id: 'e1', type: 'citizen.registered' });
    expect(back[0]!.createdAt.getTime()).toBe(1_700_000_000_001);
    expect(back[1]).not.toHaveProperty('key');
    expect(back[1]).not.toHaveProperty('contentType');
    expect(back[2]!.headers).toEqual({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    expect(transfer[0]!.byteLength).toBe(0); // moved, not copied
  });

  it('keeps a hostile attribute name as an own property, never as the prototype', () => {
    const attributes = '{"id":"e1","__proto__":{"polluted":"yes"}}';
    const [back] = unpackRows(packTextRows([row('1', new Uint8Array(1), { attributes })]).packed);
    expect(Object.getPrototypeOf(back!.attributes)).toBe(Object.prototype);
    expect(Object.keys(back!.attributes)).toEqual(['id', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('createSqliteRelayStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'humangov-relay-worker-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses an in-memory database: the worker opens its own connection', () => {
    expect(() => createSqliteRelayStore({ filename: ':memory:' })).toThrow(
      /names a database file|name a database file/,
    );
  });

  it('reports a database the worker cannot open as a typed, retryable error, and keeps working after', async () => {
    const store = createSqliteRelayStore({ filename: join(dir, 'missing.db') });
    const error = await store.claim(10, 1_000).catch((e: unknown) => e);
    expect(isResilienceError(error, 'HUMANGOV_RELAY_STORE_WORKER')).toBe(true);
    expect(error).toMatchObject({ retryable: true, remoteName: 'SqliteError' });
    expect(String((error as Error).message)).toMatch(/sqlite relay store: .*(unable to open|does not exist)/i);
    await expect(store.lag()).rejects.toMatchObject({ code: 'HUMANGOV_RELAY_STORE_WORKER' });
    await store.close();
  });

  it('claims and marks what the application committed on its own connection; close() is final', async () => {
    const filename = join(dir, 'app.db');
    const db = new Database(filename);
    db.pragma('journal_mode = WAL');
    const app = createSqliteStore({ db, tablePrefix: 'w_' });
    await app.migrate();
    const body = new TextEncoder().encode('{"n":1}');
    db.transaction(() => {
      void app.outbox.add(db, [{ channel: 'c', key: 'k', attributes: { id: 'e1' }, headers: {}, body }]);
    })();
    const relayStore = createSqliteRelayStore({ filename, tablePrefix: 'w_' });
    const [claimed] = await relayStore.claim(10, 30_000);
    expect(claimed).toMatchObject({ channel: 'c', key: 'k', attributes: { id: 'e1' }, attempts: 1 });
    expect(new TextDecoder().decode(claimed!.body)).toBe('{"n":1}');
    await relayStore.markPublished([claimed!.id]);
    expect(await app.outbox.lag()).toEqual({ pending: 0, oldestAgeMs: 0 });
    await relayStore.close();
    await relayStore.close(); // idempotent
    await expect(relayStore.lag()).rejects.toThrow(/closed/);
    db.close();
  });
});

describe('the PostgreSQL relay-store worker pool', () => {
  it("bounds every statement with pg's query_timeout of 30 s unless the caller sets its own", () => {
    expect(relayPoolOptions({ connectionString: 'postgres://x' })).toEqual({
      max: 4,
      query_timeout: 30_000,
      connectionString: 'postgres://x',
    });
    expect(relayPoolOptions({ query_timeout: 300, max: 8 })).toMatchObject({ query_timeout: 300, max: 8 });
  });
});
