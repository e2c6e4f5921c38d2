/**
 * Subscriptions of the Kafka transport against a real broker: decoding, commit after ack, nack redelivery,
 * concurrency bounds and close.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSdkError } from '../src/errors.js';
import { createKafkaTransport } from '../src/kafka.js';
import type { ReceivedMessage, Transport } from '../src/transport/port.js';
import { brokers, ids, message, requireBroker, unique, waitFor } from './kafka-broker.js';

const open: Transport[] = [];
const transportFor = async (
  topic: string,
  partitions = 1,
  options: Parameters<typeof createKafkaTransport>[0] = {},
): Promise<Transport & { provision: unknown }> => {
  const t = createKafkaTransport({ brokers, shutdownTimeoutMs: 2_000, ...options });
  open.push(t);
  await t.provision(new Map([[topic, { kafka: { topic, partitions } }]]));
  return t;
};

beforeAll(requireBroker, 10_000);
afterAll(async () => {
  await Promise.allSettled(open.map((t) => t.close()));
});

describe('kafka transport: subscriptions', { timeout: 20_000 }, () => {
  it('decodes what it published: attributes, content type, headers, key, body', async () => {
    const topic = unique('decode');
    const transport = await transportFor(topic);
    const got: ReceivedMessage[] = [];
    await transport.subscribe({ group: unique('g'), channels: [topic] }, async (m) => {
      got.push(m);
      await m.ack();
    });
    const sent = message(topic, 'd-1', { key: 'k' });
    await transport.publish(sent);
    const [m] = await waitFor('the message', () => (got.length > 0 ? got : undefined));
    expect(m).toMatchObject({
      channel: topic,
      key: 'k',
      attributes: sent.attributes,
      contentType: 'application/json',
      headers: sent.headers,
      partition: 0,
      offset: '0',
      deliveryAttempt: 1,
    });
    expect(m?.body).toEqual(sent.body);
  });

  it('consumes messages larger than its fetch limits, in order (the broker returns an oversized batch whole)', async () => {
    const topic = unique('fetch-limit');
    const transport = await transportFor(topic, 1, { fetchMaxBytes: 4_096, fetchMaxBytesPerPartition: 1_024 });
    const body = new Uint8Array(64 * 1024).fill(0x20);
    const sent = ['big-1', 'big-2', 'big-3'];
    for (const id of sent) await transport.publish(message(topic, id, { key: 'k', body }));
    const got: ReceivedMessage[] = [];
    await transport.subscribe({ group: unique('g'), channels: [topic] }, async (m) => {
      got.push(m);
      await m.ack();
    });
    await waitFor('three 64 KiB messages', () => (got.length === 3 ? got : undefined));
    expect(ids(got)).toEqual(sent);
    expect(got.map((m) => m.body.byteLength)).toEqual([body.byteLength, body.byteLength, body.byteLength]);
  });

  it('commits only acked messages: an unacked one goes to the next member of the group', async () => {
    const topic = unique('commit');
    const group = unique('g');
    const transport = await transportFor(topic);
    for (const id of ['acked', 'unacked', 'later']) await transport.publish(message(topic, id, { key: 'same' }));

    const first: ReceivedMessage[] = [];
    const sub = await transport.subscribe({ group, channels: [topic] }, async (m) => {
      first.push(m);
      if (m.attributes.id === 'acked') await m.ack(); // 'unacked' is neither acked nor nacked
    });
    await waitFor('the unacked message', () => (first.length === 2 ? first : undefined));
    await sub.close();
    const ackAfterClose = await first[1]?.ack().catch((e: unknown) => e);
    expect(isSdkError(ackAfterClose, 'HUMANGOV_TRANSPORT_CLOSED')).toBe(true);
    expect(ids(first)).toEqual(['acked', 'unacked']);

    const second: ReceivedMessage[] = [];
    await transport.subscribe({ group, channels: [topic] }, async (m) => {
      second.push(m);
      await m.ack();
    });
    await waitFor('both remaining messages', () => (second.length === 2 ? second : undefined));
    expect(ids(second)).toEqual(['unacked', 'later']);
  });

  it('nack redelivers the same message after its delay, before the next one of its partition', async () => {
    const topic = unique('nack');
    const transport = await transportFor(topic);
    await transport.publish(message(topic, 'n-1', { key: 'k' }));
    await transport.publish(message(topic, 'n-2', { key: 'k' }));
    const got: Array<{ id: string; attempt: number; at: number }> = [];
    await transport.subscribe({ group: unique('g'), channels: [topic] }, async (m) => {
      got.push({ id: m.attributes.id ?? '', attempt: m.deliveryAttempt, at: performance.now() });
      if (m.attributes.id === 'n-1' && m.deliveryAttempt === 1) await m.nack({ delayMs: 300 });
      else if (m.attributes.id === 'n-1' && m.deliveryAttempt === 2) throw new Error('a failing handler is a nack');
      else await m.ack();
    });
    await waitFor('redeliveries', () => (got.length === 4 ? got : undefined));
    expect(got.map(({ id, attempt }) => `${id}#${attempt}`)).toEqual(['n-1#1', 'n-1#2', 'n-1#3', 'n-2#1']);
    expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(290);
  });

  it('runs partitions concurrently up to `concurrency`, each partition one at a time', async () => {
    const topic = unique('concurrency');
    const transport = await transportFor(topic, 4);
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    await Promise.all(
      keys.flatMap((k) => [1, 2, 3].map((n) => transport.publish(message(topic, `${k}${n}`, { key: k })))),
    );
    let running = 0;
    let peak = 0;
    const runningPerPartition = new Map<number, number>();
    const perKey = new Map<string, string[]>();
    let overlapInPartition = false;
    await transport.subscribe({ group: unique('g'), channels: [topic], concurrency: 2 }, async (m) => {
      running += 1;
      peak = Math.max(peak, running);
      const p = m.partition ?? -1;
      runningPerPartition.set(p, (runningPerPartition.get(p) ?? 0) + 1);
      if ((runningPerPartition.get(p) ?? 0) > 1) overlapInPartition = true;
      await new Promise((r) => setTimeout(r, 15));
      perKey.set(m.key ?? '', [...(perKey.get(m.key ?? '') ?? []), m.attributes.id ?? '']);
      runningPerPartition.set(p, (runningPerPartition.get(p) ?? 1) - 1);
      running -= 1;
      await m.ack();
    });
    await waitFor('all 24 messages', () => ([...perKey.values()].flat().length === 24 ? true : undefined));
    expect(peak).toBe(2);
    expect(overlapInPartition).toBe(false);
    for (const k of keys) expect(perKey.get(k)).toEqual([`${k}1`, `${k}2`, `${k}3`]);
  });

  it('close waits for a running handler and commits its ack', async () => {
    const topic = unique('close');
    const group = unique('g');
    const transport = await transportFor(topic);
    await transport.publish(message(topic, 'slow'));
    let started = false;
    let finished = false;
    const sub = await transport.subscribe({ group, channels: [topic] }, async (m) => {
      started = true;
      await new Promise((r) => setTimeout(r, 500));
      await m.ack();
      finished = true;
    });
    await waitFor('the handler to start', () => (started ? true : undefined));
    await sub.close();
    expect(finished).toBe(true);

    // The ack made during close was committed: a new member of the group gets nothing old.
    const again: ReceivedMessage[] = [];
    await transport.subscribe({ group, channels: [topic] }, async (m) => {
      again.push(m);
      await m.ack();
    });
    await transport.publish(message(topic, 'new'));
    await waitFor('the new message', () => (again.length > 0 ? again : undefined));
    expect(ids(again)).toEqual(['new']);
  });
});
