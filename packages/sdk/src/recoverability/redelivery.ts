/**
 * Bookkeeping of failed deliveries across redeliveries: the attempt number and the first failure time travel in
 * headers when a copy goes through the broker (retry topic, TTL queue); a plain `nack({ delayMs })` redelivers the
 * same message with its original headers, so this process remembers the first failure itself.
 */
import type { ReceivedMessage, TransportMessage } from '../transport/port.js';
import { REDELIVERY_HEADERS, withoutBrokerHeaders } from './headers.js';

/** The delivery number: the transport's count, added to the attempt a broker-redelivered copy carries. */
export function deliveryAttemptOf(message: ReceivedMessage): number {
  const header = message.headers[REDELIVERY_HEADERS.attempt];
  if (header === undefined) return message.deliveryAttempt;
  const carried = Number(header);
  return Number.isInteger(carried) && carried > 1 ? carried + message.deliveryAttempt - 1 : message.deliveryAttempt;
}

/** The copy written to a broker delay channel: same bytes, attributes and key; origin and attempt in headers. */
export function redeliveryCopy(
  message: ReceivedMessage,
  nextAttempt: number,
  firstFailure: string,
  lastFailure: string = new Date().toISOString(),
): TransportMessage {
  const h = message.headers;
  return {
    channel: message.channel,
    ...(message.key !== undefined && { key: message.key }),
    attributes: message.attributes,
    ...(message.contentType !== undefined && { contentType: message.contentType }),
    headers: {
      ...withoutBrokerHeaders(h),
      [REDELIVERY_HEADERS.attempt]: String(nextAttempt),
      [REDELIVERY_HEADERS.firstFailure]: firstFailure,
      [REDELIVERY_HEADERS.lastFailure]: lastFailure,
      [REDELIVERY_HEADERS.channel]: h[REDELIVERY_HEADERS.channel] ?? message.channel,
      ...((h[REDELIVERY_HEADERS.partition] ?? message.partition) !== undefined && {
        [REDELIVERY_HEADERS.partition]: h[REDELIVERY_HEADERS.partition] ?? String(message.partition),
      }),
      ...((h[REDELIVERY_HEADERS.offset] ?? message.offset) !== undefined && {
        [REDELIVERY_HEADERS.offset]: h[REDELIVERY_HEADERS.offset] ?? String(message.offset),
      }),
    },
    body: message.body,
  };
}

/** First failure times of messages this process has seen fail, bounded (oldest entries are dropped). */
export interface FailureBook {
  /** The first failure time (header, else remembered, else `now`, remembered). ISO string. */
  record(message: ReceivedMessage, now: Date): string;
  /** Like `record`, and forgets the message: it is leaving (dead letter). */
  take(message: ReceivedMessage, now: Date): string;
  forget(message: ReceivedMessage): void;
}

export function createFailureBook(limit = 10_000): FailureBook {
  const first = new Map<string, string>();
  // The CloudEvents id identifies a message across AMQP redeliveries (delivery tags change); offsets otherwise.
  const keyOf = (m: ReceivedMessage): string =>
    `${m.channel}\u0000${m.attributes.id ?? `${m.partition ?? ''}\u0000${m.offset ?? ''}`}`;
  const record = (message: ReceivedMessage, now: Date): string => {
    const carried = message.headers[REDELIVERY_HEADERS.firstFailure];
    if (carried !== undefined) return carried;
    const key = keyOf(message);
    const known = first.get(key);
    if (known !== undefined) return known;
    const time = now.toISOString();
    first.set(key, time);
    if (first.size > limit) first.delete(first.keys().next().value!);
    return time;
  };
  return {
    record,
    take(message, now) {
      const time = record(message, now);
      first.delete(keyOf(message));
      return time;
    },
    forget(message) {
      if (first.size > 0) first.delete(keyOf(message));
    },
  };
}
