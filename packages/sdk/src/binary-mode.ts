/**
 * CloudEvents binary content mode over the transport port: the envelope's attributes travel as message
 * attributes (strings), `data` as the body. One mapping for every transport; each transport then names the
 * attributes the way its protocol binding says (`ce_` on Kafka, `cloudEvents:` on AMQP).
 */
import { type CloudEvent, type Issue, type Result, safeJsonParse } from '@humangov/events';
import type { TransportMessage } from './transport/port.js';

const encoder = new TextEncoder();

/** Attributes whose canonical CloudEvents type is Integer; they travel as decimal strings. */
const INTEGER_ATTRIBUTES: ReadonlySet<string> = new Set(['version']);

/** The transport message of an event: attributes as strings, `data` as JSON bytes, keyed by `partitionkey`. */
export function toTransportMessage(event: CloudEvent, channel: string): TransportMessage {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(event)) {
    if (name === 'data' || name === 'datacontenttype' || value === undefined || value === null) continue;
    attributes[name] = typeof value === 'string' ? value : String(value);
  }
  return {
    channel,
    ...(event.partitionkey !== undefined && { key: event.partitionkey }),
    attributes,
    contentType: event.datacontenttype ?? 'application/json',
    headers: {},
    body: encoder.encode(JSON.stringify(event.data)),
  };
}

/** Limits of decoding untrusted bodies. */
export interface DecodeOptions {
  /** Largest body accepted. @default 1_048_576 (1 MiB) */
  readonly maxBytes?: number;
}

/**
 * Rebuilds the envelope object of a received message (not yet validated against the catalog). Malformed or
 * oversized bodies and hostile keys (`__proto__`...) are issues, never exceptions; nothing is assigned from them.
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
  const envelope: Record<string, unknown> = Object.create(null);
  for (const [name, value] of Object.entries(attributes)) {
    envelope[name] = INTEGER_ATTRIBUTES.has(name) && /^-?\d{1,9}$/.test(value) ? Number(value) : value;
  }
  const contentType = message.contentType ?? 'application/json';
  envelope.datacontenttype = contentType;
  if (/[/+]json(;|$)/i.test(contentType)) {
    const parsed = safeJsonParse(message.body, { maxBytes: options.maxBytes });
    if (parsed.issues) return { issues: parsed.issues.map((i) => ({ ...i, path: `/data${i.path}` })) };
    envelope.data = parsed.value;
  } else {
    envelope.data_base64 = Buffer.from(message.body).toString('base64');
  }
  return { value: { ...envelope } };
}
