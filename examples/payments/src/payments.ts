/**
 * The payments service: schedules the first payment of every approved award, disburses it through the bank
 * gateway behind retries and a circuit breaker, and reports the outcome; cancels payments when an award is
 * revoked or suspended. The handlers (`handlers.ts`) are idempotent through the payment record, so the service
 * needs no inbox: a redelivered event changes nothing.
 */

import {
  type CircuitBreakerPolicy,
  type CircuitState,
  circuitBreaker,
  type Policy,
  retry,
  timeout,
  wrap,
} from '@humangov/resilience';
import { createOutbox, createOutboxRelay, createRouter } from '@humangov/sdk';
import {
  createReadiness,
  drainOutbox,
  type Log,
  type RunningService,
  type ServiceContext,
} from '@humangov-examples/kit';
import type { BankGateway } from './bank.js';
import { createPaymentHandlers, PAYMENT_KIND, type Payment, type PaymentStatus } from './handlers.js';

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

/**
 * The policy around one bank transfer: `maxAttempts` tries with a short backoff, through a circuit breaker that
 * opens after 5 consecutive failures (across payments: it stops calling a bank that is down) and probes again
 * after `breakerOpenMs`, each call timed out after 2 s. Breaker state changes go to `log`.
 */
export function createTransferPolicy(
  options: Pick<PaymentsOptions, 'maxAttempts' | 'breakerOpenMs'>,
  log: Log,
): { readonly transfer: Pick<Policy, 'execute'>; readonly breaker: CircuitBreakerPolicy } {
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
  return { transfer, breaker };
}

export async function startPayments(context: ServiceContext, options: PaymentsOptions): Promise<PaymentsService> {
  const { db, transport, log } = context;
  const outbox = createOutbox({ store: db.outbox, source: SOURCE });
  const relay = createOutboxRelay({ store: db.outbox, transport, pollMs: 50 });
  const { breaker, transfer } = createTransferPolicy(options, log);
  const router = createRouter({ transport, group: 'payments', shutdownOnSignals: false });

  const on = createPaymentHandlers({ db, outbox, bank: options.bank, transfer, log });
  router.handle('benefit.application-approved', (event) => on.applicationApproved(event));
  // A cancellation that meets a transfer in flight is retried until the transfer's outcome is stored.
  const untilTransferred = { retries: { maxAttempts: 50, initialDelayMs: 20, maxDelayMs: 500 } } as const;
  router.handle('benefit.award-revoked', { recoverability: untilTransferred }, (event) => on.awardRevoked(event));
  router.handle('benefit.suspended', { recoverability: untilTransferred }, (event) => on.suspended(event));

  const readiness = createReadiness(db);
  await relay.start();
  await router.start();
  readiness.markStarted();
  return {
    name: 'payments',
    readiness,
    breakerState: () => breaker.state,
    async summary() {
      const counts: Record<PaymentStatus, number> = {
        scheduled: 0,
        disbursing: 0,
        disbursed: 0,
        failed: 0,
        cancelled: 0,
      };
      for (const r of await db.records.list<Payment>(PAYMENT_KIND)) counts[r.value.status]++;
      return counts;
    },
    async close() {
      readiness.markStopping();
      await router.close();
      await drainOutbox(db.outbox);
      await relay.close();
    },
  };
}
