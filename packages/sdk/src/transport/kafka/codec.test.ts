import { describe, expect, it } from 'vitest';
import type { TransportMessage } from '../port.js';
import { fromKafkaMessage, toKafkaMessage } from './codec.js';

const sent: TransportMessage = {
  channel: 'benefits.application.submitted',
  key: 'citizen-1',
  attributes: { id: 'e-1', type: 'gov.humangov.Submitted', source: '/benefits', specversion: '1.0' },
  contentType: 'application/json',
  headers: { traceparent: '00-abc-def-01', 'x-dead-letter-reason': 'none' },
  body: new TextEncoder().encode('{"a":1}'),
};

describe('kafka codec (CloudEvents Kafka binding, binary mode)', () => {
  it('writes attributes as ce_ headers, the content type as content-type, the key as record key', () => {
    const record = toKafkaMessage(sent);
    expect(record.key).toBe('citizen-1');
    expect(record.headers).toEqual({
      ce_id: 'e-1',
      ce_type: 'gov.humangov.Submitted',
      ce_source: '/benefits',
      ce_specversion: '1.0',
      'content-type': 'application/json',
      traceparent: '00-abc-def-01',
      'x-dead-letter-reason': 'none',
    });
    expect(String(record.value)).toBe('{"a":1}');
  });

  it('reads back what it wrote, from Buffer header values as kafkajs delivers them', () => {
    const record = toKafkaMessage(sent);
    const headers = Object.fromEntries(
      Object.entries(record.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))]),
    );
    const decoded = fromKafkaMessage({ key: Buffer.from('citizen-1'), value: record.value as Buffer, headers });
    expect(decoded).toEqual({
      key: sent.key,
      attributes: sent.attributes,
      contentType: sent.contentType,
      headers: sent.headers,
      body: sent.body,
    });
    expect(decoded.body.constructor).toBe(Uint8Array);
  });

  it('reads a null key and value as no key and an empty body; a repeated header as its last value', () => {
    const decoded = fromKafkaMessage({ key: null, value: null, headers: { h: [Buffer.from('1'), Buffer.from('2')] } });
    expect(decoded).toEqual({ attributes: {}, headers: { h: '2' }, body: new Uint8Array(0) });
  });

  it('decodes header values and the key as UTF-8: invalid bytes become U+FFFD, a byte order mark is kept', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf, 0x41]);
    const broken = Buffer.from([0xff, 0x41, 0xc3]);
    const decoded = fromKafkaMessage({ key: broken, value: null, headers: { ce_id: bom, h: broken } });
    expect(decoded.attributes.id).toBe('\uFEFFA');
    expect(decoded.headers.h).toBe('\uFFFDA\uFFFD');
    expect(decoded.key).toBe('\uFFFDA\uFFFD');
  });

  it('writes a header called __proto__ as a header, without touching the prototype', () => {
    const headers = JSON.parse('{"__proto__":"x","h":"1"}') as Record<string, string>;
    const record = toKafkaMessage({ channel: 'c', attributes: { id: '1' }, headers, body: new Uint8Array(0) });
    expect(Object.getPrototypeOf(record.headers)).toBe(Object.prototype);
    expect(Object.keys(record.headers ?? {})).toEqual(['__proto__', 'h', 'ce_id']);
  });

  it('keeps a header called __proto__ as data', () => {
    const decoded = fromKafkaMessage({ key: null, value: null, headers: { ['__proto__']: Buffer.from('x') } });
    expect(Object.getPrototypeOf(decoded.headers)).toBe(Object.prototype);
    expect(Object.keys(decoded.headers)).toEqual(['__proto__']);
  });

  it('keeps an attribute called __proto__ (a ce___proto__ header) as data', () => {
    const decoded = fromKafkaMessage({ key: null, value: null, headers: { ce___proto__: Buffer.from('x') } });
    expect(Object.getPrototypeOf(decoded.attributes)).toBe(Object.prototype);
    expect(Object.keys(decoded.attributes)).toEqual(['__proto__']);
  });

  it('writes and reads any number of distinct attribute names (past what it remembers) with the right names', () => {
    // Extension attributes are open-ended: names beyond the codec's cache of known names are still mapped exactly.
    const attributes: Record<string, string> = {};
    for (let i = 0; i < 2_000; i++) attributes[`ext${i}`] = `v${i}`;
    for (let round = 0; round < 2; round++) {
      const record = toKafkaMessage({ ...sent, attributes });
      expect(record.headers?.ce_ext1999).toBe('v1999');
      expect(Object.keys(record.headers ?? {}).filter((name) => name.startsWith('ce_'))).toHaveLength(2_000);
      const headers = Object.fromEntries(
        Object.entries(record.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))]),
      );
      expect(fromKafkaMessage({ key: null, value: null, headers }).attributes).toEqual(attributes);
    }
  });
});
