/**
 * Recoverability on a real RabbitMQ (AMQP_URL): delayed redelivery through per-delay TTL queues that dead-letter
 * back to the group's queue, then the dead-letter queue with the failure headers.
 */
import { randomUUID } from 'node:crypto';
import { catalog } from '@humangov/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublisher, createRouter, DEAD_LETTER_HEADERS, type ReceivedMessage } from '../src/index.js';
import { createRabbitMqTransport } from '../src/rabbitmq.js';
import { AMQP_URL, connectRaw, waitFor } from './rabbitmq-broker.js';

const v2 = catalog['citizen.registered'].versions[2];
const channel = v2.channel;
const example = v2.examples[0] as Record<string, unknown>;
const queues = new Set<string>();
const closers: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  (await connectRaw()).close(); // an unreachable broker fails the file
});
afterAll(async () => {
  for (const c of closers.reverse()) await c.close().catch(() => {});
  const model = await connectRaw();
  const ch = await model.createChannel();
  ch.on('error', () => {});
  for (const q of queues) await ch.deleteQueue(q).catch(() => {});
  await model.close();
});

function setup(delays: readonly number[]) {
  const group = `hg-recover-${randomUUID().slice(0, 8)}`;
  const main = `${group}.${channel}`;
  for (const q of [main, `${group}.dead-letter`, `dlq-reader.${group}.dead-letter`]) queues.add(q);
  for (const d of delays) queues.add(`${main}.retry.${d}`);
  const transport = createRabbitMqTransport({ url: AMQP_URL, confirmTimeoutMs: 5_000 });
  const publisher = createPublisher({ transport, source: '/test' });
  const router = createRouter({ transport, group, shutdownOnSignals: false });
  closers.push(transport, publisher, router);
  const citizen = (id: string) => ({ ...example, citizen_id: id }) as never;
  return { group, transport, publisher, router, citizen };
}

describe('recoverability on RabbitMQ', { timeout: 30_000 }, () => {
  it('redelivers after 200, 300 and 500 ms through TTL queues while other keys flow', async () => {
    const delays = [200, 300, 500];
    const { publisher, router, citizen } = setup(delays);
    const failing = randomUUID();
    const seen: Array<{ id: string; attempt: number; at: number }> = [];
    router.handle(
      'citizen.registered',
      { version: 2, recoverability: { retries: 0, redeliveries: delays } },
      (e, c) => {
        seen.push({ id: e.data.citizen_id, attempt: c.attempt, at: performance.now() });
        if (e.data.citizen_id === failing && c.attempt <= 3) throw new Error('downstream unavailable');
      },
    );
    await router.start();
    await publisher.publish('citizen.registered', citizen(failing));
    const others = Array.from({ length: 5 }, () => randomUUID());
    for (const id of others) await publisher.publish('citizen.registered', citizen(id));
    await waitFor(() => seen.some((s) => s.id === failing && s.attempt === 4), 15_000, 'the 4th delivery');
    const mine = seen.filter((s) => s.id === failing);
    expect(mine.map((s) => s.attempt)).toEqual([1, 2, 3, 4]);
    const gaps = mine.slice(1).map((s, i) => Math.round(s.at - mine[i]!.at));
    console.log(`[recoverability] rabbitmq redelivery gaps (ms) for delays ${delays}: ${gaps}`);
    for (const [i, gap] of gaps.entries()) expect(gap).toBeGreaterThanOrEqual(delays[i]! - 20);
    // The other citizens were handled before the first redelivery came back.
    const firstRedelivery = mine[1]!.at;
    for (const id of others) expect(seen.find((s) => s.id === id)!.at).toBeLessThan(firstRedelivery);
  });

  it('dead-letters a message that always fails, with its bytes and the failure headers', async () => {
    const delays = [200, 500];
    const { group, transport, publisher, router, citizen } = setup(delays);
    let calls = 0;
    router.handle('citizen.registered', { version: 2, recoverability: { retries: 1, redeliveries: delays } }, (e) => {
      calls++;
      throw new Error(`no record of ${e.data.given_name}`);
    });
    await router.start();
    const dead: ReceivedMessage[] = [];
    closers.push(
      await transport.subscribe({ group: 'dlq-reader', channels: [`${group}.dead-letter`] }, async (m) => {
        dead.push(m);
        await m.ack();
      }),
    );
    const id = randomUUID();
    const started = Date.now();
    await publisher.publish('citizen.registered', citizen(id));
    await waitFor(() => dead.length === 1, 15_000, 'the dead letter');
    expect(calls).toBe(6);
    const h = dead[0]!.headers;
    expect(JSON.parse(Buffer.from(dead[0]!.body).toString()).citizen_id).toBe(id);
    expect(h[DEAD_LETTER_HEADERS.reason]).toBe('handler-failed');
    expect(h[DEAD_LETTER_HEADERS.attempts]).toBe('3');
    expect(h[DEAD_LETTER_HEADERS.channel]).toBe(channel);
    expect(h[DEAD_LETTER_HEADERS.error]).toBe('Error: no record of [redacted]');
    expect(h[DEAD_LETTER_HEADERS.error]).not.toContain(String(example.given_name));
    const first = Date.parse(h[DEAD_LETTER_HEADERS.firstFailure]!);
    const last = Date.parse(h[DEAD_LETTER_HEADERS.lastFailure]!);
    expect(first).toBeGreaterThanOrEqual(started - 5);
    expect(last - first).toBeGreaterThanOrEqual(690); // carried across both broker redeliveries
    console.log(`[recoverability] rabbitmq dead letter after ${last - first} ms of failures, ${calls} calls`);
  });
});
