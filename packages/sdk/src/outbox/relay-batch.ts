/**
 * Publishing one claimed outbox batch (the relay's middle step): rows of different keys concurrently, rows of one
 * key one after another, each only after the previous one's broker confirmation; a failure stops its key.
 */
import { setMaxListeners } from 'node:events';
import type { OutboxRow } from '@humangov/resilience';
import type { PublisherPort, PublishOptions, TransportMessage } from '../transport/port.js';
import type { RelayListeners } from './relay-events.js';

/** The outcome of publishing a batch. */
export interface PublishedBatch {
  /** Rows the broker confirmed, to mark. */
  readonly published: string[];
  /** Rows of keys whose publish failed (the failed row and the later rows of its key), to release. */
  readonly failed: string[];
  /** After it the batch's rows are left to lease expiry, never released (a key must not go to two relays). */
  readonly deadline: number;
}

/**
 * Publishes `rows` until `deadline` (a `performance.now()` time): a row not started by then is neither published
 * nor failed, and publishes still waiting are aborted through their signal (the broker may still store them).
 * Never rejects; failures are reported as `publish-failed` events and in `failed`.
 */
export async function publishBatch(
  transport: PublisherPort,
  rows: readonly OutboxRow[],
  deadline: number,
  listeners: RelayListeners,
): Promise<PublishedBatch> {
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
  const out = { published: [] as string[], failed: [] as string[], deadline };
  // One abort signal per batch, fired at its deadline (a timer per row cost ~10 us of CPU each).
  const controller = new AbortController();
  setMaxListeners(0, controller.signal); // one listener per publish in flight is expected
  const timer = setTimeout(
    () => controller.abort(new DOMException('the batch reached 80% of its lease', 'TimeoutError')),
    Math.max(0, Math.ceil(deadline - performance.now())),
  );
  const options: PublishOptions = { signal: controller.signal };
  const publishGroup = async (group: readonly OutboxRow[]) => {
    for (let i = 0; i < group.length; i++) {
      const row = group[i]!;
      // Left to lease expiry: releasing could hand a key to two relays at once.
      if (deadline - performance.now() <= 0) return;
      try {
        await transport.publish(toMessage(row), options);
        out.published.push(row.id);
      } catch (error) {
        listeners.emit({
          kind: 'publish-failed',
          id: row.id,
          channel: row.channel,
          ...(row.key !== undefined && { key: row.key }),
          error,
        });
        for (let j = i; j < group.length; j++) out.failed.push(group[j]!.id);
        return;
      }
    }
  };
  try {
    await Promise.all([...groups.values(), ...unkeyed].map(publishGroup));
  } finally {
    clearTimeout(timer);
  }
  return out;
}

// One object shape for every row (absent key and content type are undefined): conditional spreads per row cost
// more than the rest of this module.
const toMessage = (row: OutboxRow): TransportMessage => ({
  channel: row.channel,
  key: row.key,
  attributes: row.attributes,
  contentType: row.contentType,
  headers: row.headers,
  body: row.body,
});
