/**
 * In-memory outbox and inbox stores sharing one transaction type: for tests, demos and single-process services
 * that accept losing unpublished rows on a crash (nothing is persisted). Same contracts as the SQL stores.
 */
import type { InboxStore } from '../inbox/port.js';
import {
  compareIds,
  type NewOutboxRow,
  type OutboxLag,
  type OutboxNotifier,
  type OutboxRow,
  type OutboxStore,
  type Transactor,
} from '../outbox/port.js';

/**
 * A memory transaction: writes are buffered and applied together, synchronously, at commit; a rollback drops
 * them. Only `transaction()` of the store that made it may be used to obtain one.
 */
export interface MemoryTransaction {
  readonly id: number;
}

export interface MemoryStoreOptions {
  /** Clock of leases, ages and retention (ms). @default Date.now */
  readonly now?: () => number;
}

export interface MemoryStore extends Transactor<MemoryTransaction> {
  readonly outbox: OutboxStore<MemoryTransaction> & OutboxNotifier;
  readonly inbox: InboxStore<MemoryTransaction>;
}

interface StoredRow {
  readonly row: OutboxRow;
  readonly createdMs: number;
  claimedUntil: number;
  publishedAt: number | undefined;
}

interface TxState {
  readonly handle: MemoryTransaction;
  readonly onCommit: Array<() => void>;
  readonly onEnd: Array<() => void>;
  readonly inboxIds: Set<string>;
}

/** Creates an empty memory store (outbox + inbox + transactions). */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const now = options.now ?? Date.now;
  const rows = new Map<string, StoredRow>();
  const handled = new Map<string, number>();
  // Inbox ids recorded by transactions still open: a concurrent `seen` waits for them, as a unique index would.
  const reserved = new Map<string, Promise<void>>();
  const open = new Map<MemoryTransaction, TxState>();
  const listeners = new Set<() => void>();
  let nextRow = 1;
  let nextTx = 1;

  const stateOf = (tx: MemoryTransaction): TxState => {
    const state = open.get(tx);
    if (!state) throw new Error('memory store: the transaction is not open (committed, rolled back, or foreign)');
    return state;
  };

  const transaction = async <T>(fn: (tx: MemoryTransaction) => Promise<T> | T): Promise<T> => {
    const handle: MemoryTransaction = Object.freeze({ id: nextTx++ });
    const state: TxState = { handle, onCommit: [], onEnd: [], inboxIds: new Set() };
    open.set(handle, state);
    try {
      const result = await fn(handle);
      for (const apply of state.onCommit) apply();
      return result;
    } finally {
      open.delete(handle);
      for (const end of state.onEnd) end();
    }
  };

  const outbox: MemoryStore['outbox'] = {
    async add(tx, newRows: readonly NewOutboxRow[]) {
      const state = stateOf(tx);
      const copies = newRows.map((r) => ({ ...r, body: r.body.slice() }));
      state.onCommit.push(() => {
        const createdMs = now();
        for (const r of copies) {
          const id = String(nextRow++);
          const row: OutboxRow = { ...r, id, createdAt: new Date(createdMs), attempts: 0 };
          rows.set(id, { row, createdMs, claimedUntil: 0, publishedAt: undefined });
        }
        for (const listener of listeners) queueMicrotask(listener);
      });
    },
    async claim(limit, leaseMs) {
      const at = now();
      const candidates: StoredRow[] = [];
      for (const r of rows.values()) {
        if (candidates.length >= limit) break;
        if (r.publishedAt === undefined && r.claimedUntil <= at) candidates.push(r);
      }
      const inClaim = new Set(candidates.map((c) => c.row.id));
      // Keys with an unpublished row outside this claim: their later rows wait (per-key order).
      const blocked = new Map<string, string>();
      for (const r of rows.values()) {
        const key = r.row.key;
        if (key === undefined || r.publishedAt !== undefined || inClaim.has(r.row.id)) continue;
        const first = blocked.get(key);
        if (first === undefined || compareIds(r.row.id, first) < 0) blocked.set(key, r.row.id);
      }
      const claimed: OutboxRow[] = [];
      for (const c of candidates) {
        const block = c.row.key === undefined ? undefined : blocked.get(c.row.key);
        if (block !== undefined && compareIds(block, c.row.id) < 0) continue;
        c.claimedUntil = at + leaseMs;
        const row: OutboxRow = { ...c.row, attempts: c.row.attempts + 1 };
        rows.set(row.id, { ...c, row });
        claimed.push(row);
      }
      return claimed;
    },
    async markPublished(ids) {
      const at = now();
      for (const id of ids) {
        const r = rows.get(id);
        if (r) {
          r.publishedAt = at;
          r.claimedUntil = 0;
        }
      }
    },
    async release(ids) {
      for (const id of ids) {
        const r = rows.get(id);
        if (r && r.publishedAt === undefined) r.claimedUntil = 0;
      }
    },
    async cleanup(olderThanMs) {
      const limit = now() - olderThanMs;
      let deleted = 0;
      for (const [id, r] of rows) {
        if (r.publishedAt !== undefined && r.publishedAt < limit) {
          rows.delete(id);
          deleted++;
        }
      }
      return deleted;
    },
    async lag(): Promise<OutboxLag> {
      let pending = 0;
      let oldest: number | undefined;
      for (const r of rows.values()) {
        if (r.publishedAt !== undefined) continue;
        pending++;
        oldest ??= r.createdMs; // insertion order is id order
      }
      return { pending, oldestAgeMs: oldest === undefined ? 0 : Math.max(0, now() - oldest) };
    },
    async listen(onNotify) {
      const listener = () => onNotify();
      listeners.add(listener);
      return async () => void listeners.delete(listener);
    },
  };

  const inbox: MemoryStore['inbox'] = {
    transaction,
    async seen(tx, group, eventId) {
      const state = stateOf(tx);
      const id = `${group}\u0000${eventId}`;
      for (;;) {
        if (handled.has(id)) return true;
        const pending = reserved.get(id);
        if (pending === undefined) break;
        if (state.inboxIds.has(id)) return true;
        await pending;
      }
      let settle!: () => void;
      reserved.set(
        id,
        new Promise<void>((resolve) => {
          settle = resolve;
        }),
      );
      state.inboxIds.add(id);
      state.onCommit.push(() => void handled.set(id, now()));
      state.onEnd.push(() => {
        reserved.delete(id);
        settle();
      });
      return false;
    },
    async cleanup(olderThanMs) {
      const limit = now() - olderThanMs;
      let deleted = 0;
      for (const [id, at] of handled) {
        if (at < limit) {
          handled.delete(id);
          deleted++;
        }
      }
      return deleted;
    },
  };

  return { transaction, outbox, inbox };
}
