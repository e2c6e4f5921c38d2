/**
 * A relay store whose database work runs in a worker thread. The relay's own thread is busy encoding and
 * publishing; reading, parsing, leasing and marking rows cost it as much again (~9 us per row on SQLite and on
 * PostgreSQL, against ~2 us to take packed rows from the worker). Same contract as the store it wraps: claim,
 * markPublished, release, cleanup, lag, and LISTEN on PostgreSQL.
 */
import { Worker } from 'node:worker_threads';
import { RelayStoreWorkerError } from '../../errors.js';
import type { OutboxLag, OutboxLeaseHolder, OutboxNotifier, OutboxRow } from '../../outbox/port.js';
import { unpackRows } from './packing.js';
import type { Reply, Request, StoreSpec, Success } from './protocol.js';

/** What an outbox relay needs from a store, and `close()`; `listen` only where the database notifies. */
export interface WorkerRelayStore {
  claim(limit: number, leaseMs: number): Promise<OutboxRow[]>;
  markPublished(ids: readonly string[]): Promise<void>;
  release(ids: readonly string[]): Promise<void>;
  cleanup(olderThanMs: number): Promise<number>;
  lag(): Promise<OutboxLag>;
  /** Closes the worker's connection and stops the worker; later calls reject. Idempotent. */
  close(): Promise<void>;
}

type Pending = { resolve(reply: Success): void; reject(error: Error): void };
/** `Omit` over each member of a union (a request without its id). */
type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

/** The built worker script: next to this module in dist/, or the package's dist/ when running from source. */
function workerScript(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../../../dist/relay-worker.js', here) : new URL('./relay-worker.js', here);
}

/** Starts the worker thread (tests pass their own to reach the `Worker`). */
export type SpawnWorker = (spec: StoreSpec) => Worker;
const spawnWorker: SpawnWorker = (spec) => new Worker(workerScript(), { workerData: spec });

export function createWorkerRelayStore(
  spec: StoreSpec,
  spawn: SpawnWorker = spawnWorker,
): WorkerRelayStore & Partial<OutboxNotifier & OutboxLeaseHolder> {
  const what = `${spec.kind} relay store`;
  let worker: Worker | undefined;
  let nextId = 0;
  let closed: Promise<void> | undefined;
  const pending = new Map<number, Pending>();
  const listeners = new Set<() => void>();

  const failAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  const start = (): Worker => {
    const w = spawn(spec);
    w.unref(); // only calls in flight keep the process alive (see call)
    w.on('message', (reply: Reply) => {
      if ('notify' in reply) {
        for (const listener of listeners) listener();
        return;
      }
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (pending.size === 0) w.unref();
      if (reply.ok) p.resolve(reply);
      else p.reject(new RelayStoreWorkerError(what, reply.error.message, reply.error));
    });
    w.on('error', (error) => failAll(new RelayStoreWorkerError(what, error.message, { cause: error })));
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      failAll(new RelayStoreWorkerError(what, `the worker stopped (exit code ${code})`));
      // A worker that died while the relay listened: the next one listens again, and the relay gets a wake-up
      // in case a notification was lost in between.
      if (!closed && listeners.size > 0) {
        void call({ op: 'listen' }).then(
          () => {
            for (const listener of listeners) listener();
          },
          () => {},
        );
      }
    });
    return w;
  };

  function call(request: DistributiveOmit<Request, 'id'>): Promise<Success> {
    if (closed && request.op !== 'close') return Promise.reject(new RelayStoreWorkerError(what, 'closed'));
    worker ??= start();
    const w = worker;
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      w.ref();
      w.postMessage({ ...request, id });
    });
  }

  const store: WorkerRelayStore & Partial<OutboxNotifier & OutboxLeaseHolder> = {
    claim: async (limit, leaseMs) => {
      const reply = await call({ op: 'claim', limit, leaseMs });
      return reply.rows ? unpackRows(reply.rows) : [];
    },
    markPublished: async (ids) => {
      if (ids.length > 0) await call({ op: 'markPublished', ids });
    },
    release: async (ids) => {
      if (ids.length > 0) await call({ op: 'release', ids });
    },
    cleanup: async (olderThanMs) => (await call({ op: 'cleanup', olderThanMs })).value as number,
    lag: async () => (await call({ op: 'lag' })).value as OutboxLag,
    close() {
      closed ??= (async () => {
        const w = worker;
        if (!w) return;
        await call({ op: 'close' }).catch(() => {});
        await w.terminate();
      })();
      return closed;
    },
  };
  if (spec.kind === 'postgres') {
    store.resign = async () => {
      if (worker) await call({ op: 'resign' }); // no worker yet: nothing claimed, no lease held
    };
    store.listen = async (onNotify) => {
      listeners.add(onNotify);
      if (listeners.size === 1) {
        try {
          await call({ op: 'listen' });
        } catch (error) {
          listeners.delete(onNotify);
          throw error;
        }
      }
      return async () => {
        if (!listeners.delete(onNotify) || listeners.size > 0 || closed) return;
        await call({ op: 'unlisten' });
      };
    };
  }
  return store;
}
