/**
 * The replies the saga waits for, as the router receives them: each handler runs in the inbox transaction (a
 * redelivery is skipped), maps the reply to its application (by check id, or by award id), records it for the
 * waiting step and adds it to the application's history. Waits are woken only after the commit (`afterCommit`),
 * so a woken step always finds the reply. Events about checks or awards this service does not know are ignored.
 * A determination no saga asked for (a change of circumstances) suspends the awards it finds ineligible
 * (`suspension.ts`).
 */

import type { EventMap, EventOf } from '@humangov/events';
import type { AnyHandler, Handler, Inbox, Middleware, Router } from '@humangov/sdk';
import type { Log, ServiceDatabase, Tx } from '@humangov-examples/kit';
import { type BenefitsOutbox, nowIso, saveApplication } from './effects.js';
import {
  type ApplicationRecord,
  type ApplicationStatus,
  type Award,
  kinds,
  type Reply,
  replyKey,
  type SagaStepName,
  withEvent,
} from './model.js';
import type { Replies } from './replies.js';
import { suspendAwards } from './suspension.js';

/** Middleware (outermost) that runs callbacks queued by a handler once the event was handled and committed. */
export function afterCommit(): Middleware & { queue(eventId: string, fn: () => void): void } {
  const pending = new Map<string, (() => void)[]>();
  const middleware = (next: AnyHandler): AnyHandler => {
    return async (event, context) => {
      try {
        await next(event, context);
        for (const fn of pending.get(event.id) ?? []) fn();
      } finally {
        pending.delete(event.id);
      }
    };
  };
  return Object.assign(middleware, {
    queue(eventId: string, fn: () => void) {
      pending.set(eventId, [...(pending.get(eventId) ?? []), fn]);
    },
  });
}

export interface ReplyHandlersDeps {
  readonly db: ServiceDatabase;
  readonly replies: Replies;
  readonly dedupe: Inbox<Tx>;
  readonly commit: ReturnType<typeof afterCommit>;
  /** Where the suspensions of a change of circumstances are written (`suspension.ts`). */
  readonly outbox: BenefitsOutbox;
  /** The demo's timeline. @default no logging */
  readonly log?: Log;
}

type On<T extends keyof EventMap, V extends number> = Handler<EventOf<EventMap, T, V & keyof EventMap[T]['versions']>>;

/**
 * One handler per event benefits consumes, at the version it declares (older versions arrive upcast), each
 * wrapped by `deps.dedupe` (so the router must use that inbox).
 */
export interface ReplyHandlers {
  readonly 'eligibility.determined': On<'eligibility.determined', 1>;
  readonly 'payment.scheduled': On<'payment.scheduled', 2>;
  readonly 'payment.disbursed': On<'payment.disbursed', 2>;
  readonly 'payment.failed': On<'payment.failed', 1>;
  readonly 'payment.cancelled': On<'payment.cancelled', 1>;
}

/** Routes every consumed event to its handler on `router` (which must use `deps.commit` and `deps.dedupe`). */
export function handleReplies(router: Router<EventMap>, deps: ReplyHandlersDeps): void {
  const handlers = replyHandlers(deps);
  router.handle('eligibility.determined', { version: 1 }, handlers['eligibility.determined']);
  router.handle('payment.scheduled', { version: 2 }, handlers['payment.scheduled']);
  router.handle('payment.disbursed', { version: 2 }, handlers['payment.disbursed']);
  router.handle('payment.failed', { version: 1 }, handlers['payment.failed']);
  router.handle('payment.cancelled', { version: 1 }, handlers['payment.cancelled']);
}

/** The handlers of the replies, as `handleReplies` routes them (the consumer pacts run these very functions). */
export function replyHandlers(deps: ReplyHandlersDeps): ReplyHandlers {
  const { db, replies, dedupe, commit, outbox, log } = deps;

  /** Adds the event to the history of `applicationId` and records `reply` for the waiting step. */
  async function note(
    tx: Tx,
    eventId: string,
    applicationId: string,
    entry: { event_type: string; step: SagaStepName; status?: ApplicationStatus },
    reply?: { key: string; value: Reply },
  ): Promise<void> {
    const found = await db.records.get<ApplicationRecord>(kinds.application, applicationId, tx, { forUpdate: true });
    if (!found) return;
    await saveApplication(db, tx, withEvent(found.value, entry, nowIso()));
    if (reply) {
      await replies.record(tx, reply.key, reply.value);
      commit.queue(eventId, () => replies.wake(reply.key));
    }
  }

  const awardOf = async (tx: Tx, awardId: string) => (await db.records.get<Award>(kinds.award, awardId, tx))?.value;

  return {
    'eligibility.determined': dedupe.handler(async (event, { tx }) => {
      const d = event.data;
      if (d.check_id === undefined) {
        // A re-evaluation after a change of circumstances (process 2): no saga waits for it.
        const suspended = await suspendAwards(db, outbox, tx, event);
        for (const awardId of suspended) {
          commit.queue(event.id, () => log?.('benefits', `award ${awardId.slice(0, 8)} suspended: no longer eligible`));
        }
        return;
      }
      const check = await db.records.get<{ application_id: string }>(kinds.check, d.check_id, tx);
      if (!check) return;
      await note(
        tx,
        event.id,
        check.value.application_id,
        { event_type: 'eligibility.determined', step: 'eligibility-check' },
        {
          key: replyKey.determination(d.check_id),
          value: {
            kind: 'determination',
            outcome: d.outcome,
            determination_id: d.determination_id,
            reason_codes: d.reasons.map((r) => r.code),
            rule_set_version: d.rule_set_version,
          },
        },
      );
    }),

    'payment.scheduled': dedupe.handler(async (event, { tx }) => {
      const award = await awardOf(tx, event.data.award_id);
      if (!award) return;
      const app = await db.records.get<ApplicationRecord>(kinds.application, award.application_id, tx, {
        forUpdate: true,
      });
      const status = app?.value.status === 'approved' ? 'awaiting-payment' : undefined;
      await note(tx, event.id, award.application_id, {
        event_type: 'payment.scheduled',
        step: 'payment',
        ...(status && { status }),
      });
    }),

    'payment.disbursed': dedupe.handler(async (event, { tx }) => {
      const award = await awardOf(tx, event.data.award_id);
      if (!award) return;
      // A disbursement after the step timed out changes no status: the saga already turned back.
      const app = await db.records.get<ApplicationRecord>(kinds.application, award.application_id, tx, {
        forUpdate: true,
      });
      const waiting = app?.value.status === 'approved' || app?.value.status === 'awaiting-payment';
      await note(
        tx,
        event.id,
        award.application_id,
        { event_type: 'payment.disbursed', step: 'payment', ...(waiting && { status: 'paid' as const }) },
        { key: replyKey.payment(award.award_id), value: { kind: 'disbursed', payment_id: event.data.payment_id } },
      );
    }),

    'payment.failed': dedupe.handler(async (event, { tx }) => {
      const d = event.data;
      const award = await awardOf(tx, d.award_id);
      if (!award) return;
      // An attempt that payments will retry is history only; the saga reacts to the last one.
      await note(
        tx,
        event.id,
        award.application_id,
        { event_type: 'payment.failed', step: 'payment' },
        d.retries_exhausted
          ? {
              key: replyKey.payment(award.award_id),
              value: { kind: 'failed', payment_id: d.payment_id, failure_code: d.failure_code },
            }
          : undefined,
      );
    }),

    'payment.cancelled': dedupe.handler(async (event, { tx }) => {
      const award = await awardOf(tx, event.data.award_id);
      if (!award) return;
      await note(tx, event.id, award.application_id, { event_type: 'payment.cancelled', step: 'compensation' });
    }),
  };
}
