/**
 * Dead letters: where a message goes that no handler may see (undecodable, invalid, unknown type, cannot be
 * upcast) or that a handler failed for good. The dead letter keeps the original attributes and bytes and adds
 * the reason in headers; the original is acked only after the dead letter is confirmed, so nothing acked is lost.
 */
import type { CloudEvent, Issue } from '@humangov/events';
import { settle } from './ack.js';
import type { DeadLetterReason, Listeners } from './lifecycle.js';
import { withoutBrokerHeaders } from './recoverability/headers.js';
import { scrubPayloadValues } from './recoverability/redact.js';
import type { FailureBook } from './recoverability/redelivery.js';
import type { ChannelBinding, PublisherPort, ReceivedMessage } from './transport/port.js';

/** Dead-letter headers, on top of the original attributes and bytes. */
export const DEAD_LETTER_HEADERS = {
  reason: 'humangov-dlq-reason',
  error: 'humangov-dlq-error',
  channel: 'humangov-dlq-channel',
  partition: 'humangov-dlq-partition',
  offset: 'humangov-dlq-offset',
  group: 'humangov-dlq-group',
  time: 'humangov-dlq-time',
  /** Deliveries before the message was dead-lettered (reason `handler-failed`). */
  attempts: 'humangov-dlq-attempts',
  /**
   * ISO time of the first failure: exact when it came through the broker's redelivery headers or this process saw
   * it; else (another process saw it first) the earliest failure this process saw.
   */
  firstFailure: 'humangov-dlq-first-failure',
  lastFailure: 'humangov-dlq-last-failure',
} as const;

/** First pause before a message whose dead letter could not be written is delivered again; doubles per attempt. */
const DEAD_LETTER_RETRY_MS = 1_000;
const DEAD_LETTER_RETRY_MAX_MS = 60_000;

/** Where dead letters go on each broker: a 3-partition topic; a durable queue behind a topic exchange. */
export function deadLetterBinding(channel: string): ChannelBinding {
  return {
    kafka: { topic: channel, partitions: 3 },
    amqp: {
      exchange: 'humangov.dead-letter',
      exchangeType: 'topic',
      routingKey: channel,
      durable: true,
      queue: channel,
    },
  };
}

export interface DeadLetters {
  /** The dead-letter channel. */
  readonly channel: string;
  /** Dead-letters a message no handler may see, with the reason and issues, then acks it. */
  reject(message: ReceivedMessage, reason: DeadLetterReason, issues: readonly Issue[]): Promise<void>;
  /** Dead-letters a message whose handler failed for good (`handler-failed`), with attempts and failure times. */
  fail(message: ReceivedMessage, event: CloudEvent, cause: unknown, attempt: number): Promise<void>;
}

export interface DeadLettersOptions {
  readonly transport: PublisherPort;
  readonly group: string;
  readonly channel: string;
  readonly listeners: Listeners;
  readonly failures: FailureBook;
}

export function createDeadLetters(options: DeadLettersOptions): DeadLetters {
  const { channel, listeners, failures } = options;

  async function reject(
    message: ReceivedMessage,
    reason: DeadLetterReason,
    issues: readonly Issue[],
    failure?: { readonly event: CloudEvent; readonly attempts: number; readonly headers: Record<string, string> },
  ) {
    const error = issues
      .map((i) => (failure ? i.message : `${i.path || '/'} ${i.message}`))
      .join('; ')
      .slice(0, 2000);
    try {
      await publishDeadLetter(message, reason, error, failure?.headers);
    } catch (failure) {
      // Not acked, so not lost; but never a hot loop: the transport redelivers after a pause that grows per attempt.
      listeners.emit({
        kind: 'dead-letter-failed',
        channel: message.channel,
        deadLetterChannel: channel,
        reason,
        error: failure,
      });
      const delayMs = Math.min(DEAD_LETTER_RETRY_MAX_MS, DEAD_LETTER_RETRY_MS * 2 ** (message.deliveryAttempt - 1));
      return message.nack({ delayMs });
    }
    listeners.emit({
      kind: 'dead-lettered',
      channel: message.channel,
      deadLetterChannel: channel,
      reason,
      issues,
      ...(failure && { attempts: failure.attempts, event: failure.event }),
    });
    settle(message.ack());
  }

  /** A handler failed for good (recoverability): dead letter with the failure's headers; payload values scrubbed. */
  function fail(message: ReceivedMessage, event: CloudEvent, cause: unknown, attempt: number) {
    const now = new Date();
    const first = failures.take(message, now);
    const text = scrubPayloadValues(errorText(cause), event.data).slice(0, 2000);
    const origin = message.headers;
    return reject(message, 'handler-failed', [{ path: '', message: text }], {
      event,
      attempts: attempt,
      headers: {
        [DEAD_LETTER_HEADERS.attempts]: String(attempt),
        [DEAD_LETTER_HEADERS.firstFailure]: first,
        [DEAD_LETTER_HEADERS.lastFailure]: now.toISOString(),
        // The copy from a retry topic or TTL queue says where the message was first read.
        ...(origin['humangov-origin-channel'] !== undefined && {
          [DEAD_LETTER_HEADERS.channel]: origin['humangov-origin-channel'],
        }),
        ...(origin['humangov-origin-partition'] !== undefined && {
          [DEAD_LETTER_HEADERS.partition]: origin['humangov-origin-partition'],
        }),
        ...(origin['humangov-origin-offset'] !== undefined && {
          [DEAD_LETTER_HEADERS.offset]: origin['humangov-origin-offset'],
        }),
      },
    });
  }

  function publishDeadLetter(
    message: ReceivedMessage,
    reason: DeadLetterReason,
    error: string,
    extra: Record<string, string> = {},
  ): Promise<void> {
    return options.transport.publish({
      channel: channel,
      ...(message.key !== undefined && { key: message.key }),
      attributes: message.attributes,
      ...(message.contentType !== undefined && { contentType: message.contentType }),
      headers: {
        ...withoutBrokerHeaders(message.headers),
        [DEAD_LETTER_HEADERS.reason]: reason,
        [DEAD_LETTER_HEADERS.error]: error,
        [DEAD_LETTER_HEADERS.channel]: message.channel,
        ...(message.partition !== undefined && { [DEAD_LETTER_HEADERS.partition]: String(message.partition) }),
        ...(message.offset !== undefined && { [DEAD_LETTER_HEADERS.offset]: message.offset }),
        [DEAD_LETTER_HEADERS.group]: options.group,
        [DEAD_LETTER_HEADERS.time]: new Date().toISOString(),
        ...extra,
      },
      body: message.body,
    });
  }

  return { channel, reject, fail };
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
