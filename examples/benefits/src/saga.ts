/**
 * The benefit application saga (DOMAIN.md process 1), one instance per application, its id the application id:
 *
 *   eligibility-check -> entitlement-calculation -> approval -> payment -> notification
 *
 * - eligibility-check sends `eligibility.check-requested` and waits for the `eligibility.determined` that answers
 *   it. Ineligible (or referred to a caseworker): `benefit.application-rejected`; the later steps pass through
 *   and the notification step sends the rejection letter.
 * - approval makes the award (`benefit.application-approved`; payments schedules the payment on it); its
 *   compensation revokes the award (`benefit.award-revoked`; payments answers with `payment.cancelled`).
 * - payment waits for `payment.disbursed`, or `payment.failed` with `retries_exhausted`, which fails the step: the
 *   saga compensates and the saga sink (saga-sink.ts) marks the application failed and notifies the citizen.
 * - A withdrawn application makes every later step pass through; the saga completes with nothing else sent.
 *
 * Every effect is written with a flag on the application in one transaction, and waits read replies recorded in
 * the database, so a step re-run after a restart neither repeats an effect nor misses a reply.
 */

import { defineSaga } from '@humangov/resilience';
import { isoDate, type ServiceDatabase, type Tx, uuidFrom } from '@humangov-examples/kit';
import {
  type BenefitsOutbox,
  loadApplication,
  type NotificationTemplate,
  nowIso,
  requestNotification,
  saveApplication,
} from './effects.js';
import { type Entitlement, entitlementFor, RULE_SET_VERSION } from './entitlement.js';
import { PaymentFailedError } from './errors.js';
import { type ApplicationRecord, type Award, addEffect, hasEffect, kinds, replyKey, withEvent } from './model.js';
import type { Replies } from './replies.js';

export const SAGA_NAME = 'benefit-application';

export interface ApplicationSagaState {
  readonly applicationId: string;
  readonly outcome?: 'eligible' | 'rejected' | 'withdrawn';
  readonly ruleSetVersion?: string;
  readonly entitlement?: Entitlement;
  readonly awardId?: string;
  readonly paymentId?: string;
}

export interface SagaTimeouts {
  readonly eligibilityMs: number;
  readonly paymentMs: number;
}

export interface ApplicationSagaDeps {
  readonly db: ServiceDatabase;
  readonly outbox: BenefitsOutbox;
  readonly replies: Replies;
  readonly timeouts: SagaTimeouts;
}

export type ApplicationSaga = ReturnType<typeof applicationSaga>;

export function applicationSaga(deps: ApplicationSagaDeps) {
  const { db, outbox, replies, timeouts } = deps;

  /** Runs `fn` on the application in a transaction; passes it through untouched once withdrawn. */
  const onApplication = <T>(
    id: string,
    fn: (tx: Tx, app: ApplicationRecord) => Promise<T>,
  ): Promise<T | { outcome: 'withdrawn' }> =>
    db.transaction(async (tx) => {
      const app = await loadApplication(db, tx, id);
      return app.status === 'withdrawn' ? { outcome: 'withdrawn' as const } : fn(tx, app);
    });

  const isWithdrawn = (id: string) => async () =>
    (await db.records.get<ApplicationRecord>(kinds.application, id))?.value.status === 'withdrawn';

  return defineSaga({
    name: SAGA_NAME,
    initial: (input: { applicationId: string }): ApplicationSagaState => ({ applicationId: input.applicationId }),
    steps: [
      {
        name: 'eligibility-check',
        timeoutMs: timeouts.eligibilityMs,
        async action({ sagaId, signal }) {
          const sent = await onApplication(sagaId, async (tx, app) => {
            if (hasEffect(app, 'check-requested')) return app;
            const now = nowIso();
            await outbox.add(
              tx,
              'eligibility.check-requested',
              {
                check_id: app.check_id,
                application_id: app.application_id,
                citizen_id: app.citizen_id,
                benefit_type: app.benefit_type,
                assessment_date: app.submitted_at.slice(0, 10),
                reply_by: new Date(Date.now() + timeouts.eligibilityMs).toISOString(),
                requested_at: now,
              },
              { id: uuidFrom(`eligibility.check-requested:${app.check_id}`), correlationId: app.application_id },
            );
            await db.records.put(tx, kinds.check, app.check_id, { application_id: app.application_id });
            const next = withEvent(
              app,
              { event_type: 'eligibility.check-requested', step: 'eligibility-check', status: 'checking-eligibility' },
              now,
              { effects: addEffect(app, 'check-requested') },
            );
            await saveApplication(db, tx, next);
            return next;
          });
          if ('outcome' in sent) return sent;
          const reply = await replies.wait(replyKey.determination(sent.check_id), signal, isWithdrawn(sagaId));
          if (!reply) return { outcome: 'withdrawn' as const };
          if (reply.kind !== 'determination') throw new TypeError(`unexpected reply ${reply.kind} to a check`);
          if (reply.outcome === 'eligible')
            return { outcome: 'eligible' as const, ruleSetVersion: reply.rule_set_version };
          return onApplication(sagaId, async (tx, app) => {
            if (!hasEffect(app, 'rejected')) {
              const now = nowIso();
              const codes = reply.reason_codes.filter((c) => /^[A-Z][A-Z0-9_]{2,63}$/.test(c));
              await outbox.add(
                tx,
                'benefit.application-rejected',
                {
                  application_id: app.application_id,
                  citizen_id: app.citizen_id,
                  reason_codes: codes.length > 0 ? codes : ['REFERRED_TO_CASEWORKER'],
                  determination_id: reply.determination_id,
                  rule_set_version: reply.rule_set_version,
                  rejected_at: now,
                },
                {
                  id: uuidFrom(`benefit.application-rejected:${app.application_id}`),
                  correlationId: app.application_id,
                },
              );
              const next = withEvent(
                app,
                { event_type: 'benefit.application-rejected', step: 'eligibility-check', status: 'rejected' },
                now,
                { effects: addEffect(app, 'rejected') },
              );
              await saveApplication(db, tx, next);
            }
            return { outcome: 'rejected' as const };
          });
        },
      },
      {
        name: 'entitlement-calculation',
        async action({ sagaId, state }) {
          if (state.outcome !== 'eligible') return;
          return onApplication(sagaId, async (tx, app) => {
            const entitlement = entitlementFor(app.benefit_type);
            if (hasEffect(app, 'entitlement-calculated')) return { entitlement };
            const now = nowIso();
            await outbox.add(
              tx,
              'benefit.entitlement-calculated',
              {
                calculation_id: uuidFrom(`entitlement:${app.application_id}`),
                application_id: app.application_id,
                citizen_id: app.citizen_id,
                amount: { amount: entitlement.amount, currency: entitlement.currency },
                frequency: entitlement.frequency,
                rule_set_version: state.ruleSetVersion ?? RULE_SET_VERSION,
                calculated_at: now,
              },
              {
                id: uuidFrom(`benefit.entitlement-calculated:${app.application_id}`),
                correlationId: app.application_id,
              },
            );
            const next = withEvent(
              app,
              {
                event_type: 'benefit.entitlement-calculated',
                step: 'entitlement-calculation',
                status: 'calculating-entitlement',
              },
              now,
              { effects: addEffect(app, 'entitlement-calculated') },
            );
            await saveApplication(db, tx, next);
            return { entitlement };
          });
        },
      },
      {
        name: 'approval',
        async action({ sagaId, state }) {
          if (state.outcome !== 'eligible' || !state.entitlement) return;
          const entitlement = state.entitlement;
          return onApplication(sagaId, async (tx, app) => {
            const awardId = uuidFrom(`award:${app.application_id}`);
            if (hasEffect(app, 'approved')) return { awardId };
            const now = nowIso();
            const award: Award = {
              award_id: awardId,
              application_id: app.application_id,
              citizen_id: app.citizen_id,
              benefit_type: app.benefit_type,
              status: 'active',
              entitlement: { amount: entitlement.amount, currency: entitlement.currency },
              frequency: entitlement.frequency,
              start_date: isoDate(7),
              end_date: null,
              awarded_at: now,
            };
            await db.records.put(tx, kinds.award, awardId, award);
            await outbox.add(
              tx,
              'benefit.application-approved',
              {
                application_id: app.application_id,
                citizen_id: app.citizen_id,
                award_id: awardId,
                benefit_type: app.benefit_type,
                entitlement: award.entitlement,
                frequency: award.frequency,
                award_start_date: award.start_date,
                approved_at: now,
              },
              { id: uuidFrom(`benefit.application-approved:${app.application_id}`), correlationId: app.application_id },
            );
            const next = withEvent(
              app,
              { event_type: 'benefit.application-approved', step: 'approval', status: 'approved' },
              now,
              { award_id: awardId, effects: addEffect(app, 'approved') },
            );
            await saveApplication(db, tx, next);
            return { awardId };
          });
        },
        async compensate({ sagaId, state }) {
          const awardId = state.awardId;
          if (!awardId) return;
          await db.transaction(async (tx) => {
            const app = await loadApplication(db, tx, sagaId);
            const award = await db.records.get<Award>(kinds.award, awardId, tx);
            if (!award || hasEffect(app, 'award-revoked')) return;
            const failed = await db.records.get<{ kind: string; payment_id?: string }>(
              kinds.reply,
              replyKey.payment(awardId),
              tx,
            );
            const now = nowIso();
            await db.records.put(tx, kinds.award, awardId, { ...award.value, status: 'revoked' });
            await outbox.add(
              tx,
              'benefit.award-revoked',
              {
                award_id: awardId,
                application_id: app.application_id,
                citizen_id: app.citizen_id,
                reason: 'payment-failed',
                ...(failed?.value.payment_id && { failed_payment_id: failed.value.payment_id }),
                revoked_at: now,
              },
              { id: uuidFrom(`benefit.award-revoked:${awardId}`), correlationId: app.application_id },
            );
            const next = withEvent(
              app,
              { event_type: 'benefit.award-revoked', step: 'compensation', status: 'compensating' },
              now,
              { effects: addEffect(app, 'award-revoked') },
            );
            await saveApplication(db, tx, next);
          });
        },
      },
      {
        name: 'payment',
        timeoutMs: timeouts.paymentMs,
        async action({ state, signal }) {
          if (state.outcome !== 'eligible' || !state.awardId) return;
          const reply = await replies.wait(replyKey.payment(state.awardId), signal);
          if (reply?.kind === 'failed') throw new PaymentFailedError(reply.payment_id, reply.failure_code);
          if (reply?.kind !== 'disbursed') throw new TypeError(`unexpected reply ${reply?.kind} to a payment`);
          return { paymentId: reply.payment_id };
        },
      },
      {
        name: 'notification',
        async action({ sagaId, state }) {
          if (state.outcome === 'withdrawn') return;
          const template: NotificationTemplate = state.outcome === 'rejected' ? 'benefit-rejected' : 'benefit-approved';
          await onApplication(sagaId, async (tx, app) => {
            if (app.status !== 'paid' && app.status !== 'rejected') return;
            await saveApplication(db, tx, await requestNotification(outbox, tx, app, template));
          });
        },
      },
    ],
  });
}
