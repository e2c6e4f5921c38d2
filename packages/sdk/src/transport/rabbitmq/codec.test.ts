import type { Message } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { decode, encode, headerString } from './codec.js';

const delivery = (headers: Record<string, unknown>, extra: Partial<Message['properties']> = {}, redelivered = false) =>
  ({
    content: Buffer.from('{}'),
    fields: { deliveryTag: 1, redelivered, exchange: 'humangov', routingKey: 'a.b' },
    properties: { headers, ...extra },
  }) as unknown as Message;

describe('AMQP codec (CloudEvents binary mode)', () => {
  it('writes attributes as cloudEvents: headers, the key as x-humangov-key, id/time/contentType as properties', () => {
    const { content, options } = encode({
      channel: 'a.b',
      key: 'k1',
      attributes: { id: 'e1', time: '2026-01-01T00:00:01.900Z', type: 't' },
      contentType: 'application/json',
      headers: { traceparent: 'tp', 'cloudEvents:id': 'shadowed' },
      body: new Uint8Array([1, 2]),
    });
    expect(options).toEqual({
      deliveryMode: 2,
      mandatory: false,
      contentType: 'application/json',
      messageId: 'e1',
      timestamp: Date.parse('2026-01-01T00:00:01Z') / 1000,
      headers: {
        traceparent: 'tp',
        'cloudEvents:id': 'e1',
        'cloudEvents:time': '2026-01-01T00:00:01.900Z',
        'cloudEvents:type': 't',
        'x-humangov-key': 'k1',
      },
    });
    expect([...content]).toEqual([1, 2]);
  });

  it('reads both prefixes, native AMQP values as canonical strings, and drops broker counters', () => {
    const m = decode(
      'a.b',
      delivery(
        {
          'cloudEvents:id': 'e1',
          cloudEvents_type: Buffer.from('t'),
          'cloudEvents:time': { '!': 'timestamp', value: 1_767_225_601 },
          'x-humangov-key': 'k1',
          'x-delivery-count': 2,
          retries: 3,
          bin: Buffer.from('bytes ✓'),
        },
        { contentType: 'text/plain' },
        true,
      ),
    );
    expect(m).toMatchObject({
      channel: 'a.b',
      key: 'k1',
      contentType: 'text/plain',
      attributes: { id: 'e1', type: 't', time: '2026-01-01T00:00:01.000Z' },
      headers: { retries: '3', bin: 'bytes ✓' },
      deliveryAttempt: 3,
    });
    expect(m.headers).not.toHaveProperty('x-delivery-count');
  });

  it('falls back to messageId and the redelivered flag for producers outside the SDK', () => {
    const m = decode('a.b', delivery({}, { messageId: 'm1' }, true));
    expect(m.attributes).toEqual({ id: 'm1' });
    expect(m.deliveryAttempt).toBe(2);
    expect(m.key).toBeUndefined();
    expect(m.contentType).toBeUndefined();
  });

  it('renders tables (x-death) as JSON with buffers as text', () => {
    expect(headerString([{ queue: Buffer.from('q'), count: 1 }])).toBe('[{"queue":"q","count":1}]');
  });
});
