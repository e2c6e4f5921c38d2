/**
 * CloudEvents AMQP binding, binary content mode, on AMQP 0-9-1 (docs/amqp-mapping.md): attributes travel as
 * `cloudEvents:<name>` headers, `datacontenttype` as the `content_type` property, the body untouched.
 */
import type { Message, Options } from 'amqplib';
import type { TransportMessage } from '../port.js';

/** Header prefix for CloudEvents attributes (binding 1.0.2, 3.1.3.1). */
export const ATTRIBUTE_PREFIX = 'cloudEvents:';
/** Also accepted on receive: the JMS-friendly spelling some producers use. */
const ALT_ATTRIBUTE_PREFIX = 'cloudEvents_';
/** The ordering key; AMQP has no message key of its own. */
export const KEY_HEADER = 'x-humangov-key';
/** Added by the broker on redelivery; read into `deliveryAttempt`, not passed on as headers. */
const BROKER_COUNTERS = new Set(['x-delivery-count', 'x-acquired-count']);
/** Decodes as `Buffer.toString('utf8')` does (invalid bytes become U+FFFD, a BOM is kept), without a copy. */
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

export interface EncodedMessage {
  readonly content: Buffer;
  readonly options: Options.Publish;
}

export function encode(message: TransportMessage): EncodedMessage {
  // Attributes are written after plain headers so a header can never shadow an attribute.
  const headers: Record<string, string> = { ...message.headers };
  for (const [name, value] of Object.entries(message.attributes)) headers[ATTRIBUTE_PREFIX + name] = value;
  if (message.key !== undefined) headers[KEY_HEADER] = message.key;
  const options: Options.Publish = { deliveryMode: 2, mandatory: false, headers };
  if (message.contentType !== undefined) options.contentType = message.contentType;
  const id = message.attributes.id;
  if (id !== undefined) options.messageId = id;
  // AMQP's timestamp has one-second precision: a convenience for tools, `cloudEvents:time` stays authoritative.
  const time = message.attributes.time === undefined ? Number.NaN : Date.parse(message.attributes.time);
  if (Number.isFinite(time)) options.timestamp = Math.floor(time / 1000);
  const body = message.body;
  const content = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return { content, options };
}

export interface DecodedMessage extends TransportMessage {
  readonly deliveryAttempt: number;
}

export function decode(channel: string, msg: Message): DecodedMessage {
  const attributes: Record<string, string> = {};
  const headers: Record<string, string> = {};
  let key: string | undefined;
  let deliveryCount: number | undefined;
  const table: Record<string, unknown> = msg.properties.headers ?? {};
  for (const name of Object.keys(table)) {
    const raw = table[name];
    if (raw === undefined || raw === null) continue;
    if (name.startsWith(ATTRIBUTE_PREFIX) || name.startsWith(ALT_ATTRIBUTE_PREFIX)) {
      attributes[name.slice(ATTRIBUTE_PREFIX.length)] = headerString(raw);
    } else if (name === KEY_HEADER) {
      key = headerString(raw);
    } else if (BROKER_COUNTERS.has(name)) {
      if (name === 'x-delivery-count' && typeof raw === 'number') deliveryCount = raw;
    } else {
      headers[name] = headerString(raw);
    }
  }
  // Producers outside the SDK may set only the AMQP property.
  if (attributes.id === undefined && typeof msg.properties.messageId === 'string') {
    attributes.id = msg.properties.messageId;
  }
  const contentType = msg.properties.contentType;
  // `key` and `contentType` are always present (undefined when absent): one object shape for every message keeps
  // the consume path monomorphic, where conditional spreads cost more than the rest of the decode.
  return {
    channel,
    key,
    attributes,
    contentType: typeof contentType === 'string' ? contentType : undefined,
    headers,
    body: msg.content,
    deliveryAttempt: deliveryAttempt(deliveryCount, msg.fields.redelivered),
  };
}

/**
 * Quorum queues count earlier failed deliveries in `x-delivery-count`; classic queues only say `redelivered`,
 * so a classic redelivery is reported as attempt 2 however often it came back.
 */
function deliveryAttempt(deliveryCount: number | undefined, redelivered: boolean): number {
  if (deliveryCount !== undefined && deliveryCount >= 0) return deliveryCount + 1;
  return redelivered ? 2 : 1;
}

/** AMQP field values as the canonical strings of the binding (3.1.3.2): receivers accept native types too. */
export function headerString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return utf8.decode(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) {
    const tagged = value as { '!'?: unknown; value?: unknown };
    if (tagged['!'] === 'timestamp' && typeof tagged.value === 'number') {
      return new Date(tagged.value * 1000).toISOString();
    }
    // Buffers inside tables (x-death...) reach the replacer already as `{ type: 'Buffer', data }`.
    return JSON.stringify(value, (_k, v: unknown) => {
      const b = v as { type?: unknown; data?: unknown } | null;
      return typeof b === 'object' && b !== null && b.type === 'Buffer' && Array.isArray(b.data)
        ? Buffer.from(b.data as number[]).toString('utf8')
        : v;
    });
  }
  return String(value);
}
