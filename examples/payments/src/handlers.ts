/**
 * Payments' event handlers, as plain functions of the event: the service routes them, and the consumer pact tests
 * call the very same functions. Idempotency comes from the payment record: its id is derived from the award, and
 * each handler moves it forward only from the state it expects (re-read, locked, in its transaction), so a
 * redelivered event changes nothing. A transfer in flight is `disbursing`: a cancellation arriving then waits
 * (`PaymentInFlightError`, retried) until the transfer's outcome is stored, so a payment is never both cancelled
 * and disbursed.
 */

import type { CloudEvent, EventMap, EventOf } from '@humangov/events';
import type { Policy } from '@humangov/resilience';
import type { Outbox } from '@humangov/sdk';
import { type Log, type ServiceDatabase, type Tx, uuidFrom } from '@humangov-examples/kit';
import type { BankGateway } from './bank.js';

export type PaymentStatus = 'scheduled' | 'disbursing' | 'disbursed' | 'failed' | 'cancelled';

/** A cancellation met a transfer in flight: retry it once the transfer's outcome is stored. */
export class PaymentInFlightError extends Error {
  override readonly name = 'PaymentInFlightError';
  readonly code = 'PAYMENT_IN_FLIGHT';
  readonly retryable = true;
}

/** A payment record (kind `payment`, keyed by `paymentId`). */
export interface Payment {
  readonly paymentId: string;
  readonly awardId: string;
  readonly applicationId: string;
  readonly citizenId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly status: PaymentStatus;
  /** Transfer calls that reached the bank. */
  readonly attempts: number;
  readonly bankReference?: string;
}

/** The record kind of payments. */
export const PAYMENT_KIND = 'payment';

/** The id of an award's first (and, in this example, only) payment. */
export const paymentIdOf = (awardId: string): string => uuidFrom(`payment:${awardId}:1`);

/** What the handlers work with: the service's database and outbox, the bank and the policy around a transfer. */
export interface PaymentHandlersOptions {
  readonly db: ServiceDatabase;
  readonly outbox: Outbox<EventMap, Tx>;
  readonly bank: BankGateway;
  /** Retries, breaker and timeout around one transfer (see `startPayments`). */
  readonly transfer: Pick<Policy, 'execute'>;
  readonly log: Log;
}

type Handle<E> = (event: E) => Promise<void>;

/** The handlers, by the event type they declare (v1 each). */
export interface PaymentHandlers {
  /** Schedules the award's first payment (`payment.scheduled`) and disburses it: `payment.disbursed`, or `payment.failed` with `retries_exhausted` once the transfer policy gives up. */
  readonly applicationApproved: Handle<EventOf<EventMap, 'benefit.application-approved', 1>>;
  /** Cancels the award's payment (`payment.cancelled`, reason `award-revoked`) unless it was disbursed. */
  readonly awardRevoked: Handle<EventOf<EventMap, 'benefit.award-revoked', 1>>;
  /** Cancels the award's payment (`payment.cancelled`, reason `award-suspended`) unless it was disbursed. */
  readonly suspended: Handle<EventOf<EventMap, 'benefit.suspended', 1>>;
}

/** Builds the handlers over `options` (see {@link PaymentHandlers} for what each does). */
export function createPaymentHandlers(options: PaymentHandlersOptions): PaymentHandlers {
  const { db, outbox, bank, transfer, log } = options;
  const save = (tx: Tx, payment: Payment) => db.records.put(tx, PAYMENT_KIND, payment.paymentId, payment);
  const load = async (paymentId: string, tx?: Tx) =>
    (await db.records.get<Payment>(PAYMENT_KIND, paymentId, tx, { forUpdate: true }))?.value;
  /** Moves the stored payment from `from` to what `change` makes of it, in one transaction; false if it was not at `from`. */
  const advance = (paymentId: string, from: readonly PaymentStatus[], change: (tx: Tx, p: Payment) => Promise<void>) =>
    db.transaction(async (tx) => {
      const current = await load(paymentId, tx);
      if (!current || !from.includes(current.status)) return false;
      await change(tx, current);
      return true;
    });

  async function disburse(payment: Payment, cause: CloudEvent) {
    let attempts = 0;
    try {
      const reference = await transfer.execute(({ signal }) => {
        attempts++;
        return bank.transfer(payment.paymentId, payment.amountMinor, signal);
      });
      await advance(payment.paymentId, ['disbursing'], async (tx) => {
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
      await advance(payment.paymentId, ['disbursing'], async (tx) => {
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

  /**
   * Cancels the award's payment unless it was disbursed (that needs a recovery, out of this example's scope). While
   * its transfer is in flight it throws `PaymentInFlightError`, so the router retries the event.
   */
  const cancel =
    (reason: 'award-revoked' | 'award-suspended') =>
    async (event: CloudEvent & { readonly data: { readonly award_id: string } }) => {
      const paymentId = paymentIdOf(event.data.award_id);
      let inFlight = false;
      await db.transaction(async (tx) => {
        const payment = await load(paymentId, tx);
        if (!payment || payment.status === 'cancelled' || payment.status === 'disbursed') return;
        if (payment.status === 'disbursing') {
          inFlight = true;
          return;
        }
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
      if (inFlight) throw new PaymentInFlightError(`payment ${paymentId} is being transferred: cancel it afterwards`);
    };

  return {
    async applicationApproved(event) {
      const d = event.data;
      const paymentId = paymentIdOf(d.award_id);
      let payment = await load(paymentId);
      if (!payment) {
        const scheduled: Payment = {
          paymentId,
          awardId: d.award_id,
          applicationId: d.application_id,
          citizenId: d.citizen_id,
          amountMinor: Math.round(Number(d.entitlement.amount) * 100),
          currency: d.entitlement.currency,
          status: 'scheduled',
          attempts: 0,
        };
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
        payment = scheduled;
      }
      // scheduled -> disbursing; a redelivery after a crash mid-transfer finds it disbursing and transfers again (the
      // bank is idempotent by payment id). Disbursed, failed or cancelled: a redelivery, nothing to do.
      const claimed = await advance(paymentId, ['scheduled', 'disbursing'], (tx, current) =>
        save(tx, { ...current, status: 'disbursing' }).then(() => {}),
      );
      if (claimed) await disburse({ ...payment, status: 'disbursing' }, event);
    },
    awardRevoked: cancel('award-revoked'),
    suspended: cancel('award-suspended'),
  };
}
