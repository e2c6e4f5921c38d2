/**
 * Notifications as a message provider: `notification.sent` comes from the running service (a request on the
 * memory broker, the simulated gateway, the outbox relay publishing onto Pact's capture), not built in the test.
 * Verified: the pacts in the repository's `pacts/` folder that name notifications as provider, when there are
 * any, and audit's expectation of the event (its envelope and the schema's required members), restated here
 * because audit's own consumer test does not cover notifications.
 * Runs after the consumer pact tests (project `examples/notifications:pact-provider`, `sequence.groupOrder` 1).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventMap } from '@humangov/events';
import { createMemoryDeadLetterQueue, createPublisher, type PublisherPort, type TransportMessage } from '@humangov/sdk';
import { messagePact, verifyMessageProvider } from '@humangov/testing/pact';
import { createTransport, type Transport } from '@humangov-examples/kit';
import { createTestContext, type TestContext, until } from '@humangov-examples/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulatedDeliveryGateway, type NotificationsService, startNotifications } from '../src/index.js';

let context: TestContext;
let notifications: NotificationsService;
/** What the service published for the citizen being produced, and where it goes (Pact's capture). */
let current: { citizenId: string; sent: TransportMessage[]; into: PublisherPort } | undefined;

beforeAll(async () => {
  const base = await createTestContext('notifications-provider');
  const transport: Transport = {
    async publish(message, options) {
      await base.transport.publish(message, options);
      if (current && message.key === current.citizenId) {
        current.sent.push(message);
        await current.into.publish(message, options);
      }
    },
    subscribe: (spec, handler) => base.transport.subscribe(spec, handler),
    close: () => base.transport.close(),
  };
  context = { ...base, transport };
  notifications = await startNotifications(context, {
    gateway: createSimulatedDeliveryGateway({ failureRate: 0 }),
    deadLetters: createMemoryDeadLetterQueue({ broker: base.broker, group: 'notifications' }),
  });
});
afterAll(async () => {
  await notifications.close();
  await context.dispose();
});

const verify = (options: { pactDir?: string; pactFiles?: readonly string[] }) =>
  verifyMessageProvider({
    provider: 'notifications',
    ...options,
    stateHandlers: { 'a notification requested': () => undefined },
    producers: {
      'notification.sent': async ({ transport }) => {
        const benefits = createPublisher<EventMap>({
          transport: createTransport({ kind: 'memory', broker: context.broker }, 'benefits'),
          source: '/humangov/benefits',
        });
        const citizen_id = randomUUID();
        current = { citizenId: citizen_id, sent: [], into: transport };
        try {
          await benefits.publish('notification.requested', {
            notification_id: randomUUID(),
            citizen_id,
            channel: 'email',
            template_id: 'benefit-approved',
            requested_by: 'benefits',
            requested_at: new Date().toISOString(),
          });
          await until(() => current?.sent.some((m) => m.attributes.type === 'notification.sent'));
        } finally {
          current = undefined;
          await benefits.close();
        }
      },
    },
  });

describe('notifications as a message provider', () => {
  it('publishes notification.sent as audit reads it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'notifications-provider-'));
    try {
      await messagePact({ consumer: 'audit', provider: 'notifications', dir })
        .expectsEvent('notification.sent', { given: 'a notification requested' })
        .verify((event) => {
          expect(event.type).toBe('notification.sent');
        });
      await verify({ pactDir: dir });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
