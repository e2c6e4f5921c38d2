/**
 * The payments service: schedules the first payment of every approved award, disburses it through the bank
 * gateway behind retries and a circuit breaker, and reports the outcome; cancels payments when an award is
 * revoked or suspended. Idempotency comes from the payment record: its id is derived from the award, and each
 * handler moves it forward only from the state it expects, so a redelivered event changes nothing.
 */

import type { CloudEvent } from '@humangov/events';
import { type CircuitState, circuitBreaker, retry, timeout, wrap } from '@humangov/resilience';
import { createOutbox, createOutboxRelay, createRouter } from '@humangov/sdk';
import { type RunningService, type ServiceContext, type Tx, uuidFrom } from '@humangov-examples/kit';
import type { BankGateway } from './bank.js';

type PaymentStatus = 'scheduled' | 'disbursed' | 'failed' | 'cancelled';
interface Payment {
  readonly paymentId: string;
  readonly awardId: string;
  readonly applicationId: string;
  readonly citizenId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly status: PaymentStatus;
  readonly attempts: number;
  readonly bankReference?: string;
}

export interface PaymentsOptions {
  readonly bank: BankGateway;
  /** Transfer attempts per payment before it is reported failed. @default 3 */
  readonly maxAttempts?: number;
  /** How long the breaker stays open before a probe. @default 1_000 */
  readonly breakerOpenMs?: number;
}

export interface PaymentsService extends RunningService {
  /** Payments by status. */
  summary(): Promise<Record<PaymentStatus, number>>;
  /** The breaker's state now. */
  breakerState(): CircuitState;
}

const SOURCE = '/humangov/payments';

export async function startPayments(context: ServiceContext, options: PaymentsOptions): Promise<PaymentsService> {
  const { db, transport, log } = context;
  const outbox = createOutbox({ store: db.outbox, source: SOURCE });
  const relay = createOutboxRelay({ store: db.outbox, transport, pollMs: 50 });
  const breaker = circuitBreaker({
    breaker: { type: 'consecutive', failures: 5 },
    halfOpenAfterMs: options.breakerOpenMs ?? 1_000,
  });
  breaker.onStateChange((change) => log('payments', `bank gateway breaker ${change.from} -> ${change.to}`));
  const transfer = wrap(
    retry({ maxAttempts: options.maxAttempts ?? 3, initialDelayMs: 20, maxDelayMs: 200 }),
    breaker,
    timeout(2_000),
  );
  const router = createRouter({ transport, group: 'payments', shutdownOnSignals: false });

  const save = (tx: Tx, payment: Payment) => db.records.put(tx, 'payment', payment.paymentId, payment);
  const load = async (paymentId: string) => (await db.records.get<Payment>('payment', paymentId))?.value;

  router.handle('benefit.application-approved', async (event) => {
    const d = event.data;
    const paymentId = uuidFrom(`payment:${d.award_id}:1`);
    let payment = await load(paymentId);
    if (!payment) {
      payment = {
        paymentId,
        awardId: d.award_id,
        applicationId: d.application_id,
        citizenId: d.citizen_id,
        amountMinor: Math.round(Number(d.entitlement.amount) * 100),
        currency: d.entitlement.currency,
        status: 'scheduled',
        attempts: 0,
      };
      const scheduled = payment;
      await db.transaction(async (tx) => {
        await save(tx, scheduled);
        await outbox.add(
          tx,
          'payment.scheduled',
          {
            payment_id: paymentId,
            award_id: d.award_id,
            application_id: d.application_id,
            citizen_id: d.citizen_id,
            amount: { amount_minor: scheduled.amountMinor, currency: scheduled.currency },
            class: 'regular',
            due_date: d.award_start_date,
            scheduled_at: new Date().toISOString(),
          },
          { causedBy: event, id: uuidFrom(`payment.scheduled:${paymentId}`) },
        );
      });
    }
    if (payment.status !== 'scheduled') return; // already disbursed, failed or cancelled: a redelivery
    await disburse(payment, event);
  });

  async function disburse(payment: Payment, cause: CloudEvent) {
    let attempts = 0;
    try {
      const reference = await transfer.execute(({ signal }) => {
        attempts++;
        return options.bank.transfer(payment.paymentId, payment.amountMinor, signal);
      });
      await db.transaction(async (tx) => {
        await save(tx, { ...payment, status: 'disbursed', attempts, bankReference: reference });
        await outbox.add(
          tx,
          'payment.disbursed',
          {
            payment_id: payment.paymentId,
            award_id: payment.awardId,
            citizen_id: payment.citizenId,
            amount: { amount_minor: payment.amountMinor, currency: payment.currency },
            attempt: Math.max(1, attempts),
            bank_reference: reference,
            disbursed_at: new Date().toISOString(),
          },
          { causedBy: cause, id: uuidFrom(`payment.disbursed:${payment.paymentId}`) },
        );
      });
    } catch {
      log('payments', `payment ${payment.paymentId.slice(0, 8)} failed after ${attempts} attempt(s)`);
      await db.transaction(async (tx) => {
        await save(tx, { ...payment, status: 'failed', attempts });
        await outbox.add(
          tx,
          'payment.failed',
          {
            payment_id: payment.paymentId,
            award_id: payment.awardId,
            citizen_id: payment.citizenId,
            failure_code: 'rail-timeout',
            attempt: Math.max(1, attempts),
            retries_exhausted: true,
            failed_at: new Date().toISOString(),
          },
          { causedBy: cause, id: uuidFrom(`payment.failed:${payment.paymentId}`) },
        );
      });
    }
  }

  /** Cancels the award's payment unless it was disbursed (that needs a recovery, out of this example's scope). */
  const cancel =
    (reason: 'award-revoked' | 'award-suspended') =>
    async (event: CloudEvent & { readonly data: { readonly award_id: string } }) => {
      const paymentId = uuidFrom(`payment:${event.data.award_id}:1`);
      const payment = await load(paymentId);
      if (!payment || payment.status === 'cancelled' || payment.status === 'disbursed') return;
      await db.transaction(async (tx) => {
        await save(tx, { ...payment, status: 'cancelled' });
        await outbox.add(
          tx,
          'payment.cancelled',
          {
            payment_id: paymentId,
            award_id: payment.awardId,
            citizen_id: payment.citizenId,
            reason,
            cancelled_at: new Date().toISOString(),
          },
          { causedBy: event, id: uuidFrom(`payment.cancelled:${paymentId}`) },
        );
      });
    };
  router.handle('benefit.award-revoked', cancel('award-revoked'));
  router.handle('benefit.suspended', cancel('award-suspended'));

  await relay.start();
  await router.start();
  return {
    name: 'payments',
    breakerState: () => breaker.state,
    async summary() {
      const counts: Record<PaymentStatus, number> = { scheduled: 0, disbursed: 0, failed: 0, cancelled: 0 };
      for (const r of await db.records.list<Payment>('payment')) counts[r.value.status]++;
      return counts;
    },
    async close() {
      await router.close();
      await relay.close();
    },
  };
}
