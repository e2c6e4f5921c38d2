/**
 * CloudEvents binary content mode over the transport port: the envelope's attributes travel as message
 * attributes (strings), `data` as the body. One mapping for every transport; each transport then names the
 * attributes the way its protocol binding says (`ce_` on Kafka, `cloudEvents:` on AMQP).
 */
import { type CloudEvent, type Issue, type Result, safeJsonParse } from '@humangov/events';
import type { TransportMessage } from './transport/port.js';

const encoder = new TextEncoder();

/** The one attribute whose canonical CloudEvents type is Integer; it travels as a decimal string. */
const INTEGER_ATTRIBUTE = 'version';
const INTEGER = /^-?\d{1,9}$/;
const JSON_MEDIA_TYPE = /[/+]json(;|$)/i;

/** The transport message of an event: attributes as strings, `data` as JSON bytes, keyed by `partitionkey`. */
export function toTransportMessage(event: CloudEvent, channel: string): TransportMessage {
  const attributes: Record<string, string> = {};
  for (const name of Object.keys(event)) {
    if (name === 'data' || name === 'datacontenttype') continue;
    const value = (event as unknown as Record<string, unknown>)[name];
    if (value === undefined || value === null) continue;
    attributes[name] = typeof value === 'string' ? value : String(value);
  }
  const contentType = event.datacontenttype ?? 'application/json';
  const body = encoder.encode(JSON.stringify(event.data));
  const key = event.partitionkey;
  return key === undefined
    ? { channel, attributes, contentType, headers: {}, body }
    : { channel, key, attributes, contentType, headers: {}, body };
}

/** Limits of decoding untrusted bodies. */
export interface DecodeOptions {
  /** Largest body accepted. @default 1_048_576 (1 MiB) */
  readonly maxBytes?: number;
}

/**
 * Rebuilds the envelope object of a received message (not yet validated against the catalog). Malformed or
 * oversized bodies and hostile keys (`__proto__`...) are issues, never exceptions; nothing is assigned from them.
 * The envelope is a new mutable object; its JSON `data` is deep-frozen (frozen in the walk that checks it, so
 * `codec.validateOwned` need not walk it again).
 */
export function fromTransportMessage(
  message: TransportMessage,
  options: DecodeOptions = {},
): Result<Record<string, unknown>> {
  const attributes = message.attributes;
  if (attributes.specversion === undefined || attributes.type === undefined) {
    const issue: Issue = {
      path: '',
      message: 'not a CloudEvent in binary content mode: the specversion and type attributes are missing',
      code: 'HUMANGOV_ENVELOPE_INVALID',
    };
    return { issues: [issue] };
  }
  const envelope: Record<string, unknown> = {};
  for (const name of Object.keys(attributes)) {
    const value = attributes[name]!;
    if (name === '__proto__') {
      // An own property, as every other name: the envelope check then reports it as an invalid attribute name.
      Object.defineProperty(envelope, name, { value, enumerable: true, writable: true, configurable: true });
    } else {
      envelope[name] = name === INTEGER_ATTRIBUTE && INTEGER.test(value) ? Number(value) : value;
    }
  }
  const contentType = message.contentType ?? 'application/json';
  envelope.datacontenttype = contentType;
  if (JSON_MEDIA_TYPE.test(contentType)) {
    const parsed = safeJsonParse(message.body, { maxBytes: options.maxBytes, freeze: true });
    if (parsed.issues) return { issues: parsed.issues.map((i) => ({ ...i, path: `/data${i.path}` })) };
    envelope.data = parsed.value;
  } else {
    envelope.data_base64 = Buffer.from(message.body).toString('base64');
  }
  return { value: envelope };
}
