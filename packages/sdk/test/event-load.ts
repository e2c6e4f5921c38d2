/**
 * A load of HumanGov events for the fault tests: concurrent publish loops that retry retryable failures until the
 * broker confirms, and a ledger that tells, from what a router handled, what was lost, duplicated or reordered.
 */
import { randomUUID } from 'node:crypto';
import { catalog, type EventMap } from '@humangov/events';
import { isSdkError } from '../src/errors.js';
import type { Publisher } from '../src/publisher.js';

export const EVENT_TYPE = 'benefit.application-withdrawn';
/** Its channel in the catalog; tests bind it to a topic or exchange of their own. */
export const EVENT_CHANNEL = catalog[EVENT_TYPE].versions[1].channel;
const example = catalog[EVENT_TYPE].versions[1].examples[0]!;

/** What a run published and what the consumer saw, by event id. */
export function createLedger(keyCount: number) {
  // The partition key of this event type is `application_id`: one application per key.
  const keys = Array.from({ length: keyCount }, () => randomUUID());
  const sent = new Map<string, { readonly key: string; readonly seq: number }>();
  const resolved = new Set<string>();
  const deliveries = new Map<string, number>();
  const firstSeqs = new Map<string, number[]>();
  const resolvedAt: number[] = [];
  const consumedAt: number[] = [];
  let unknown = 0;

  return {
    keys,
    sent,
    resolved,
    resolvedAt,
    consumedAt,
    /** The router's handler: records one delivery of `id`. */
    consumed(id: string): void {
      const n = (deliveries.get(id) ?? 0) + 1;
      deliveries.set(id, n);
      consumedAt.push(performance.now());
      const origin = sent.get(id);
      if (!origin) unknown++;
      else if (n === 1) firstSeqs.set(origin.key, [...(firstSeqs.get(origin.key) ?? []), origin.seq]);
    },
    confirmed(id: string): void {
      resolved.add(id);
      resolvedAt.push(performance.now());
    },
    allConsumed: (): boolean => [...resolved].every((id) => deliveries.has(id)),
    report() {
      const lost = [...resolved].filter((id) => !deliveries.has(id)).length;
      const duplicated = [...deliveries.values()].filter((n) => n > 1).length;
      // A first delivery of a key whose seq is lower than one already seen for that key.
      let reordered = 0;
      for (const seqs of firstSeqs.values()) {
        let highest = -1;
        for (const seq of seqs) {
          if (seq < highest) reordered++;
          highest = Math.max(highest, seq);
        }
      }
      return { resolved: resolved.size, consumed: deliveries.size, lost, duplicated, reordered, unknown };
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;

export interface LoadStats {
  /** Publish attempts that rejected with a retryable error, by code. */
  readonly retried: Map<string, number>;
  /** Longest single `publish()` call, resolved or rejected (ms): a stalled publish shows here. */
  longestAttemptMs: number;
  /** Rejections with HUMANGOV_PUBLISH_TIMEOUT, and how long each took. */
  readonly timeouts: number[];
}

/**
 * Publishes until `total` events are confirmed or `stop()` says so: `loops` loops, each owning every `loops`-th key
 * and publishing one event per owned key at a time, so the events of one key are published strictly in sequence. A
 * publish that rejects with a retryable SdkError is retried with the same event id (a duplicate the consumer must
 * absorb) after `retryDelayMs`; any other error fails the run.
 */
export async function publishLoad(options: {
  readonly publisher: Publisher<EventMap>;
  readonly ledger: Ledger;
  readonly loops: number;
  readonly total?: number;
  readonly stop?: () => boolean;
  readonly retryDelayMs?: number;
  readonly stats?: LoadStats;
}): Promise<LoadStats> {
  const { publisher, ledger, loops, total = Number.POSITIVE_INFINITY, stop = () => false } = options;
  const stats = options.stats ?? newStats();
  const next = new Map<string, number>();
  let issued = 0;

  async function publishOne(key: string): Promise<void> {
    const seq = next.get(key) ?? 0;
    next.set(key, seq + 1);
    const id = randomUUID();
    ledger.sent.set(id, { key, seq });
    for (;;) {
      const started = performance.now();
      try {
        await publisher.publish(EVENT_TYPE, { ...example, application_id: key }, { id });
        stats.longestAttemptMs = Math.max(stats.longestAttemptMs, performance.now() - started);
        ledger.confirmed(id);
        return;
      } catch (error) {
        const ms = performance.now() - started;
        stats.longestAttemptMs = Math.max(stats.longestAttemptMs, ms);
        if (!isSdkError(error) || !error.retryable) throw error;
        stats.retried.set(error.code, (stats.retried.get(error.code) ?? 0) + 1);
        if (error.code === 'HUMANGOV_PUBLISH_TIMEOUT') stats.timeouts.push(ms);
        await new Promise((r) => setTimeout(r, options.retryDelayMs ?? 100));
      }
    }
  }

  const loop = async (index: number): Promise<void> => {
    const owned = ledger.keys.filter((_, i) => i % loops === index);
    while (!stop()) {
      const round: string[] = [];
      for (const key of owned) {
        if (issued >= total) break;
        issued++;
        round.push(key);
      }
      if (round.length === 0) return;
      await Promise.all(round.map(publishOne));
    }
  };
  await Promise.all(Array.from({ length: loops }, (_, i) => loop(i)));
  return stats;
}

export const newStats = (): LoadStats => ({ retried: new Map(), longestAttemptMs: 0, timeouts: [] });

/** The longest time between two consecutive timestamps from `from` on (ms): how long a flow stood still. */
export function longestGap(times: readonly number[], from = 0): number {
  let gap = 0;
  let previous: number | undefined;
  for (const t of times) {
    if (t < from) continue;
    if (previous !== undefined) gap = Math.max(gap, t - previous);
    previous = t;
  }
  return gap;
}

export async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
