/**
 * The outbox relay: publishes committed outbox rows through any transport, at least once, in per-key order.
 *
 * One cycle: claim up to `batchSize` rows (one store round trip, leased for `leaseMs`), publish them — rows of
 * different keys concurrently, rows of one key one after another, each only after the previous one's broker
 * confirmation — then mark the published ones in one round trip and release the failed ones (and the later rows
 * of their key) for a retry. Several relays (processes) may run on one store: the store's claim gives each row,
 * and each key's pending rows, to one relay at a time (see `OutboxStore.claim`).
 *
 * Guarantees and their limits:
 * - at-least-once: a row is marked only after the broker confirmed it. A relay that crashes (or whose publishes
 *   outlive its lease) leaves rows that another relay publishes again when the lease expires: consumers
 *   deduplicate (the inbox middleware does).
 * - per-key order: rows of one key are published in id order. A publish that fails stops its key for this batch.
 *   A relay stops publishing a batch once 80% of its lease has passed (the rest is left to lease expiry), so two
 *   relays never publish one key at once unless a single publish hangs past the lease (the publish signal aborts
 *   it then, but a broker may still store it).
 * - wake-up: after a full batch the relay claims again at once; otherwise it waits `pollMs`, or less when the store
 *   notifies (`OutboxNotifier`: PostgreSQL LISTEN/NOTIFY). After a failure it waits `pollMs`, doubling per
 *   consecutive failure up to 30 s, notifications ignored (no hot loop against a down broker or database).
 */
import { isOutboxNotifier, type OutboxLag, type OutboxRow, type OutboxStore } from '@humangov/resilience';
import { ClosedError } from '../errors.js';
import type { PublisherPort, TransportMessage } from '../transport/port.js';
import { type OutboxRelayListener, RelayListeners } from './relay-events.js';

/** The store operations a relay uses (any `OutboxStore`, whatever its transaction type). */
export type RelayStore = Pick<OutboxStore<never>, 'claim' | 'markPublished' | 'release' | 'cleanup' | 'lag'>;

export interface OutboxRelayOptions {
  readonly store: RelayStore;
  /** Where rows are published. The relay does not own it: `close()` leaves it open. */
  readonly transport: PublisherPort;
  /** Most rows claimed and published per cycle. @default 500 */
  readonly batchSize?: number;
  /**
   * Batches in flight at once (claim -> publish -> mark cycles running side by side), so claiming and marking
   * overlap publishing. Safe for order: a batch's rows count as "leased by someone else" for the other cycles.
   * Worth raising only when pending rows spread over many keys (PostgreSQL -> Kafka, 5,000 distinct keys:
   * ~4.8k -> ~7.3k events/s at 2 in a quick test); with few busy keys the extra cycles find them leased, claim
   * nothing and sleep `pollMs` (100 keys x 100 rows to memory: ~10-14k -> ~4-9k events/s).
   * @default 1
   */
  readonly concurrency?: number;
  /** How long a claim is exclusive; a crashed relay's rows are taken over after it. @default 30_000 */
  readonly leaseMs?: number;
  /** Wait between claims when the outbox was drained (the fallback when no notification comes). @default 500 */
  readonly pollMs?: number;
  /** Published rows older than this are deleted (every `cleanupEveryMs`). @default undefined: never deleted */
  readonly retentionMs?: number;
  /** @default 60_000 */
  readonly cleanupEveryMs?: number;
  /** Period of `lag` events (only computed while a listener is registered). @default 10_000 */
  readonly lagEveryMs?: number;
  /** Listens to lifecycle events from the start (same as `relay.onEvent`). */
  readonly onEvent?: OutboxRelayListener;
}

export interface OutboxRelay {
  /** Starts the cycle (and LISTEN where the store notifies); resolves once listening. Idempotent. */
  start(): Promise<void>;
  /** Lag of the outbox: unpublished rows and the age of the oldest (ms). */
  lag(): Promise<OutboxLag>;
  /** Listens to lifecycle events (`batch`, `publish-failed`, `store-failed`, `lag`, `cleanup`); returns the unsubscribe. */
  onEvent(listener: OutboxRelayListener): () => void;
  /**
   * Stops claiming, finishes the batch in flight (its publishes and marks), stops listening and the timers.
   * Idempotent. The transport and the store stay open.
   */
  close(): Promise<void>;
}

const MAX_BACKOFF_MS = 30_000;

interface BatchResult {
  readonly claimed: number;
  readonly failed: number;
}

export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { store, transport } = options;
  const batchSize = positive('batchSize', options.batchSize ?? 500);
  const leaseMs = positive('leaseMs', options.leaseMs ?? 30_000);
  const pollMs = positive('pollMs', options.pollMs ?? 500);
  const cleanupEveryMs = positive('cleanupEveryMs', options.cleanupEveryMs ?? 60_000);
  const lagEveryMs = positive('lagEveryMs', options.lagEveryMs ?? 10_000);
  const concurrency = Math.floor(positive('concurrency', options.concurrency ?? 1));
  const listeners = new RelayListeners();
  if (options.onEvent) listeners.on(options.onEvent);

  let state: 'new' | 'running' | 'closed' = 'new';
  let loops: Promise<void>[] = [];
  let closing: Promise<void> | undefined;
  let stopListening: (() => Promise<void>) | undefined;
  // Notifications count up; a cycle that started before the latest one does not sleep.
  let notifications = 0;
  const sleepers = new Set<() => void>();
  const timers: NodeJS.Timeout[] = [];

  const onNotify = () => {
    notifications++;
    for (const wake of sleepers) wake();
  };

  /** Waits `ms`, cut short by close() and (unless backing off) by a notification after `seen`. */
  const pause = (ms: number, seen: number | undefined) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const wake = () => {
        if (state === 'closed' || (seen !== undefined && notifications !== seen)) done();
      };
      function done() {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      }
      sleepers.add(wake);
      wake();
    });

  async function publishGroup(
    rows: readonly OutboxRow[],
    deadline: number,
    out: { published: string[]; failed: string[] },
  ) {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const remaining = deadline - performance.now();
      if (remaining <= 0) return; // left to lease expiry: releasing could hand a key to two relays at once
      try {
        await transport.publish(toMessage(row), { signal: AbortSignal.timeout(Math.ceil(remaining)) });
        out.published.push(row.id);
      } catch (error) {
        listeners.emit({
          kind: 'publish-failed',
          id: row.id,
          channel: row.channel,
          ...(row.key !== undefined && { key: row.key }),
          error,
        });
        for (const rest of rows.slice(i)) out.failed.push(rest.id);
        return;
      }
    }
  }

  async function cycle(): Promise<BatchResult> {
    const started = performance.now();
    let rows: OutboxRow[];
    try {
      rows = await store.claim(batchSize, leaseMs);
    } catch (error) {
      listeners.emit({ kind: 'store-failed', operation: 'claim', error });
      return { claimed: 0, failed: 1 };
    }
    if (rows.length === 0) return { claimed: 0, failed: 0 };
    // Leases count from before the claim was sent, so the relay's deadline errs early against the store's clock.
    const deadline = started + leaseMs * 0.8;
    const groups = new Map<string, OutboxRow[]>();
    const unkeyed: OutboxRow[][] = [];
    for (const row of rows) {
      if (row.key === undefined) unkeyed.push([row]);
      else {
        const group = groups.get(row.key);
        if (group) group.push(row);
        else groups.set(row.key, [row]);
      }
    }
    const out = { published: [] as string[], failed: [] as string[] };
    await Promise.all([...groups.values(), ...unkeyed].map((group) => publishGroup(group, deadline, out)));
    let failed = out.failed.length;
    try {
      await store.markPublished(out.published);
    } catch (error) {
      // The rows go out again when their lease expires: a duplicate, never a loss.
      listeners.emit({ kind: 'store-failed', operation: 'mark', error });
      failed++;
    }
    if (out.failed.length > 0 && performance.now() < deadline) {
      await store.release(out.failed).catch((error: unknown) => {
        listeners.emit({ kind: 'store-failed', operation: 'release', error });
      });
    }
    listeners.emit({
      kind: 'batch',
      claimed: rows.length,
      published: out.published.length,
      failed: out.failed.length,
      durationMs: performance.now() - started,
    });
    return { claimed: rows.length, failed };
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (state === 'running') {
      const seen = notifications;
      const result = await cycle();
      if (state !== 'running') break;
      if (result.failed > 0) {
        failures++;
        await pause(Math.min(MAX_BACKOFF_MS, pollMs * 2 ** (failures - 1)), undefined);
        continue;
      }
      failures = 0;
      if (result.claimed < batchSize) await pause(pollMs, seen);
    }
  }

  const every = (ms: number, fn: () => Promise<void>) => {
    const timer = setInterval(() => void fn(), ms);
    timer.unref();
    timers.push(timer);
  };

  const relay: OutboxRelay = {
    async start() {
      if (state === 'closed') throw new ClosedError('outbox relay');
      if (state === 'running') return;
      state = 'running';
      if (isOutboxNotifier(store)) {
        try {
          stopListening = await store.listen(onNotify);
        } catch (error) {
          listeners.emit({ kind: 'store-failed', operation: 'listen', error }); // polling still works
        }
      }
      if (options.retentionMs !== undefined) {
        const retentionMs = options.retentionMs;
        every(cleanupEveryMs, async () => {
          try {
            listeners.emit({ kind: 'cleanup', deleted: await store.cleanup(retentionMs) });
          } catch (error) {
            listeners.emit({ kind: 'store-failed', operation: 'cleanup', error });
          }
        });
      }
      every(lagEveryMs, async () => {
        if (listeners.size === 0) return;
        try {
          listeners.emit({ kind: 'lag', ...(await store.lag()) });
        } catch (error) {
          listeners.emit({ kind: 'store-failed', operation: 'lag', error });
        }
      });
      loops = Array.from({ length: concurrency }, run);
    },
    lag: () => store.lag(),
    onEvent: (listener) => listeners.on(listener),
    close() {
      closing ??= (async () => {
        state = 'closed';
        for (const wake of sleepers) wake();
        for (const timer of timers.splice(0)) clearInterval(timer);
        await Promise.all(loops);
        await stopListening?.().catch(() => {});
      })();
      return closing;
    },
  };
  return relay;
}

const toMessage = (row: OutboxRow): TransportMessage => ({
  channel: row.channel,
  ...(row.key !== undefined && { key: row.key }),
  attributes: row.attributes,
  ...(row.contentType !== undefined && { contentType: row.contentType }),
  headers: row.headers,
  body: row.body,
});

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new TypeError(`outbox relay: ${name} must be > 0, got ${value}`);
  return value;
}
