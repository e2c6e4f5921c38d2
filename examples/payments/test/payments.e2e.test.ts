/**
 * The payments service on the memory transport and SQLite: what benefits' events make it publish, through a
 * simulated bank that can be down.
 */
import { randomUUID } from 'node:crypto';
import { createEvent, type EventMap } from '@humangov/events';
import { createPublisher, type Publisher, toTransportMessage } from '@humangov/sdk';
import { createTransport } from '@humangov-examples/kit';
import { createTestContext, listen, type TestContext, until } from '@humangov-examples/kit/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimulatedBank, type PaymentsService, type SimulatedBank, startPayments } from '../src/index.js';

let context: TestContext;
let bank: SimulatedBank;
let payments: PaymentsService;
let benefits: Publisher<EventMap>;
let listener: Awaited<ReturnType<typeof listen>>;

beforeEach(async () => {
  context = await createTestContext('payments');
  bank = createSimulatedBank({ latencyMs: 1 });
  // The breaker stays open for the rest of a test once it opened.
  payments = await startPayments(context, { bank, breakerOpenMs: 60_000 });
  benefits = createPublisher({
    transport: createTransport({ kind: 'memory', broker: context.broker }, 'benefits'),
    source: '/humangov/benefits',
  });
  listener = await listen(context.broker);
});
afterEach(async () => {
  await listener.close();
  await payments.close();
  await context.dispose();
});

const approval = (application_id = randomUUID()) => ({
  application_id,
  citizen_id: randomUUID(),
  award_id: randomUUID(),
  benefit_type: 'jobseeker-support' as const,
  entitlement: { amount: '184.20', currency: 'GBP' },
  frequency: 'fortnightly' as const,
  award_start_date: '2026-04-06',
  approved_at: '2026-04-01T09:00:00Z',
});
type Approval = ReturnType<typeof approval>;
const revocation = (a: Approval) => ({
  award_id: a.award_id,
  application_id: a.application_id,
  citizen_id: a.citizen_id,
  reason: 'payment-failed' as const,
  revoked_at: '2026-04-01T10:00:00Z',
});
const of = (type: string, awardId: string) => listener.dataOf(type).filter((d) => d.award_id === awardId);
const outcome = (type: string, awardId: string) => until(() => of(type, awardId)[0]);

describe('payments', () => {
  it('schedules the first payment of an approved award and disburses it', async () => {
    const a = approval();
    await benefits.publish('benefit.application-approved', a);
    const disbursed = await outcome('payment.disbursed', a.award_id);
    const [scheduled] = of('payment.scheduled', a.award_id);
    expect(scheduled).toMatchObject({
      application_id: a.application_id,
      citizen_id: a.citizen_id,
      amount: { amount_minor: 18_420, currency: 'GBP' },
      due_date: '2026-04-06',
    });
    expect(disbursed).toMatchObject({
      payment_id: scheduled?.payment_id,
      amount: { amount_minor: 18_420, currency: 'GBP' },
      attempt: 1,
      bank_reference: 'FPS-000001',
    });
    expect(bank.stats).toEqual({ calls: 1, completed: 1 });
    expect(await payments.summary()).toEqual({ scheduled: 0, disbursing: 0, disbursed: 1, failed: 0, cancelled: 0 });
  });

  it('reports a payment failed once its retries are exhausted; the breaker opens and stops calling the bank', async () => {
    bank.outage(true);
    const first = approval();
    await benefits.publish('benefit.application-approved', first);
    expect(await outcome('payment.failed', first.award_id)).toMatchObject({ attempt: 3, retries_exhausted: true });
    expect(bank.stats.calls).toBe(3);
    expect(payments.breakerState()).toBe('closed');

    // Two more failures make five in a row: the breaker opens and refuses the second payment's third try.
    const second = approval();
    await benefits.publish('benefit.application-approved', second);
    expect(await outcome('payment.failed', second.award_id)).toMatchObject({ attempt: 2, retries_exhausted: true });
    expect(bank.stats.calls).toBe(5);
    expect(payments.breakerState()).toBe('open');
    expect(context.lines).toContain('bank gateway breaker closed -> open');

    // While it is open, a payment fails without a call reaching the bank.
    const third = approval();
    await benefits.publish('benefit.application-approved', third);
    expect(await outcome('payment.failed', third.award_id)).toMatchObject({ retries_exhausted: true });
    expect(bank.stats).toEqual({ calls: 5, completed: 0 });
    expect(of('payment.disbursed', third.award_id)).toEqual([]);
    expect(await payments.summary()).toEqual({ scheduled: 0, disbursing: 0, disbursed: 0, failed: 3, cancelled: 0 });
  });

  it('cancels the payment of a revoked or suspended award, and never one already disbursed', async () => {
    const paid = approval();
    await benefits.publish('benefit.application-approved', paid);
    await outcome('payment.disbursed', paid.award_id);

    bank.outage(true);
    const revoked = approval();
    const suspended = approval();
    await benefits.publish('benefit.application-approved', revoked);
    await benefits.publish('benefit.application-approved', suspended);
    await outcome('payment.failed', revoked.award_id);
    await outcome('payment.failed', suspended.award_id);
    await benefits.publish('benefit.award-revoked', revocation(revoked));
    await benefits.publish('benefit.suspended', {
      award_id: suspended.award_id,
      application_id: suspended.application_id,
      citizen_id: suspended.citizen_id,
      reason: 'no-longer-eligible',
      suspended_from: '2026-04-01',
      suspended_at: '2026-04-01T10:00:00Z',
    });
    expect(await outcome('payment.cancelled', revoked.award_id)).toMatchObject({
      citizen_id: revoked.citizen_id,
      reason: 'award-revoked',
    });
    expect(await outcome('payment.cancelled', suspended.award_id)).toMatchObject({ reason: 'award-suspended' });

    await benefits.publish('benefit.award-revoked', revocation(paid));
    // Another award of `paid`'s application travels on the same key: once its revocation is handled, so was paid's.
    const fence = approval(paid.application_id);
    await benefits.publish('benefit.application-approved', fence);
    await outcome('payment.failed', fence.award_id);
    await benefits.publish('benefit.award-revoked', revocation(fence));
    await outcome('payment.cancelled', fence.award_id);
    expect(of('payment.cancelled', paid.award_id)).toEqual([]);
    expect(await payments.summary()).toEqual({ scheduled: 0, disbursing: 0, disbursed: 1, failed: 0, cancelled: 3 });
  });

  it('changes nothing on a redelivered approval', async () => {
    const a = approval();
    const message = toTransportMessage(
      createEvent('benefit.application-approved', a, { source: '/humangov/benefits' }),
      'benefit.application-approved',
    );
    const redeliverer = createTransport({ kind: 'memory', broker: context.broker }, 'redeliverer');
    await redeliverer.publish(message);
    await outcome('payment.disbursed', a.award_id);
    await redeliverer.publish(message);
    // Another award of the same application travels on the same key: once it is paid, the duplicate was handled.
    const fence = approval(a.application_id);
    await benefits.publish('benefit.application-approved', fence);
    await outcome('payment.disbursed', fence.award_id);
    await redeliverer.close();

    expect(of('payment.scheduled', a.award_id)).toHaveLength(1);
    expect(of('payment.disbursed', a.award_id)).toHaveLength(1);
    expect(bank.stats).toEqual({ calls: 2, completed: 2 });
    expect(await payments.summary()).toEqual({ scheduled: 0, disbursing: 0, disbursed: 2, failed: 0, cancelled: 0 });
  });

  it('a revocation during a transfer waits for its outcome: a payment is never both disbursed and cancelled', async () => {
    await payments.close();
    const slowBank = createSimulatedBank({ latencyMs: 300 });
    payments = await startPayments(context, { bank: slowBank, breakerOpenMs: 60_000 });
    const paid = approval();
    await benefits.publish('benefit.application-approved', paid);
    await until(() => slowBank.stats.calls === 1); // the transfer is in flight
    await benefits.publish('benefit.award-revoked', revocation(paid));
    await outcome('payment.disbursed', paid.award_id);

    // The same race when the transfer fails: the cancellation goes through once the failure is stored.
    slowBank.outage(true);
    const failing = approval();
    await benefits.publish('benefit.application-approved', failing);
    await until(() => slowBank.stats.calls === 2);
    await benefits.publish('benefit.award-revoked', revocation(failing));
    await outcome('payment.cancelled', failing.award_id);
    expect(of('payment.failed', failing.award_id)).toHaveLength(1);

    // Without the wait, the first revocation would have cancelled a payment the bank was paying out.
    expect(of('payment.cancelled', paid.award_id)).toEqual([]);
    expect(await payments.summary()).toEqual({ scheduled: 0, disbursing: 0, disbursed: 1, failed: 0, cancelled: 1 });
  });
});
