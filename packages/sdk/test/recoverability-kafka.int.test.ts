/**
 * Recoverability on a real Kafka (KAFKA_BROKERS): delayed redelivery through retry topics, one per delay tier,
 * whose consumer holds a message until it is due by pausing only its retry partition; then the dead-letter topic
 * with the original bytes and the failure headers.
 */
import { randomUUID } from 'node:crypto';
import { catalog } from '@humangov/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublisher, createRouter, DEAD_LETTER_HEADERS, type ReceivedMessage } from '../src/index.js';
import { type KafkaKit, kafkaKit } from './brokers.js';
import { rawKafka, requireBroker, waitFor } from './kafka-broker.js';

const v2 = catalog['citizen.registered'].versions[2];
const channel = v2.channel;
const example = v2.examples[0] as Record<string, unknown>;
const kits: KafkaKit[] = [];
const retryTopics: string[] = [];
const retryGroups: string[] = [];

beforeAll(requireBroker, 10_000);
afterAll(async () => {
  for (const kit of kits) await kit.cleanup().catch(() => {});
  const admin = rawKafka().admin();
  await admin.connect();
  try {
    await admin.deleteGroups(retryGroups).catch(() => {});
    await admin.deleteTopics({ topics: retryTopics }).catch(() => {});
  } finally {
    await admin.disconnect();
  }
}, 60_000);

async function setup(delays: readonly number[], partitions: number) {
  const kit = await kafkaKit(channel, { shutdownTimeoutMs: 2_000 }, partitions);
  kits.push(kit);
  const group = kit.group('recover');
  for (const d of delays) retryTopics.push(`${group}.${kit.topic}.retry.${d}`);
  retryGroups.push(`${group}.retry.${delays.map((d) => `${group}.${kit.topic}.retry.${d}`).join('+')}`);
  const publisher = createPublisher({ transport: kit.transport, source: '/test' });
  const router = createRouter({ transport: kit.transport, group, shutdownOnSignals: false });
  const citizen = (id: string) => ({ ...example, citizen_id: id }) as never;
  return { kit, group, publisher, router, citizen };
}

describe('recoverability on Kafka: retry topics', { timeout: 60_000 }, () => {
  it('redelivers through one retry topic per tier while the main partition keeps flowing', async () => {
    const delays = [600, 900];
    const { kit, group, publisher, router, citizen } = await setup(delays, 1);
    const failing = randomUUID();
    const seen: Array<{ id: string; eventId: string; attempt: number; at: number }> = [];
    router.handle(
      'citizen.registered',
      { version: 2, recoverability: { retries: 0, redeliveries: delays } },
      (e, c) => {
        seen.push({ id: e.data.citizen_id, eventId: e.id, attempt: c.attempt, at: performance.now() });
        if (e.data.citizen_id === failing && c.attempt <= 2) throw new Error('downstream unavailable');
      },
    );
    await router.start();
    const admin = rawKafka().admin();
    await admin.connect();
    const topics = await admin.listTopics().finally(() => admin.disconnect());
    expect(topics).toEqual(expect.arrayContaining(delays.map((d) => `${group}.${kit.topic}.retry.${d}`)));

    // One partition: the failing citizen and the others share the main topic's only partition.
    await publisher.publish('citizen.registered', citizen(failing));
    await waitFor('the first failure', () => seen.find((s) => s.id === failing));
    const others = Array.from({ length: 5 }, () => randomUUID());
    for (const id of others) await publisher.publish('citizen.registered', citizen(id));
    await waitFor('the third delivery', () => seen.find((s) => s.id === failing && s.attempt === 3));

    const mine = seen.filter((s) => s.id === failing);
    expect(mine.map((s) => s.attempt)).toEqual([1, 2, 3]);
    expect(new Set(mine.map((s) => s.eventId)).size).toBe(1); // the same event each time
    const gaps = mine.slice(1).map((s, i) => Math.round(s.at - mine[i]!.at));
    console.log(`[recoverability] kafka retry-topic gaps (ms) for tiers ${delays}: ${gaps}`);
    for (const [i, gap] of gaps.entries()) expect(gap).toBeGreaterThanOrEqual(delays[i]! - 20);
    // While the failing message waited in the first tier, the main partition went on: all others came first.
    for (const id of others) expect(seen.find((s) => s.id === id)!.at).toBeLessThan(mine[1]!.at);
    await router.close();
  });

  it('dead-letters a message that always fails: attempts, original bytes, topic, partition and offset', async () => {
    const delays = [200, 400];
    const { kit, group, publisher, router, citizen } = await setup(delays, 3);
    let calls = 0;
    let original: ReceivedMessage | undefined;
    router.handle(
      'citizen.registered',
      { version: 2, recoverability: { retries: 1, redeliveries: delays } },
      (e, c) => {
        calls++;
        if (c.attempt === 1) original ??= c.message;
        throw new Error(`no record of ${e.data.given_name}`);
      },
    );
    await router.start();
    const dead: ReceivedMessage[] = [];
    await kit.transport.subscribe({ group: kit.group('dlq-reader'), channels: [`${group}.dead-letter`] }, async (m) => {
      dead.push(m);
      await m.ack();
    });
    const id = randomUUID();
    const started = Date.now();
    await publisher.publish('citizen.registered', citizen(id));
    const [letter] = await waitFor('the dead letter', () => (dead.length > 0 ? dead : undefined), 30_000);

    expect(calls).toBe(6); // (1 call + 1 in-process retry) x (first delivery + 2 tiers)
    expect(Buffer.from(letter!.body).equals(Buffer.from(original!.body))).toBe(true);
    expect(letter!.attributes).toEqual(original!.attributes);
    const h = letter!.headers;
    expect(h[DEAD_LETTER_HEADERS.reason]).toBe('handler-failed');
    expect(h[DEAD_LETTER_HEADERS.attempts]).toBe('3'); // deliveries: the first + one per tier
    expect(h[DEAD_LETTER_HEADERS.channel]).toBe(channel);
    expect(h[DEAD_LETTER_HEADERS.partition]).toBe(String(original!.partition));
    expect(h[DEAD_LETTER_HEADERS.offset]).toBe(original!.offset);
    expect(h[DEAD_LETTER_HEADERS.error]).toBe('Error: no record of [redacted]');
    const first = Date.parse(h[DEAD_LETTER_HEADERS.firstFailure]!);
    const last = Date.parse(h[DEAD_LETTER_HEADERS.lastFailure]!);
    expect(first).toBeGreaterThanOrEqual(started - 5);
    expect(last - first).toBeGreaterThanOrEqual(delays[0]! + delays[1]! - 10);
    console.log(`[recoverability] kafka dead letter after ${last - first} ms of failures, ${calls} calls`);
    await router.close();
  });
});
