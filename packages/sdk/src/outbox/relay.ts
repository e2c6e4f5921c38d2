/**
 * The outbox relay: publishes committed outbox rows through any transport, at least once, in per-key order.
 *
 * The pipeline: claim up to `batchSize` rows (one store round trip, leased for `leaseMs`), publish them — in one
 * `publishBatch` call when the transport is a `BatchPublisher` (Kafka: per-key order kept within the call), else
 * rows of different keys concurrently, rows of one key one after another, each only after the previous one's
 * broker confirmation — then mark the published ones in one round trip and release the failed ones (and the later rows
 * of their key) for a retry. The three steps overlap across batches: after a full batch the next one is claimed
 * while this one publishes, and a batch is marked while the next one publishes (at most one batch per step).
 * Overlapping keeps per-key order because the store's claim leaves out every row whose key has an older
 * unpublished row outside that claim: a batch's keys stay out of the next claim until it is marked. Several relays
 * (processes) may run on one store: the store's claim gives each row, and each key's pending rows, to one relay at
 * a time (see `OutboxStore.claim`).
 *
 * Guarantees and their limits:
 * - at-least-once: a row is marked only after the broker confirmed it. A relay that crashes (or whose publishes
 *   outlive its lease) leaves rows that another relay publishes again when the lease expires: consumers
 *   deduplicate (the inbox middleware does).
 * - per-key order: rows of one key are published in id order. A publish that fails stops its key for this batch.
 *   A relay stops publishing a batch once 80% of its lease has passed (the rest is left to lease expiry), so two
 *   relays never publish one key at once unless a single publish hangs past the lease (the publish signal aborts
 *   it then, but a broker may still store it).
 * - wake-up: after a full batch the relay claims again at once; when a claim that ran beside another batch comes
 *   back short, it claims once more after that batch; otherwise it waits `pollMs`, or less when the store notifies
 *   (`OutboxNotifier`: PostgreSQL LISTEN/NOTIFY). After a failure it finishes the batch in flight, hands a claimed
 *   but unpublished batch back (`release`), and waits `pollMs`, doubling per consecutive failure up to 30 s,
 *   notifications ignored (no hot loop against a down broker or database).
 */
import {
  isOutboxLeaseHolder,
  isOutboxNotifier,
  type OutboxLag,
  type OutboxRow,
  type OutboxStore,
} from '@humangov/resilience';
import { ClosedError } from '../errors.js';
import type { PublisherPort } from '../transport/port.js';
import { type PublishedBatch, publishBatch } from './relay-batch.js';
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
   * Pipelines running side by side (each overlaps its own claim, publish and mark steps, see above). Safe for
   * order: a batch's rows count as "leased by someone else" for the other pipelines. Worth raising only when
   * pending rows spread over many keys; with few busy keys the extra pipelines find them leased, claim nothing and
   * sleep `pollMs`.
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
   * Stops claiming, finishes the batch in flight (its publishes and marks), stops listening and the timers, and
   * hands back the store's lease where it has one (`OutboxLeaseHolder`: PostgreSQL). Idempotent. The transport and
   * the store stay open.
   */
  close(): Promise<void>;
}

const MAX_BACKOFF_MS = 30_000;

/** A claimed batch and when its claim was sent (the lease counts from then). */
interface Claim {
  readonly rows: OutboxRow[];
  readonly started: number;
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

  /** Claims a batch; `undefined` when the store failed (reported). */
  async function claim(): Promise<Claim | undefined> {
    const started = performance.now();
    try {
      return { rows: await store.claim(batchSize, leaseMs), started };
    } catch (error) {
      listeners.emit({ kind: 'store-failed', operation: 'claim', error });
      return undefined;
    }
  }

  /** Marks the published rows, releases the failed ones; resolves with the failures (publish, mark) of the batch. */
  async function settle(batch: Claim, out: PublishedBatch): Promise<number> {
    let failed = out.failed.length;
    try {
      await store.markPublished(out.published);
    } catch (error) {
      // The rows go out again when their lease expires: a duplicate, never a loss.
      listeners.emit({ kind: 'store-failed', operation: 'mark', error });
      failed++;
    }
    if (out.failed.length > 0 && performance.now() < out.deadline) {
      await store.release(out.failed).catch((error: unknown) => {
        listeners.emit({ kind: 'store-failed', operation: 'release', error });
      });
    }
    listeners.emit({
      kind: 'batch',
      claimed: batch.rows.length,
      published: out.published.length,
      failed: out.failed.length,
      durationMs: performance.now() - batch.started,
    });
    return failed;
  }

  /** Hands back a batch claimed ahead but not published (nothing of it went out, so another claim may take it). */
  async function giveBack(batch: Promise<Claim | undefined> | undefined): Promise<void> {
    const claimed = await batch;
    if (!claimed || claimed.rows.length === 0) return;
    await store.release(claimed.rows.map((row) => row.id)).catch((error: unknown) => {
      listeners.emit({ kind: 'store-failed', operation: 'release', error });
    });
  }

  async function run(): Promise<void> {
    let failures = 0;
    // The batch claimed ahead (while the previous one published), and the published batch not yet marked.
    let ahead: Promise<Claim | undefined> | undefined;
    let unmarked: { readonly batch: Claim; readonly out: PublishedBatch } | undefined;
    const markNow = (): Promise<number> => {
      const done = unmarked ? settle(unmarked.batch, unmarked.out) : Promise.resolve(0);
      unmarked = undefined;
      return done;
    };
    const backOff = async () => {
      await markNow();
      await giveBack(ahead);
      ahead = undefined;
      failures++;
      await pause(Math.min(MAX_BACKOFF_MS, pollMs * 2 ** (failures - 1)), undefined);
    };
    while (state === 'running') {
      const seen = notifications;
      // A claim beside a batch in flight leaves that batch's keys out, so a short answer does not mean drained.
      const beside = ahead !== undefined || unmarked !== undefined;
      const batch = await (ahead ?? claim());
      ahead = undefined;
      if (!batch) {
        await backOff();
        continue;
      }
      if (batch.rows.length === 0) {
        if ((await markNow()) > 0) await backOff();
        else if (!beside) {
          failures = 0;
          await pause(pollMs, seen);
        }
        continue;
      }
      // Publishing starts first (a synchronous store, SQLite, then works while the broker answers): the previous
      // batch is marked and, after a full batch, the next one claimed while this one publishes.
      const publishing = publishBatch(transport, batch.rows, batch.started + leaseMs * 0.8, listeners);
      const marking = markNow();
      if (batch.rows.length === batchSize && state === 'running') ahead = claim();
      const out = await publishing;
      unmarked = { batch, out };
      if ((await marking) > 0 || out.failed.length > 0) {
        await backOff();
        continue;
      }
      failures = 0;
      if (batch.rows.length < batchSize && !beside && state === 'running') {
        if ((await markNow()) > 0) await backOff();
        else await pause(pollMs, seen);
      }
    }
    await markNow();
    await giveBack(ahead);
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
        // A store that leases itself to one relay (PostgreSQL): the next relay need not wait for the lease to end.
        if (isOutboxLeaseHolder(store)) {
          await store.resign().catch((error: unknown) => {
            listeners.emit({ kind: 'store-failed', operation: 'resign', error });
          });
        }
      })();
      return closing;
    },
  };
  return relay;
}

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new TypeError(`outbox relay: ${name} must be > 0, got ${value}`);
  return value;
}
