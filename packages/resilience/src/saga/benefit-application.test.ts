/**
 * The benefit application saga of DOMAIN.md process 1, as a service would write it, tested with the scenario
 * helpers: eligibility -> entitlement -> approve -> schedule payment -> notify. A payment failure compensates
 * with payment-cancelled and award-revoked in reverse order and the application ends failed.
 */
import { describe, expect, it } from 'vitest';
import { defineSaga } from './define.js';
import { sagaScenario } from './scenario.js';

interface Application {
  readonly applicationId: string;
  readonly citizenId: string;
  readonly eligible?: boolean;
  readonly amountMinor?: number;
  readonly awardId?: string;
  readonly paymentId?: string;
}

/** The events the saga's steps would publish (through the outbox, in a real service). */
function benefitSaga(published: string[]) {
  return defineSaga({
    name: 'benefit-application',
    initial: (input: { applicationId: string; citizenId: string }): Application => ({ ...input }),
    steps: [
      {
        name: 'check-eligibility',
        timeoutMs: 60_000,
        action: async () => {
          published.push('eligibility.check-requested');
          return { eligible: true };
        },
      },
      {
        name: 'calculate-entitlement',
        action: async () => {
          published.push('benefit.entitlement-calculated');
          return { amountMinor: 41_250 };
        },
      },
      {
        name: 'approve',
        action: async ({ state }) => {
          published.push('benefit.application-approved');
          return { awardId: `award-${state.applicationId}` };
        },
        compensate: async () => void published.push('benefit.award-revoked'),
      },
      {
        name: 'schedule-payment',
        timeoutMs: 120_000,
        action: async ({ state }) => {
          published.push('payment.scheduled');
          return { paymentId: `pay-${state.applicationId}` };
        },
        compensate: async () => void published.push('payment.cancelled'),
      },
      {
        name: 'notify',
        action: async () => void published.push('notification.requested'),
      },
    ],
  });
}

const given = { applicationId: 'app-1', citizenId: 'cit-1' };

describe('benefit application saga (DOMAIN.md process 1)', () => {
  it('approves, pays and notifies', async () => {
    const published: string[] = [];
    await sagaScenario(benefitSaga(published))
      .given(given)
      .expect({
        status: 'completed',
        completed: ['check-eligibility', 'calculate-entitlement', 'approve', 'schedule-payment', 'notify'],
        compensated: [],
        state: { eligible: true, amountMinor: 41_250, awardId: 'award-app-1', paymentId: 'pay-app-1' },
      });
    expect(published).toEqual([
      'eligibility.check-requested',
      'benefit.entitlement-calculated',
      'benefit.application-approved',
      'payment.scheduled',
      'notification.requested',
    ]);
  });

  it('a failed notification after payment cancels the payment, then revokes the award, and ends failed', async () => {
    const published: string[] = [];
    const outcome = await sagaScenario(benefitSaga(published))
      .given(given)
      .when({ failAt: 'notify' })
      .expect({ status: 'failed', compensated: ['schedule-payment', 'approve'] });
    expect(published.slice(-2)).toEqual(['payment.cancelled', 'benefit.award-revoked']);
    expect(outcome.instance.failure).toMatchObject({ step: 'notify' });
  });

  it('payment failure revokes the award (the payment never happened) and ends failed', async () => {
    const published: string[] = [];
    await sagaScenario(benefitSaga(published))
      .given(given)
      .when({ failAt: 'schedule-payment' })
      .expect({
        status: 'failed',
        completed: ['check-eligibility', 'calculate-entitlement', 'approve'],
        compensated: ['approve'],
      });
    expect(published).not.toContain('payment.scheduled');
    expect(published.at(-1)).toBe('benefit.award-revoked');
  });

  it('a payment service that never answers times out after 120 s and the award is revoked', async () => {
    const outcome = await sagaScenario(benefitSaga([]))
      .given(given)
      .when({ timeoutAt: 'schedule-payment' })
      .expect({ status: 'failed', compensated: ['approve'] });
    expect(outcome.transitions.find((t) => t.kind === 'step-timed-out')).toMatchObject({
      step: 'schedule-payment',
      error: { name: 'TimeoutError', message: 'timed out after 120000 ms' },
      at: 120_000,
    });
  });

  it('a crash while approving: the next process resumes, re-runs approve, and completes', async () => {
    const published: string[] = [];
    const outcome = await sagaScenario(benefitSaga(published)).given(given).when({ crashAt: 'approve' }).run();
    expect(outcome.instance.status).toBe('completed');
    expect(published.filter((e) => e === 'benefit.application-approved')).toHaveLength(1);
    expect(outcome.transitions.map((t) => t.version)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
