/**
 * The notifications service on the memory transport and SQLite, with the memory broker's dead-letter queue: what
 * a notification request makes it do through a delivery gateway that can be down.
 */
import { randomUUID } from 'node:crypto';
import { createEvent, type EventMap } from '@humangov/events';
import {
  createMemoryDeadLetterQueue,
  createPublisher,
  type DeadLetterQueue,
  type Publisher,
  toTransportMessage,
} from '@humangov/sdk';
import { createTransport } from '@humangov-examples/kit';
import { createTestContext, listen, type TestContext, until } from '@humangov-examples/kit/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSimulatedDeliveryGateway,
  type NotificationsService,
  type SimulatedDeliveryGateway,
  startNotifications,
} from '../src/index.js';

let context: TestContext;
let gateway: SimulatedDeliveryGateway;
let deadLetters: DeadLetterQueue;
let notifications: NotificationsService;
let benefits: Publisher<EventMap>;
let listener: Awaited<ReturnType<typeof listen>>;

beforeEach(async () => {
  context = await createTestContext('notifications');
  gateway = createSimulatedDeliveryGateway({ failureRate: 0 });
  deadLetters = createMemoryDeadLetterQueue({ broker: context.broker, group: 'notifications' });
  notifications = await startNotifications(context, { gateway, deadLetters, redeliveries: [20, 40] });
  benefits = createPublisher({
    transport: createTransport({ kind: 'memory', broker: context.broker }, 'benefits'),
    source: '/humangov/benefits',
  });
  listener = await listen(context.broker);
});
afterEach(async () => {
  await listener.close();
  await notifications.close();
  await context.dispose();
});

const citizen_id = randomUUID();
const request = () => ({
  notification_id: randomUUID(),
  citizen_id,
  channel: 'email' as const,
  template_id: 'benefit-approved',
  requested_by: 'benefits' as const,
  requested_at: '2026-04-01T09:00:00Z',
});
const sentOf = (id: string) => listener.dataOf('notification.sent').filter((d) => d.notification_id === id);
const sent = (id: string) => until(() => sentOf(id)[0]);
/** Requests travel keyed by citizen: once a later request of the same citizen is sent, earlier ones were handled. */
async function fence() {
  const r = request();
  await benefits.publish('notification.requested', r);
  await sent(r.notification_id);
}

describe('notifications', () => {
  it('sends a requested notification once, even when the request is delivered twice', async () => {
    const r = request();
    const message = toTransportMessage(
      createEvent('notification.requested', r, { source: '/humangov/benefits' }),
      'notification.requested',
    );
    const redeliverer = createTransport({ kind: 'memory', broker: context.broker }, 'redeliverer');
    await redeliverer.publish(message);
    expect(await sent(r.notification_id)).toMatchObject({
      citizen_id,
      channel: 'email',
      provider_reference: 'msg-000001',
    });
    await redeliverer.publish(message);
    await redeliverer.close();
    await fence();
    expect(sentOf(r.notification_id)).toHaveLength(1);
    expect(gateway.stats).toEqual({ attempts: 2, delivered: 2 }); // the request and the fence, nothing more
    expect(await notifications.summary()).toEqual({ requested: 2, sent: 2, deadLettered: 0 });
  });

  it('retries and redelivers a send the gateway refuses, dead-letters it, and sends it once when replayed', async () => {
    gateway.outage(true);
    const r = request();
    await benefits.publish('notification.requested', r);
    await until(async () => (await notifications.summary()).deadLettered === 1);
    // Three deliveries (the first and two redeliveries), each tried three times in process.
    expect(gateway.stats).toEqual({ attempts: 9, delivered: 0 });
    const [letter] = await deadLetters.list();
    expect(letter).toMatchObject({ reason: 'handler-failed', event: { type: 'notification.requested' } });
    expect(letter?.error).toMatch(/^DeliveryFailedError: .* gateway unavailable/);
    expect(sentOf(r.notification_id)).toEqual([]);
    expect(await notifications.summary()).toEqual({ requested: 1, sent: 0, deadLettered: 1 });

    gateway.outage(false);
    expect(await notifications.replayDeadLetters()).toBe(1);
    await sent(r.notification_id);
    expect(await notifications.replayDeadLetters()).toBe(0); // replayed already
    await fence();
    expect(sentOf(r.notification_id)).toHaveLength(1);
    expect(gateway.stats.delivered).toBe(2);
    expect(await notifications.summary()).toEqual({ requested: 2, sent: 2, deadLettered: 0 });
    expect(context.lines).toContain('replayed 1 dead letter(s)');
  });

  it('replays a dead letter whose request was sent meanwhile as a no-op', async () => {
    gateway.outage(true);
    const r = request();
    await benefits.publish('notification.requested', r);
    await until(async () => (await notifications.summary()).deadLettered === 1);
    gateway.outage(false);
    // The producer publishes the request again (its outbox re-sent it): this one gets through.
    await benefits.publish('notification.requested', r);
    await sent(r.notification_id);
    const attempts = gateway.stats.attempts;

    expect(await notifications.replayDeadLetters()).toBe(1);
    await fence();
    expect(sentOf(r.notification_id)).toHaveLength(1);
    expect(gateway.stats.attempts).toBe(attempts + 1); // the fence only: the replay never reached the gateway
    expect(await notifications.summary()).toEqual({ requested: 2, sent: 2, deadLettered: 0 });
  });

  it("counts and replays only its own run's dead letters, not those an earlier run left in the queue", async () => {
    // An earlier run that stopped with dead letters it never replayed. (A shared broker's queue also keeps every
    // replayed letter: counting them all, 100 at a time oldest first, once hid a run's own letters.)
    gateway.outage(true);
    for (let i = 0; i < 2; i++) await benefits.publish('notification.requested', request());
    await until(async () => (await notifications.summary()).deadLettered === 2);
    await notifications.close();
    await context.dispose();

    // The next run: a new process (database, transport, dead-letter reader) on the same broker.
    context = await createTestContext('notifications', context.broker);
    deadLetters = createMemoryDeadLetterQueue({ broker: context.broker, group: 'notifications' });
    notifications = await startNotifications(context, { gateway, deadLetters, redeliveries: [20, 40] });
    expect(await notifications.summary()).toMatchObject({ deadLettered: 0 });
    const r = request();
    await benefits.publish('notification.requested', r);
    await until(async () => (await notifications.summary()).deadLettered === 1);
    gateway.outage(false);
    expect(await notifications.replayDeadLetters()).toBe(1);
    await sent(r.notification_id);
    expect((await deadLetters.list()).filter((l) => !l.replayedAt)).toHaveLength(2);
  });
});
