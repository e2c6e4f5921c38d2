/**
 * Notifications' consumer pacts: what it expects benefits (the one example service that requests letters: on
 * approval, rejection, a failed application and a suspension) to publish, each expectation checked against the handler the service routes (`createSendHandler`) on a real
 * database and the simulated gateway. Pact files go to the repository's `pacts/` folder; benefits verifies them.
 */
import type { EventMap } from '@humangov/events';
import { createOutbox } from '@humangov/sdk';
import { messagePact } from '@humangov/testing/pact';
import type { Tx } from '@humangov-examples/kit';
import { createTestContext, type TestContext } from '@humangov-examples/kit/testing';
import { MatchersV3 } from '@pact-foundation/pact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSendHandler,
  createSimulatedDeliveryGateway,
  NOTIFICATION_KINDS,
  type SendHandler,
  type SentNotification,
  type SimulatedDeliveryGateway,
} from '../src/index.js';

let context: TestContext;
let gateway: SimulatedDeliveryGateway;
let send: SendHandler;
beforeEach(async () => {
  context = await createTestContext('notifications-pact');
  gateway = createSimulatedDeliveryGateway({ failureRate: 0 });
  const outbox = createOutbox<EventMap, Tx>({ store: context.db.outbox, source: '/humangov/notifications' });
  send = createSendHandler({ db: context.db, outbox, gateway });
});
afterEach(async () => {
  await context.dispose();
});

describe('notifications consumes from benefits', () => {
  const benefits = messagePact({ consumer: 'notifications', provider: 'benefits' });

  for (const [state, template] of [
    ['an approved application', 'benefit-approved'],
    ['an applicant found ineligible', 'benefit-rejected'],
    ['an approved application whose payment fails after its last retry', 'benefit-application-failed'],
    ['an award found no longer eligible', 'benefit-suspended'],
  ] as const) {
    it(`notification.requested (${template}): sent once through the gateway`, async () => {
      await benefits
        .expectsEvent('notification.requested', {
          given: state,
          scenario: template,
          data: { template_id: MatchersV3.equal(template), requested_by: MatchersV3.equal('benefits') },
        })
        .verify(async (event) => {
          await send(event);
          const { notification_id: id } = event.data;
          const sent = await context.db.records.get<SentNotification>(NOTIFICATION_KINDS.sent, id);
          expect(sent?.value).toEqual({ notificationId: id, providerReference: 'msg-000001' });
          expect((await context.db.outbox.lag()).pending).toBe(1); // notification.sent
          await send(event); // delivered again: a no-op
          expect(gateway.stats).toEqual({ attempts: 1, delivered: 1 });
        });
    });
  }
});
