import type { Message, TopicMessages } from 'kafkajs';
import { ClosedError, PublishTimeoutError, SdkError } from '../../errors.js';
import { recordSize } from './codec.js';

/** What the batcher needs from the producer side; a fake in unit tests. */
export interface PublishBatcherOptions {
  /** Transport name for errors. */
  readonly transport: string;
  readonly linger: number;
  readonly maxBatchBytes: number;
  /** Largest single record accepted; one larger than `maxBatchBytes` goes in a request of its own. */
  readonly maxMessageBytes: number;
  readonly confirmTimeoutMs: number;
  /** Writes one produce request; resolves when every record is acknowledged (acks=all). */
  readonly send: (topicMessages: TopicMessages[]) => Promise<void>;
  /** Maps a failed `send` to the error each caller of that request gets. */
  readonly toError: (error: unknown) => Error;
  /** Called after each `send`, with its size, duration and failure. */
  readonly onFlush?: (info: {
    readonly messages: number;
    readonly bytes: number;
    readonly durationMs: number;
    readonly error?: unknown;
  }) => void;
}

interface Entry {
  readonly record: Message;
  readonly size: number;
  settled: boolean;
  settle(error?: Error): void;
}

/**
 * Groups concurrent publishes into produce requests, one lane per topic: a record waits at most `linger` ms (or
 * until `maxBatchBytes` are queued) for others, and while a lane's request is in flight the next one fills up. A
 * lane has one request in flight, so records of one key reach the broker in publish order, and a topic the broker
 * refuses does not hold up the others. A record larger than `maxBatchBytes` (up to `maxMessageBytes`) is sent in a
 * request of its own, still in its lane's order; a larger one is rejected with `HUMANGOV_MESSAGE_TOO_LARGE`. Each caller gets its own outcome: resolved when its request is acknowledged,
 * rejected with the request's error, or with `PublishTimeoutError` after `confirmTimeoutMs` (a record still queued
 * by then is dropped; one already sent may still be written).
 */
export interface PublishBatcher {
  publish(topic: string, record: Message, signal?: AbortSignal): Promise<void>;
  /**
   * Sends `records` as they are, without lingering or lanes: produce requests of up to `maxBatchBytes`, one after
   * another, each bounded by `confirmTimeoutMs`. Resolves when every request is acknowledged; rejects with the
   * first failure and sends nothing after it (the requests before it were written). A record over
   * `maxMessageBytes` rejects the whole call before anything is sent.
   */
  publishAll(records: readonly TopicRecord[], signal?: AbortSignal): Promise<void>;
  /** Sends what is queued now and waits until every accepted publish has its outcome; later publishes reject. */
  close(): Promise<void>;
}

/** A record and the topic it goes to. */
export interface TopicRecord {
  readonly topic: string;
  readonly record: Message;
}

interface Lane {
  readonly topic: string;
  queue: Entry[];
  queuedBytes: number;
  lingerTimer: ReturnType<typeof setTimeout> | undefined;
  inFlight: boolean;
}

export function createPublishBatcher(options: PublishBatcherOptions): PublishBatcher {
  const { linger, maxBatchBytes, maxMessageBytes, confirmTimeoutMs, transport } = options;
  const lanes = new Map<string, Lane>();
  let closed = false;
  const outcomes = new Set<Promise<void>>();
  // One abort listener per signal, for all its unsettled publishes: callers such as the outbox relay share one
  // signal across a whole batch, and a listener per record cost more than the rest of the batcher. The group lives
  // as long as its signal (a long-lived signal gets one listener, however many publishes it covers).
  const waitingOn = new WeakMap<AbortSignal, Set<Entry>>();
  const watch = (signal: AbortSignal, entry: Entry): void => {
    let group = waitingOn.get(signal);
    if (!group) {
      const entries = new Set<Entry>();
      group = entries;
      waitingOn.set(signal, entries);
      signal.addEventListener('abort', () => {
        for (const e of entries) e.settle(signal.reason);
      });
    }
    group.add(entry);
  };

  const tooLarge = (size: number) =>
    new SdkError(
      'HUMANGOV_MESSAGE_TOO_LARGE',
      `${transport}: message of ~${size} bytes exceeds maxMessageBytes (${maxMessageBytes})`,
      false,
    );
  const track = (outcome: Promise<void>): void => {
    const tracked = outcome.then(
      () => {},
      () => {},
    );
    outcomes.add(tracked);
    void tracked.then(() => outcomes.delete(tracked));
  };

  /** One produce request of `publishAll`: its outcome, or the timeout's, or the signal's, whichever comes first. */
  const request = (topicMessages: TopicMessages[], messages: number, bytes: number, signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const stop = (error?: unknown) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onAbort = () => stop(signal?.reason);
      const timer = setTimeout(() => stop(new PublishTimeoutError(transport, confirmTimeoutMs)), confirmTimeoutMs);
      signal?.addEventListener('abort', onAbort);
      options.send(topicMessages).then(
        () => {
          options.onFlush?.({ messages, bytes, durationMs: Date.now() - started });
          stop();
        },
        (error: unknown) => {
          options.onFlush?.({ messages, bytes, durationMs: Date.now() - started, error });
          stop(options.toError(error));
        },
      );
    });

  async function sendAll(records: readonly TopicRecord[], sizes: readonly number[], signal?: AbortSignal) {
    let i = 0;
    while (i < records.length) {
      signal?.throwIfAborted();
      const byTopic = new Map<string, Message[]>();
      const first = i;
      let bytes = 0;
      for (; i < records.length && (i === first || bytes + sizes[i]! <= maxBatchBytes); i++) {
        const { topic, record } = records[i]!;
        const messages = byTopic.get(topic);
        if (messages) messages.push(record);
        else byTopic.set(topic, [record]);
        bytes += sizes[i]!;
      }
      const topicMessages: TopicMessages[] = [];
      for (const [topic, messages] of byTopic) topicMessages.push({ topic, messages });
      await request(topicMessages, i - first, bytes, signal);
    }
  }

  const schedule = (lane: Lane): void => {
    if (lane.inFlight || lane.queue.length === 0) return;
    if (lane.queuedBytes >= maxBatchBytes || closed) flush(lane);
    else lane.lingerTimer ??= setTimeout(() => flush(lane), linger);
  };

  function flush(lane: Lane): void {
    if (lane.lingerTimer !== undefined) clearTimeout(lane.lingerTimer);
    lane.lingerTimer = undefined;
    if (lane.inFlight) return;
    const batch: Entry[] = [];
    let bytes = 0;
    while (lane.queue.length > 0) {
      const next = lane.queue[0]!;
      if (!next.settled && batch.length > 0 && bytes + next.size > maxBatchBytes) break;
      lane.queue.shift();
      lane.queuedBytes -= next.size;
      if (next.settled) continue; // timed out or aborted while queued: never sent
      batch.push(next);
      bytes += next.size;
    }
    if (batch.length === 0) {
      lanes.delete(lane.topic);
      return;
    }
    lane.inFlight = true;
    const started = Date.now();
    const messages = batch.map((e) => e.record);
    options
      .send([{ topic: lane.topic, messages }])
      .then(
        () => {
          options.onFlush?.({ messages: batch.length, bytes, durationMs: Date.now() - started });
          for (const e of batch) e.settle();
        },
        (error: unknown) => {
          options.onFlush?.({ messages: batch.length, bytes, durationMs: Date.now() - started, error });
          const mapped = options.toError(error);
          for (const e of batch) e.settle(mapped);
        },
      )
      .finally(() => {
        lane.inFlight = false;
        // Whatever queued during the request has waited long enough: send it now.
        flush(lane);
      });
  }

  return {
    publish(topic, record, signal) {
      if (closed) return Promise.reject(new ClosedError(`${transport} transport`));
      if (signal?.aborted) return Promise.reject(signal.reason);
      const size = recordSize(record);
      if (size > maxMessageBytes) return Promise.reject(tooLarge(size));
      let lane = lanes.get(topic);
      if (!lane) {
        lane = { topic, queue: [], queuedBytes: 0, lingerTimer: undefined, inFlight: false };
        lanes.set(topic, lane);
      }
      const queue = lane.queue;
      const outcome = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => entry.settle(new PublishTimeoutError(transport, confirmTimeoutMs)),
          confirmTimeoutMs,
        );
        const entry: Entry = {
          record,
          size,
          settled: false,
          settle(error) {
            if (entry.settled) return;
            entry.settled = true;
            clearTimeout(timer);
            if (signal) waitingOn.get(signal)?.delete(entry);
            if (error === undefined) resolve();
            else reject(error);
          },
        };
        if (signal) watch(signal, entry);
        queue.push(entry);
      });
      lane.queuedBytes += size;
      track(outcome);
      schedule(lane);
      return outcome;
    },

    publishAll(records, signal) {
      if (closed) return Promise.reject(new ClosedError(`${transport} transport`));
      if (signal?.aborted) return Promise.reject(signal.reason);
      const sizes = new Array<number>(records.length);
      for (let i = 0; i < records.length; i++) {
        const size = recordSize(records[i]!.record);
        if (size > maxMessageBytes) return Promise.reject(tooLarge(size));
        sizes[i] = size;
      }
      const outcome = sendAll(records, sizes, signal);
      track(outcome);
      return outcome;
    },

    async close() {
      closed = true;
      for (const lane of lanes.values()) flush(lane);
      while (outcomes.size > 0) await Promise.all([...outcomes]);
    },
  };
}
