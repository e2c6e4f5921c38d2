/**
 * Replies the saga waits for (an eligibility determination, a payment outcome), kept as records so that waiting
 * works across processes and restarts: the router's handler records the reply in its inbox transaction, the step
 * that waits finds it in the database. In this process the wait is woken at once (`wake`, after the handler's
 * commit); a reply recorded by another process of the service is found by polling every `pollMs`. A step re-run
 * after a restart finds a reply that arrived while no process was waiting.
 */
import type { ServiceDatabase, Tx } from '@humangov-examples/kit';
import { kinds, type Reply } from './model.js';

export interface Replies {
  /** Stores `reply` under `key` inside `tx` (the first one wins: a redelivered or late reply changes nothing). */
  record(tx: Tx, key: string, reply: Reply): Promise<void>;
  /** Wakes this process's waits on `key`; call it once the recording transaction committed. */
  wake(key: string): void;
  /**
   * Resolves with the reply recorded under `key`, or with `undefined` as soon as `stop()` resolves true (checked
   * at each wake-up: e.g. the application was withdrawn). Rejects with `signal.reason` when `signal` aborts (the
   * step's timeout). After `close()` it never settles: a closing service leaves its sagas where they were saved,
   * for the next process to resume.
   */
  wait(key: string, signal: AbortSignal, stop?: () => Promise<boolean>): Promise<Reply | undefined>;
  /** Releases every timer; pending waits never settle. */
  close(): void;
}

export function createReplies(db: ServiceDatabase, options: { readonly pollMs: number }): Replies {
  const waiters = new Map<string, Set<() => void>>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let closed = false;

  /** A promise resolved by `wake(key)`, the poll timer or `signal`, registered before the caller looks. */
  function wakeUp(key: string, signal: AbortSignal): { promise: Promise<void>; cancel(): void } {
    let resolveIt!: () => void;
    const promise = new Promise<void>((resolve) => {
      resolveIt = resolve;
    });
    const set = waiters.get(key) ?? new Set();
    waiters.set(key, set);
    const cancel = () => {
      clearTimeout(timer);
      timers.delete(timer);
      set.delete(done);
      if (set.size === 0) waiters.delete(key);
      signal.removeEventListener('abort', done);
    };
    const done = () => {
      cancel();
      resolveIt();
    };
    const timer = setTimeout(done, options.pollMs);
    timers.add(timer);
    set.add(done);
    signal.addEventListener('abort', done, { once: true });
    return { promise, cancel };
  }

  const never = new Promise<never>(() => {});

  return {
    async record(tx, key, reply) {
      if (await db.records.get(kinds.reply, key, tx)) return;
      await db.records.put(tx, kinds.reply, key, reply);
    },
    wake(key) {
      for (const done of [...(waiters.get(key) ?? [])]) done();
    },
    async wait(key, signal, stop) {
      for (;;) {
        if (closed) return never;
        signal.throwIfAborted();
        const next = wakeUp(key, signal);
        const found = await db.records.get<Reply>(kinds.reply, key);
        if (found) {
          next.cancel();
          return found.value;
        }
        if (stop && (await stop())) {
          next.cancel();
          return undefined;
        }
        await next.promise;
      }
    },
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      waiters.clear();
    },
  };
}
