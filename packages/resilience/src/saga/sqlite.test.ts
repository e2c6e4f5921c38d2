import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { createSqliteSagaStore } from './sqlite.js';
import { sagaStoreCases } from './store-cases.js';

const dir = mkdtempSync(join(tmpdir(), 'humangov-saga-'));
const db = new Database(join(dir, 'saga.db'));
db.pragma('journal_mode = WAL');
const store = createSqliteSagaStore({ db, tablePrefix: 'app_' });

sagaStoreCases('SQLite', async () => {
  await store.migrate();
  await store.migrate(); // idempotent
  return {
    store,
    async reset() {
      db.exec(`DELETE FROM ${store.tables.saga}; DELETE FROM ${store.tables.transition};`);
    },
  };
});

it('names its tables from the prefix and refuses a prefix that is not an identifier', () => {
  expect(store.tables).toEqual({ saga: 'app_saga', transition: 'app_saga_transition' });
  expect(() => createSqliteSagaStore({ db, tablePrefix: 'x; DROP TABLE y' })).toThrow(TypeError);
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});
