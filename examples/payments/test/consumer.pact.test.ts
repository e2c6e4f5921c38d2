/**
 * Payments' consumer pacts: what it expects benefits to publish, each expectation checked against the handler the
 * service routes (`createPaymentHandlers`, with the service's own transfer policy) on a real database and a
 * simulated bank. Pact files go to the repository's `pacts/` folder; benefits verifies them.
 */
import { createEvent, type EventMap } from '@humangov/events';
import { createOutbox } from '@humangov/sdk';
import { messagePact } from '@humangov/testing/pact';
import type { Tx } from '@humangov-examples/kit';
import { createTestContext, type TestContext } from '@humangov-examples/kit/testing';
import { MatchersV3 } from '@pact-foundation/pact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createPaymentHandlers,
  createSimulatedBank,
  createTransferPolicy,
  PAYMENT_KIND,
  type Payment,
  type PaymentHandlers,
  paymentIdOf,
  type SimulatedBank,
} from '../src/index.js';

let context: TestContext;
let bank: SimulatedBank;
let on: PaymentHandlers;
beforeEach(async () => {
  context = await createTestContext('payments-pact');
  bank = createSimulatedBank({ latencyMs: 1 });
  const { transfer } = createTransferPolicy({}, context.log);
  const outbox = createOutbox<EventMap, Tx>({ store: context.db.outbox, source: '/humangov/payments' });
  on = createPaymentHandlers({ db: context.db, outbox, bank, transfer, log: context.log });
});
afterEach(async () => {
  await context.dispose();
});

const paymentOf = async (awardId: string) =>
  (await context.db.records.get<Payment>(PAYMENT_KIND, paymentIdOf(awardId)))?.value;
const pending = async () => (await context.db.outbox.lag()).pending;

/** A payment of `award` that failed while the bank was down (outstanding: not disbursed). */
async function failedPayment(award: { award_id: string; application_id: string; citizen_id: string }) {
  bank.outage(true);
  await on.applicationApproved(
    createEvent(
      'benefit.application-approved',
      {
        award_id: award.award_id,
        application_id: award.application_id,
        citizen_id: award.citizen_id,
        benefit_type: 'jobseeker-support',
        entitlement: { amount: '90.00', currency: 'GBP' },
        frequency: 'weekly',
        award_start_date: '2026-04-06',
        approved_at: '2026-04-01T09:00:00Z',
      },
      { source: '/humangov/benefits' },
    ),
  );
  bank.outage(false);
  expect(await paymentOf(award.award_id)).toMatchObject({ status: 'failed' });
}

describe('payments consumes from benefits', () => {
  const benefits = messagePact({ consumer: 'payments', provider: 'benefits' });

  it("benefit.application-approved: the award's first payment is scheduled and disbursed", async () => {
    await benefits
      .expectsEvent('benefit.application-approved', {
        given: 'an approved application',
        data: { entitlement: { amount: MatchersV3.regex(/^\d+\.\d{2}$/, '184.20'), currency: 'GBP' } },
      })
      .verify(async (event) => {
        await on.applicationApproved(event);
        expect(await paymentOf(event.data.award_id)).toMatchObject({
          status: 'disbursed',
          amountMinor: Math.round(Number(event.data.entitlement.amount) * 100),
          currency: event.data.entitlement.currency,
        });
        expect(await pending()).toBe(2); // payment.scheduled and payment.disbursed
      });
  });

  it('benefit.award-revoked: the outstanding payment is cancelled', async () => {
    await benefits
      .expectsEvent('benefit.award-revoked', {
        given: 'an approved application whose payment fails after its last retry',
        data: { reason: MatchersV3.equal('payment-failed') },
      })
      .verify(async (event) => {
        await failedPayment(event.data);
        const before = await pending();
        await on.awardRevoked(event);
        expect(await paymentOf(event.data.award_id)).toMatchObject({ status: 'cancelled' });
        expect(await pending()).toBe(before + 1); // payment.cancelled
      });
  });

  it('benefit.suspended: the outstanding payment is cancelled', async () => {
    await benefits
      .expectsEvent('benefit.suspended', {
        given: 'an award found no longer eligible',
        data: { reason: MatchersV3.equal('no-longer-eligible') },
      })
      .verify(async (event) => {
        await failedPayment(event.data);
        const before = await pending();
        await on.suspended(event);
        expect(await paymentOf(event.data.award_id)).toMatchObject({ status: 'cancelled' });
        expect(await pending()).toBe(before + 1); // payment.cancelled
      });
  });
});
