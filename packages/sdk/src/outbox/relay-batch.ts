/**
 * Publishing one claimed outbox batch (the relay's middle step). Through a `BatchPublisher` (Kafka) the batch goes
 * in one `publishBatch` call, which keeps per-key order; through any other transport, rows of different keys go
 * concurrently and rows of one key one after another, each only after the previous one's broker confirmation, a
 * failure stopping its key.
 */
import { setMaxListeners } from 'node:events';
import type { OutboxRow } from '@humangov/resilience';
import {
  type BatchPublisher,
  isBatchPublisher,
  type PublisherPort,
  type PublishOptions,
  type TransportMessage,
} from '../transport/port.js';
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
  const out: PublishedBatch = { published: [], failed: [], deadline };
  // One abort signal per batch, fired at its deadline (a timer per row cost ~10 us of CPU each).
  const controller = new AbortController();
  setMaxListeners(0, controller.signal); // one listener per publish in flight is expected
  const timer = setTimeout(
    () => controller.abort(new DOMException('the batch reached 80% of its lease', 'TimeoutError')),
    Math.max(0, Math.ceil(deadline - performance.now())),
  );
  const options: PublishOptions = { signal: controller.signal };
  try {
    if (isBatchPublisher(transport)) await publishWhole(transport, rows, options, out, listeners);
    else await publishByKey(transport, rows, options, out, listeners);
  } finally {
    clearTimeout(timer);
  }
  return out;
}

/** Rows grouped by key, in id order within a group; each unkeyed row is a group of its own. */
function groupByKey(rows: readonly OutboxRow[]): OutboxRow[][] {
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
  return [...groups.values(), ...unkeyed];
}

const reportFailure = (listeners: RelayListeners, row: OutboxRow, error: unknown): void =>
  listeners.emit({
    kind: 'publish-failed',
    id: row.id,
    channel: row.channel,
    ...(row.key !== undefined && { key: row.key }),
    error,
  });

/**
 * The whole batch in one `publishBatch` call (the transport keeps per-key order within it). A failure fails every
 * row: the part written before it goes out again (a duplicate, never a reordering), and a `publish-failed` event
 * names the first row of each key.
 */
async function publishWhole(
  transport: BatchPublisher,
  rows: readonly OutboxRow[],
  options: PublishOptions,
  out: PublishedBatch,
  listeners: RelayListeners,
): Promise<void> {
  if (out.deadline - performance.now() <= 0) return;
  const messages = new Array<TransportMessage>(rows.length);
  for (let i = 0; i < rows.length; i++) messages[i] = toMessage(rows[i]!);
  try {
    await transport.publishBatch(messages, options);
    for (const row of rows) out.published.push(row.id);
  } catch (error) {
    for (const group of groupByKey(rows)) reportFailure(listeners, group[0]!, error);
    for (const row of rows) out.failed.push(row.id);
  }
}

/** One `publish` per row: keys concurrently, the rows of a key one after another, a failure stopping its key. */
async function publishByKey(
  transport: PublisherPort,
  rows: readonly OutboxRow[],
  options: PublishOptions,
  out: PublishedBatch,
  listeners: RelayListeners,
): Promise<void> {
  const publishGroup = async (group: readonly OutboxRow[]) => {
    for (let i = 0; i < group.length; i++) {
      const row = group[i]!;
      // Left to lease expiry: releasing could hand a key to two relays at once.
      if (out.deadline - performance.now() <= 0) return;
      try {
        await transport.publish(toMessage(row), options);
        out.published.push(row.id);
      } catch (error) {
        reportFailure(listeners, row, error);
        for (let j = i; j < group.length; j++) out.failed.push(group[j]!.id);
        return;
      }
    }
  };
  await Promise.all(groupByKey(rows).map(publishGroup));
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
