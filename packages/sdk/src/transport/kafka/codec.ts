/**
 * CloudEvents Kafka protocol binding, binary content mode (cloudevents/spec `kafka-protocol-binding.md` §3.2):
 * each context attribute is a `ce_<name>` header with a string value, `datacontenttype` is the `content-type`
 * header, the record value is the event data and the record key is the partition key.
 */
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { TransportMessage } from '../port.js';

const CE_PREFIX = 'ce_';
const CONTENT_TYPE = 'content-type';

/** The kafkajs record of a message. Other headers go first, so a `ce_*` attribute wins over a same-named header. */
export function toKafkaMessage(message: TransportMessage): Message {
  const headers: IHeaders = { ...message.headers };
  for (const [name, value] of Object.entries(message.attributes)) headers[CE_PREFIX + name] = value;
  if (message.contentType !== undefined) headers[CONTENT_TYPE] = message.contentType;
  const body = message.body;
  return {
    key: message.key ?? null,
    value: Buffer.from(body.buffer, body.byteOffset, body.byteLength),
    headers,
  };
}

/** Bytes a record adds to a produce request, near enough to keep requests under `maxBatchBytes`. */
export function recordSize(record: Message): number {
  let size = 70; // record overhead: lengths, varints, timestamp and offset deltas
  if (typeof record.key === 'string') size += Buffer.byteLength(record.key);
  if (record.value instanceof Buffer) size += record.value.byteLength;
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    if (typeof value === 'string') size += name.length + Buffer.byteLength(value) + 4;
  }
  return size;
}

/** What a received record carries, decoded back into the port's shape. */
export interface DecodedRecord {
  readonly key?: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly contentType?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

export function fromKafkaMessage(record: Pick<KafkaMessage, 'key' | 'value' | 'headers'>): DecodedRecord {
  const attributes: Record<string, string> = {};
  const headers: Record<string, string> = {};
  let contentType: string | undefined;
  for (const [name, raw] of Object.entries(record.headers ?? {})) {
    // A repeated header arrives as an array: the last value wins, as in the Java client's `lastHeader`.
    const last = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (last === undefined) continue;
    const value = typeof last === 'string' ? last : last.toString('utf8');
    if (name.startsWith(CE_PREFIX)) put(attributes, name.slice(CE_PREFIX.length), value);
    else if (name === CONTENT_TYPE) contentType = value;
    else put(headers, name, value);
  }
  const value = record.value;
  return {
    ...(record.key === null ? {} : { key: record.key.toString('utf8') }),
    attributes,
    ...(contentType === undefined ? {} : { contentType }),
    headers,
    body: value === null ? new Uint8Array(0) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
  };
}

/** Defines an own property, so a header named `__proto__` stays data instead of replacing the prototype. */
function put(target: Record<string, string>, name: string, value: string): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}
