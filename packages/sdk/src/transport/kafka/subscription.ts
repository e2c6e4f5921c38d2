import type { Batch, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { AckError, ClosedError, ConnectionError } from '../../errors.js';
import type { DeliveryHandler, ReceivedMessage, Subscription, SubscriptionSpec } from '../port.js';
import { fromKafkaMessage } from './codec.js';
import { type CommitFn, createOffsetCommitter } from './offset-committer.js';
import type { ResolvedKafkaOptions } from './options.js';
import { type Scrub, scrubError } from './scrub.js';

const TRANSPORT = 'kafka';
/** Long-poll of a fetch; also how late a paused (nacked) partition is fetched again, and how long close may wait. */
const FETCH_MAX_WAIT_MS = 500;
const HEARTBEAT_INTERVAL_MS = 3_000;
const MAX_TRACKED_ATTEMPTS = 10_000;

export interface SubscriptionContext {
  readonly kafka: Kafka;
  readonly options: ResolvedKafkaOptions;
  readonly scrub: Scrub;
  readonly topicOf: (channel: string) => string;
}

type Outcome = 'ack' | 'nack' | 'abandoned';

/**
 * Milliseconds a record must still wait before it is delivered (retry topics: until its due time), 0 when it may
 * go now. A held record pauses only its own topic-partition until then; nothing is delivered from it meanwhile.
 */
export type HoldFn = (record: KafkaMessage) => number;

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

/** Key of one record in the map of attempts (offsets nacked in this process). */
const attemptKey = (topic: string, partition: number, offset: string): string =>
  `${topic}\u0000${partition}\u0000${offset}`;

/** The offset to commit after `offset` (a decimal string, as kafkajs gives it; BigInt only past 2^53). */
function nextOffset(offset: string): string {
  const n = Number(offset);
  return Number.isSafeInteger(n + 1) ? String(n + 1) : (BigInt(offset) + 1n).toString();
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * One kafkajs consumer in group `spec.group`. Partitions are processed concurrently (at most `spec.concurrency`
 * handlers in flight, kafkajs `partitionsConsumedConcurrently`), each partition strictly in order, one message at a
 * time: the next message of a partition is delivered only after the current one is acked or nacked. Offsets are
 * committed only for acked messages (offset + 1). A nack stops the partition's batch without resolving the offset,
 * so the next fetch reads the same message again (after `delayMs`, during which the partition is paused).
 * Backpressure is kafkajs's: no new fetch until every batch of the last one is done.
 */
export async function startKafkaSubscription(
  context: SubscriptionContext,
  spec: SubscriptionSpec,
  handler: DeliveryHandler,
  hold?: HoldFn,
): Promise<Subscription> {
  const { kafka, options, scrub } = context;
  const group = spec.group;
  const concurrency = spec.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`kafka: concurrency must be a positive integer, got ${concurrency}`);
  }
  const channelOfTopic = new Map<string, string>();
  for (const channel of spec.channels) {
    const topic = context.topicOf(channel);
    if (!channelOfTopic.has(topic)) channelOfTopic.set(topic, channel);
  }

  let stopping = false;
  const stopListeners = new Set<() => void>();
  const shutdownDeadline = deferred<void>();
  let deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  const resumeTimers = new Set<ReturnType<typeof setTimeout>>();
  // Deliveries of one offset within this process: `deliveryAttempt` counts them. Cleared on ack.
  const attempts = new Map<string, number>();
  const committer = createOffsetCommitter();

  const consumer = kafka.consumer({
    groupId: group,
    sessionTimeout: options.sessionTimeoutMs,
    heartbeatInterval: HEARTBEAT_INTERVAL_MS,
    maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
    maxBytes: options.fetchMaxBytes,
    maxBytesPerPartition: options.fetchMaxBytesPerPartition,
    // kafkajs restarts a crashed consumer when the error is retriable and this says so: keep trying until closed,
    // so a member rejoins its group after a broker restart.
    retry: { retries: 8, restartOnFailure: async () => !stopping },
  });
  const { GROUP_JOIN, CRASH, REBALANCING, REQUEST_TIMEOUT } = consumer.events;
  consumer.on(GROUP_JOIN, ({ payload }) => {
    const partitions = Object.values(payload.memberAssignment).reduce((n, list) => n + list.length, 0);
    options.onEvent({ type: 'consumer.group-join', group, memberId: payload.memberId, partitions });
  });
  consumer.on(REBALANCING, () => options.onEvent({ type: 'consumer.rebalancing', group }));
  consumer.on(CRASH, ({ payload }) => {
    const error = scrubError(payload.error, scrub);
    options.logger.error(`kafka: consumer of group ${group} crashed${payload.restart ? ', restarting' : ''}`, {
      error,
    });
    options.onEvent({ type: 'consumer.crash', group, error, restart: payload.restart });
  });
  consumer.on(REQUEST_TIMEOUT, ({ payload }) =>
    options.onEvent({ type: 'consumer.request-timeout', group, broker: payload.broker, apiName: payload.apiName }),
  );

  // One failed OffsetCommit request fails every ack it carried with the same error: report it once, not per ack.
  const reported = new WeakSet<object>();
  function onCommitFailed(error: unknown): AckError {
    const scrubbed = scrubError(error, scrub);
    if (typeof error !== 'object' || error === null || !reported.has(error)) {
      if (typeof error === 'object' && error !== null) reported.add(error);
      options.onEvent({ type: 'consumer.commit-failed', group, error: scrubbed });
      options.logger.warn(`kafka: offset commit of group ${group} failed; acked messages may be delivered again`, {
        error: scrubbed,
      });
    }
    return new AckError(TRANSPORT, `offset commit failed: ${scrubbed.message}`, { cause: scrubbed });
  }

  /** Delivers one record and waits for its outcome (or for close). */
  async function deliver(
    batch: Batch,
    record: KafkaMessage,
    commitFn: CommitFn,
  ): Promise<{ readonly outcome: Outcome; readonly delayMs: number }> {
    const { topic, partition } = batch;
    // Only offsets nacked in this process are tracked, so most deliveries build no key and touch no map.
    const attempt = attempts.size > 0 ? (attempts.get(attemptKey(topic, partition, record.offset)) ?? 0) + 1 : 1;
    let state: Outcome | undefined;
    let nackDelayMs = 0;
    let acked: Promise<void> | undefined;
    // 'done' once the handler has returned and the message is settled (both), 'stop' when the subscription closes.
    let finish!: (how: 'done' | 'stop') => void;
    const finished = new Promise<'done' | 'stop'>((resolve) => {
      finish = resolve;
    });
    // A listener per delivery, removed when it is done: racing the long-lived stop promise itself would pile up
    // one reaction per message for the life of the subscription.
    const onStop = (): void => finish('stop');
    let parts = 2;
    const partDone = (): void => {
      if (--parts > 0) return;
      stopListeners.delete(onStop);
      finish('done');
    };
    const decoded = fromKafkaMessage(record);
    const message: ReceivedMessage = {
      channel: channelOfTopic.get(topic) ?? topic,
      key: decoded.key,
      attributes: decoded.attributes,
      contentType: decoded.contentType,
      headers: decoded.headers,
      body: decoded.body,
      partition,
      offset: record.offset,
      deliveryAttempt: attempt,
      ack() {
        if (state === 'abandoned') return Promise.reject(new ClosedError(`${TRANSPORT} subscription of ${group}`));
        if (state === undefined) {
          state = 'ack';
          if (attempts.size > 0) attempts.delete(attemptKey(topic, partition, record.offset));
          acked = committer.commit(topic, partition, nextOffset(record.offset), commitFn).catch((error: unknown) => {
            throw onCommitFailed(error);
          });
          acked.catch(() => {}); // reported through onEvent; a handler that did not await ack() must not crash Node
          partDone();
        }
        return acked ?? Promise.resolve();
      },
      nack(nackOptions) {
        if (state === undefined) {
          state = 'nack';
          nackDelayMs = Math.max(0, nackOptions?.delayMs ?? 0);
          // Re-inserted, so the oldest entry is the first one. Bounded: entries of messages nacked here but acked
          // by another member after a rebalance are never cleared.
          const key = attemptKey(topic, partition, record.offset);
          attempts.delete(key);
          attempts.set(key, attempt);
          if (attempts.size > MAX_TRACKED_ATTEMPTS) attempts.delete(attempts.keys().next().value!);
          partDone();
        }
        return Promise.resolve();
      },
    };
    stopListeners.add(onStop);
    if (stopping) onStop();
    let returned: Promise<unknown>;
    try {
      returned = Promise.resolve(handler(message));
    } catch (error) {
      returned = Promise.reject(error);
    }
    const handled = returned.then(partDone, () => {
      void message.nack();
      partDone();
    });
    if ((await finished) === 'stop') {
      // Closing: in-flight handlers get until the shutdown deadline; an unsettled message is left uncommitted.
      await Promise.race([handled, shutdownDeadline.promise]);
      state ??= 'abandoned';
    }
    return { outcome: state ?? 'abandoned', delayMs: Math.min(nackDelayMs, 2 ** 31 - 1) };
  }

  /** Pauses the batch's topic-partition (kafkajs `consumer.pause([{ topic, partitions }])`) for `ms`. */
  function pauseFor(pause: EachBatchPayload['pause'], ms: number): void {
    if (stopping) return;
    const resume = pause();
    const timer = setTimeout(() => {
      resumeTimers.delete(timer);
      resume();
    }, ms);
    resumeTimers.add(timer);
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, resolveOffset, pause, commitOffsetsIfNecessary } = payload;
    let heartbeatError: unknown;
    // kafkajs heartbeats only when asked to: keep the membership alive while a handler runs.
    const ticker = setInterval(() => {
      heartbeat().catch((error: unknown) => {
        heartbeatError ??= error;
      });
    }, HEARTBEAT_INTERVAL_MS);
    try {
      for (const record of batch.messages) {
        if (stopping || heartbeatError !== undefined || !isRunning() || isStale()) break;
        const heldMs = hold ? Math.min(hold(record), 2 ** 31 - 1) : 0;
        if (heldMs > 0) {
          // Not due yet: this topic-partition waits (unresolved, so it is fetched again from here), others go on.
          pauseFor(pause, heldMs);
          break;
        }
        const { outcome, delayMs } = await deliver(batch, record, commitOffsetsIfNecessary);
        if (outcome === 'ack') {
          resolveOffset(record.offset);
          continue;
        }
        if (outcome === 'nack' && delayMs > 0) pauseFor(pause, delayMs);
        // Unresolved: the next fetch of this partition starts at this record again.
        break;
      }
    } finally {
      clearInterval(ticker);
      // Commits of this batch land before the next fetch, and before the member leaves the group on close.
      await committer.flush();
    }
    if (heartbeatError !== undefined) throw heartbeatError;
  }

  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...channelOfTopic.keys()], fromBeginning: spec.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: concurrency,
      eachBatch,
    });
  } catch (error) {
    stopping = true;
    await consumer.disconnect().catch(() => {});
    throw new ConnectionError(TRANSPORT, scrubError(error, scrub).message, { cause: scrubError(error, scrub) });
  }

  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        stopping = true;
        for (const listener of stopListeners) listener();
        stopListeners.clear();
        deadlineTimer = setTimeout(() => shutdownDeadline.resolve(), options.shutdownTimeoutMs);
        for (const timer of resumeTimers) clearTimeout(timer);
        resumeTimers.clear();
        try {
          // Stops fetching, waits for the batches in flight (and their commits), leaves the group, disconnects.
          await consumer.disconnect();
        } finally {
          clearTimeout(deadlineTimer);
          attempts.clear();
        }
      })();
      return closing;
    },
  };
}
