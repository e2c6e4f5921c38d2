/**
 * The relay-store worker: opens its own connection to the application's database and runs the outbox store's
 * relay operations there (claim, mark, release, cleanup, lag, LISTEN), so reading and parsing rows stays off the
 * relay's thread. Built as `dist/relay-worker.js`; started by `host.ts`, never imported.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { OutboxLeaseHolder, OutboxNotifier, OutboxStore } from '../../outbox/port.js';
import { createPostgresStore } from '../postgres.js';
import type { PostgresOutboxStore } from '../postgres-outbox.js';
import { tableNames } from '../sql-names.js';
import { sqliteOutbox } from '../sqlite-outbox.js';
import { relayPoolOptions } from './options.js';
import { type Packing, packTextRows, packTuples } from './packing.js';
import type { RemoteError, Reply, Request, StoreSpec } from './protocol.js';

interface Opened {
  readonly outbox: OutboxStore<never> & Partial<OutboxNotifier & OutboxLeaseHolder>;
  /** The claim, packed for the host. */
  claim(limit: number, leaseMs: number): Promise<Packing>;
  close(): Promise<void>;
}

async function open(spec: StoreSpec): Promise<Opened> {
  if (spec.kind === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(spec.options.filename, { fileMustExist: true, timeout: spec.options.timeoutMs ?? 5_000 });
    // Only this thread uses the connection, one synchronous statement at a time: nothing to serialize.
    const outbox = sqliteOutbox(db, tableNames(spec.options.tablePrefix).outbox, Date.now, async (fn) => fn());
    return {
      outbox: outbox as OutboxStore<never>,
      claim: async (limit, leaseMs) => packTextRows(await outbox.claimText(limit, leaseMs)),
      close: async () => void db.close(),
    };
  }
  const pg = await import('pg');
  const Pool = (pg.default ?? pg).Pool;
  const pool = new Pool(relayPoolOptions(spec.options.pool));
  pool.on('error', () => {}); // an idle client dropped by the server: the next query gets a new one
  const store = createPostgresStore({
    pool,
    ...(spec.options.tablePrefix !== undefined && { tablePrefix: spec.options.tablePrefix }),
  });
  const outbox = store.outbox as PostgresOutboxStore;
  return {
    outbox: outbox as OutboxStore<never> & OutboxNotifier & OutboxLeaseHolder,
    claim: async (limit, leaseMs) => packTuples(await outbox.claimEntries(limit, leaseMs)),
    close: () => pool.end(),
  };
}

if (!parentPort)
  throw new Error('relay-worker.js runs in a worker thread (started by the relay store), not on its own');
const port = parentPort;
const opened = open(workerData as StoreSpec);
opened.catch(() => {}); // reported to each request instead
let stopListening: (() => Promise<void>) | undefined;

const post = (reply: Reply, transfer?: ArrayBuffer[]) => port.postMessage(reply, transfer);
const remote = (error: unknown): RemoteError => {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (e as { code?: unknown }).code;
  return { name: e.name, message: e.message, ...(typeof code === 'string' && { code }) };
};

async function handle(request: Request): Promise<void> {
  const { outbox, claim, close } = await opened;
  switch (request.op) {
    case 'claim': {
      const { packed, transfer } = await claim(request.limit, request.leaseMs);
      return post({ id: request.id, ok: true, rows: packed }, transfer);
    }
    case 'markPublished':
      await outbox.markPublished(request.ids);
      return post({ id: request.id, ok: true });
    case 'release':
      await outbox.release(request.ids);
      return post({ id: request.id, ok: true });
    case 'cleanup':
      return post({ id: request.id, ok: true, value: await outbox.cleanup(request.olderThanMs) });
    case 'lag':
      return post({ id: request.id, ok: true, value: await outbox.lag() });
    case 'listen':
      stopListening ??= await outbox.listen?.(() => post({ notify: true }));
      return post({ id: request.id, ok: true });
    case 'resign':
      await outbox.resign?.();
      return post({ id: request.id, ok: true });
    case 'unlisten': {
      const stop = stopListening;
      stopListening = undefined;
      await stop?.();
      return post({ id: request.id, ok: true });
    }
    case 'close':
      await stopListening?.().catch(() => {});
      await close();
      post({ id: request.id, ok: true });
      port.close();
      return;
  }
}

port.on('message', (request: Request) => {
  handle(request).catch((error: unknown) => post({ id: request.id, ok: false, error: remote(error) }));
});
