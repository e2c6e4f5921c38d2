/**
 * One dead letter as the DLQ tools show it: what failed, where and when, with the event's `x-pii` fields redacted;
 * and the original message a replay re-publishes (the dead letter minus the headers recoverability added).
 */
import { createHash } from 'node:crypto';
import type { Catalog, CloudEvent } from '@humangov/events';
import { fromTransportMessage } from '../binary-mode.js';
import { DEAD_LETTER_HEADERS } from '../dead-letter.js';
import { REDELIVERY_HEADERS } from '../recoverability/headers.js';
import { REDACTED, redact } from '../recoverability/redact.js';
import type { TransportMessage } from '../transport/port.js';

/** A dead letter, redacted for display: no `x-pii` field of its event is readable here. */
export interface DeadLetterEntry {
  /** Stable id of this dead letter (12 hex characters): what `show` and `replay` take. */
  readonly id: string;
  /** Why it was dead-lettered: `handler-failed`, `invalid`, `undecodable`, `unknown-type`, `upcast-failed`. */
  readonly reason: string;
  /** The failure (handler error with payload values scrubbed, or validation issues). */
  readonly error: string;
  /** Where it was first read: the channel a replay re-publishes to, and its partition and offset there. */
  readonly channel?: string;
  readonly partition?: number;
  readonly offset?: string;
  /** Consumer group that dead-lettered it. */
  readonly group?: string;
  /** Deliveries before it was dead-lettered (reason `handler-failed`). */
  readonly attempts?: number;
  /** ISO times: dead-lettered, first and last failure. */
  readonly deadLetteredAt?: string;
  readonly firstFailure?: string;
  readonly lastFailure?: string;
  /** ISO time it was replayed; absent while it was not. */
  readonly replayedAt?: string;
  /** The CloudEvent, `data` redacted (all of it when the bytes cannot be decoded or the type is unknown). */
  readonly event: {
    readonly id?: string;
    readonly type?: string;
    readonly version?: number;
    readonly source?: string;
    readonly time?: string;
    readonly data: unknown;
  };
  /** The message's other headers (trace context, dead-letter headers), as stored. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Headers of the records that say a dead letter was replayed (Kafka and memory keep them on a channel). */
export const REPLAY_HEADERS = {
  /** The replayed dead letter's id. */
  id: 'humangov-dlq-replayed-id',
  /** ISO time of the replay. */
  at: 'humangov-dlq-replayed-at',
} as const;

const ADDED = new Set<string>([...Object.values(DEAD_LETTER_HEADERS), ...Object.values(REDELIVERY_HEADERS)]);

/** The id of a dead letter: a hash of when and where it failed and of its bytes, the same on every read. */
export function entryId(message: TransportMessage): string {
  const h = message.headers;
  const hash = createHash('sha256');
  for (const part of [
    message.attributes.id,
    h[DEAD_LETTER_HEADERS.time],
    h[DEAD_LETTER_HEADERS.group],
    h[DEAD_LETTER_HEADERS.channel],
    h[DEAD_LETTER_HEADERS.partition],
    h[DEAD_LETTER_HEADERS.offset],
  ]) {
    hash.update(part ?? '').update('\u0000');
  }
  return hash.update(message.body).digest('hex').slice(0, 12);
}

/** The entry of a dead letter, redacted with `catalog`. Never throws on a malformed letter. */
export function toEntry(message: TransportMessage, catalog: Catalog, replayedAt?: string): DeadLetterEntry {
  const h = message.headers;
  const a = message.attributes;
  const decoded = fromTransportMessage(message);
  const version = Number(a.version);
  const data = decoded.value === undefined ? REDACTED : redact(decoded.value as unknown as CloudEvent, catalog).data;
  const attempts = Number(h[DEAD_LETTER_HEADERS.attempts]);
  const partition = Number(h[DEAD_LETTER_HEADERS.partition]);
  const optional = (name: string, value: string | undefined) => (value === undefined ? {} : { [name]: value });
  return {
    id: entryId(message),
    reason: h[DEAD_LETTER_HEADERS.reason] ?? 'unknown',
    error: h[DEAD_LETTER_HEADERS.error] ?? '',
    ...optional('channel', h[DEAD_LETTER_HEADERS.channel]),
    ...(Number.isInteger(partition) && h[DEAD_LETTER_HEADERS.partition] !== undefined && { partition }),
    ...optional('offset', h[DEAD_LETTER_HEADERS.offset]),
    ...optional('group', h[DEAD_LETTER_HEADERS.group]),
    ...(Number.isInteger(attempts) && attempts > 0 && { attempts }),
    ...optional('deadLetteredAt', h[DEAD_LETTER_HEADERS.time]),
    ...optional('firstFailure', h[DEAD_LETTER_HEADERS.firstFailure]),
    ...optional('lastFailure', h[DEAD_LETTER_HEADERS.lastFailure]),
    ...optional('replayedAt', replayedAt),
    event: {
      ...optional('id', a.id),
      ...optional('type', a.type),
      ...(Number.isInteger(version) && { version }),
      ...optional('source', a.source),
      ...optional('time', a.time),
      data,
    },
    headers: { ...h },
  };
}

/**
 * The message a replay re-publishes: the original channel (from the dead-letter headers), key, attributes, content
 * type and bytes, and the original headers (those the dead letter and delayed redeliveries added are dropped, so the
 * replay starts again at attempt 1). Undefined when the dead letter does not say where it came from.
 */
export function originalMessage(message: TransportMessage): TransportMessage | undefined {
  const channel = message.headers[DEAD_LETTER_HEADERS.channel];
  if (channel === undefined || channel === '') return undefined;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) if (!ADDED.has(name)) headers[name] = value;
  return {
    channel,
    ...(message.key !== undefined && { key: message.key }),
    attributes: message.attributes,
    ...(message.contentType !== undefined && { contentType: message.contentType }),
    headers,
    body: message.body,
  };
}
