import { expect } from 'vitest';
import { createCollector } from '../collect.js';
import { always, type ConformanceCase, needs } from './case.js';
import { countById, hasAll, idOf, ids, missing, testMessage } from './context.js';

/** Bytes 0..255, then sequences that are not UTF-8 (lone continuation, overlong, truncated, surrogate). */
function binaryBody(): Uint8Array {
  const tail = [0xff, 0xfe, 0x80, 0xc0, 0xaf, 0xc3, 0x28, 0xe2, 0x82, 0xed, 0xa0, 0x80, 0xf0, 0x9f, 0x98, 0x00];
  return Uint8Array.from([...Array.from({ length: 256 }, (_, i) => i), ...tail]);
}

/** Deterministic pseudo-random bytes (xorshift32): incompressible, and the same on every run. */
function noise(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = 0x2545f491;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

export const messageCases: readonly ConformanceCase[] = [
  {
    title: 'round trip: key, attributes, contentType, headers and binary body arrive intact',
    skip: always,
    async run({ setup, waitMs }) {
      const { transport, channel } = await setup();
      const collector = await createCollector(transport, { group: `${channel}.round-trip`, channels: [channel] });
      const body = binaryBody();
      const full = {
        ...testMessage(channel, 'full', { key: 'citizen-42', body }),
        attributes: {
          ...testMessage(channel, 'full').attributes,
          version: '2',
          correlationid: 'corr-ü-✓',
          time: '2025-01-02T03:04:05.678Z',
        },
        contentType: 'application/octet-stream',
        headers: { 'x-humangov-reason': 'naïve ✓ reason', 'x-other-producer': 'kept' },
      };
      const bare = testMessage(channel, 'bare', { body: Uint8Array.of(0) });
      await transport.publish(full);
      body.fill(0); // the transport must have taken the bytes by now
      await transport.publish(bare);
      const got = await collector.waitFor(hasAll(['full', 'bare']), { timeoutMs: waitMs });
      const [f, b] = [got.find((m) => idOf(m) === 'full')!, got.find((m) => idOf(m) === 'bare')!];
      expect(f.channel).toBe(channel);
      expect(f.key).toBe('citizen-42');
      expect(f.attributes).toEqual(expect.objectContaining(full.attributes));
      expect(f.contentType).toBe('application/octet-stream');
      expect(f.headers).toEqual(expect.objectContaining(full.headers));
      expect(f.body).toBeInstanceOf(Uint8Array);
      expect([...f.body]).toEqual([...binaryBody()]);
      expect(f.deliveryAttempt).toBe(1);
      expect(b.key).toBeUndefined();
      expect(b.contentType).toBeUndefined();
      expect([...b.body]).toEqual([0]);
    },
  },
  {
    title: 'a closed transport rejects publish and subscribe with HUMANGOV_TRANSPORT_CLOSED; close() is idempotent',
    skip: always,
    async run({ setup }) {
      const { transport, channel } = await setup();
      await transport.close();
      await transport.close();
      const closed = { code: 'HUMANGOV_TRANSPORT_CLOSED' };
      await expect(transport.publish(testMessage(channel, 'late'))).rejects.toMatchObject(closed);
      await expect(
        transport.subscribe({ group: `${channel}.late`, channels: [channel] }, async () => {}),
      ).rejects.toMatchObject(closed);
    },
  },
  {
    title: 'close() flushes pending publishes: 500 un-awaited publishes reach a later subscriber',
    skip: needs('persistence'),
    async run({ setup, open, waitMs }) {
      const { transport: first, channel } = await setup();
      const spec = { group: `${channel}.flush`, channels: [channel] };
      await (await createCollector(first, spec)).close(); // the group exists before anything is published
      const expected = ids('flush', 500);
      let settled = 0;
      const outcomes = expected.map((id, i) =>
        first.publish(testMessage(channel, id, { key: `key-${i % 16}` })).then(
          () => 'ok',
          (error: unknown) => error,
        ),
      );
      for (const outcome of outcomes) void outcome.then(() => settled++);
      await first.close();
      await new Promise((resolve) => setImmediate(resolve)); // run the counters of what settled before close()
      expect(settled, 'publishes still pending when close() resolved').toBe(expected.length);
      expect((await Promise.all(outcomes)).filter((o) => o !== 'ok')).toEqual([]);
      const reader = await createCollector(await open(), spec);
      const got = await reader.waitFor(hasAll(expected), { timeoutMs: waitMs });
      expect(missing(expected, got)).toEqual([]);
    },
  },
  {
    title: 'a large payload arrives byte-identical',
    skip: (features, name) =>
      features.largePayloadBytes ? undefined : `feature off: ${name} declares no largePayloadBytes`,
    async run({ setup, features, waitMs }) {
      const { transport, channel } = await setup();
      const collector = await createCollector(transport, { group: `${channel}.large`, channels: [channel] });
      const body = noise(features.largePayloadBytes ?? 0);
      await transport.publish(testMessage(channel, 'large', { key: 'large', body }));
      const [got] = await collector.waitFor(1, { timeoutMs: waitMs });
      expect(got?.body.byteLength).toBe(body.byteLength);
      expect(sameBytes(got!.body, body), 'body bytes differ').toBe(true);
    },
  },
  {
    title: 'many concurrent publishers: 20 x 100 messages all arrive',
    skip: always,
    async run({ setup, waitMs }) {
      const { transport, channel } = await setup();
      const collector = await createCollector(transport, {
        group: `${channel}.many`,
        channels: [channel],
        concurrency: 8,
      });
      const publishers = Array.from({ length: 20 }, (_, p) => ids(`p${p}`, 100));
      await Promise.all(
        publishers.map(async (mine, p) => {
          for (const id of mine) await transport.publish(testMessage(channel, id, { key: `publisher-${p}` }));
        }),
      );
      const expected = publishers.flat();
      const got = await collector.waitFor(hasAll(expected), { timeoutMs: waitMs });
      expect(missing(expected, got)).toEqual([]);
      expect([...countById(got).keys()].sort()).toEqual([...expected].sort()); // nothing from elsewhere
    },
  },
];
