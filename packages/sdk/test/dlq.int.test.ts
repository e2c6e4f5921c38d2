/**
 * Dead-letter queue tooling on the real brokers (KAFKA_BROKERS, AMQP_URL): three events dead-lettered by a failing
 * handler are listed with their reasons and PII redacted; replaying one re-drives it to its original channel, where
 * the now healthy handler receives it exactly once; the list then shows it replayed.
 */
import { randomUUID } from 'node:crypto';
import { catalog } from '@humangov/events';
import { afterAll, describe, expect, it } from 'vitest';
import { runDlqCommand } from '../src/dlq/command.js';
import { createPublisher, createRouter, type DeadLetterQueue, type LifecycleEvent, REDACTED } from '../src/index.js';
import { createKafkaDeadLetterQueue } from '../src/kafka.js';
import { createRabbitMqDeadLetterQueue } from '../src/rabbitmq.js';
import type { ChannelBinding } from '../src/transport/port.js';
import { type BrokerKit, type KafkaKit, kafkaKit, type RabbitKit, rabbitKit } from './brokers.js';
import { brokers, rawKafka, waitFor } from './kafka-broker.js';
import { AMQP_URL } from './rabbitmq-broker.js';

const v2 = catalog['citizen.registered'].versions[2];
const channel = v2.channel;
const example = v2.examples[0] as Record<string, unknown>;
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
}, 60_000);

interface Case {
  readonly kit: () => Promise<BrokerKit>;
  readonly dlq: (kit: BrokerKit, group: string) => DeadLetterQueue;
  /** How `humangov-dlq` reaches the broker. */
  readonly connection: readonly string[];
}

const cases: Record<'kafka' | 'rabbitmq', Case> = {
  kafka: {
    kit: () => kafkaKit(channel, { shutdownTimeoutMs: 2_000 }, 3),
    dlq(kit, group) {
      const topic = (kit as KafkaKit).topic;
      cleanups.push(async () => {
        const admin = rawKafka().admin();
        await admin.connect();
        await admin.deleteTopics({ topics: [`${group}.dead-letter.replayed`] }).finally(() => admin.disconnect());
      });
      const channels = new Map<string, ChannelBinding>([[channel, { kafka: { topic } }]]);
      return createKafkaDeadLetterQueue({ brokers, group, channels });
    },
    connection: ['--transport', 'kafka', '--brokers', brokers.join(',')],
  },
  rabbitmq: {
    kit: () => rabbitKit(channel),
    dlq(kit, group) {
      const binding = { exchange: (kit as RabbitKit).exchange, exchangeType: 'topic', routingKey: channel } as const;
      const channels = new Map<string, ChannelBinding>([[channel, { amqp: { ...binding, durable: true } }]]);
      return createRabbitMqDeadLetterQueue({ url: AMQP_URL, group, channels, confirmTimeoutMs: 5_000 });
    },
    connection: ['--transport', 'rabbitmq', '--url', AMQP_URL],
  },
};

describe.each(Object.keys(cases) as Array<keyof typeof cases>)('dead-letter queue on %s', (name) => {
  it('lists 3 dead letters redacted, replays one to the healed handler once, then shows it replayed', {
    timeout: 90_000,
  }, async () => {
    const kit = await cases[name].kit();
    cleanups.push(kit.cleanup);
    const group = kit.group('dlq');
    const router = createRouter({ transport: kit.transport, group, shutdownOnSignals: false });
    const publisher = createPublisher({ transport: kit.transport, source: '/test' });
    const dlq = cases[name].dlq(kit, group);
    cleanups.push(
      () => dlq.close(),
      () => router.close(),
      () => publisher.close(),
    );
    let healthy = false;
    const received: string[] = [];
    router.handle('citizen.registered', { version: 2, recoverability: { retries: 0, redeliveries: [] } }, (e) => {
      if (!healthy) throw new Error(`no account for ${e.data.given_name} ${e.data.family_name}`);
      received.push(e.data.citizen_id);
    });
    const events: LifecycleEvent[] = [];
    router.onEvent((e) => events.push(e));
    await router.start();
    const citizens = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of citizens) await publisher.publish('citizen.registered', { ...example, citizen_id: id } as never);
    await waitFor('3 dead letters', () => events.filter((e) => e.kind === 'dead-lettered').length === 3 || undefined);

    const entries = await dlq.list();
    expect(entries).toHaveLength(3);
    const citizenOf = (e: (typeof entries)[number]) => (e.event.data as { citizen_id: string }).citizen_id;
    expect(entries.map(citizenOf).sort()).toEqual([...citizens].sort());
    for (const e of entries) {
      expect(e).toMatchObject({ reason: 'handler-failed', channel, group, attempts: 1 });
      expect(e.error).toBe('Error: no account for [redacted] [redacted]');
      expect((e.event.data as Record<string, unknown>).given_name).toBe(REDACTED);
      expect((e.event.data as Record<string, unknown>).date_of_birth).toBe(REDACTED);
    }
    expect(JSON.stringify(entries)).not.toContain(String(example.given_name));
    expect(JSON.stringify(await dlq.show(entries[0]!.id))).not.toContain(String(example.family_name));

    healthy = true;
    const target = entries[1]!;
    expect(await dlq.replay({ ids: [target.id] })).toEqual({ replayed: [target.id], skipped: [], notFound: [] });
    await waitFor('the replayed event', () => received.length > 0 || undefined, 30_000);

    const after = await dlq.list();
    expect(after).toHaveLength(3); // replayed letters stay, marked
    expect(after.filter((e) => e.replayedAt !== undefined).map((e) => e.id)).toEqual([target.id]);
    expect((await dlq.replay({ ids: [target.id] })).replayed).toEqual([]); // not twice
    // The command shows the same: one row per letter, the replayed one marked, no personal data.
    const out: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void out.push(t), env: {} };
    expect(await runDlqCommand(['list', '--group', group, ...cases[name].connection], io)).toBe(0);
    const rows = out.join('\n').split('\n');
    expect(rows[0]).toMatch(/^ID\s+DEAD-LETTERED\s+TYPE\s+REASON\s+ATTEMPTS\s+STATUS\s+ERROR$/);
    expect(rows).toHaveLength(4);
    expect(rows.find((r) => r.startsWith(target.id))).toMatch(
      /citizen\.registered v2\s+handler-failed\s+1\s+replayed /,
    );
    expect(rows.filter((r) => /\s+dead\s+/.test(r))).toHaveLength(2);
    expect(out.join('\n')).not.toContain(String(example.given_name));
    // Exactly once: by now (three more reads of the queue later) no second copy and no other letter arrived.
    expect(received).toEqual([citizenOf(target)]);
  });
});
