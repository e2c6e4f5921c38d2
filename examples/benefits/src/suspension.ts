/**
 * Benefits' part of the change-of-circumstances choreography (DOMAIN.md process 2): eligibility re-evaluates a
 * citizen's active awards after `citizen.circumstances-changed` and publishes an `eligibility.determined` that no
 * saga asked for (trigger `circumstances-changed`, no `check_id`, the awards in `award_ids`). When it says
 * `ineligible`, each of those awards that is still `active` here is suspended: the award record becomes
 * `suspended` (with `suspended_from`), and `benefit.suspended` (reason `no-longer-eligible`, with the
 * determination) and the citizen's letter (`notification.requested`, template `benefit-suspended`) go into the
 * outbox, all in the caller's transaction (the inbox's, so a redelivered determination changes nothing).
 *
 * `eligible` changes nothing; `referred` leaves the award active too: a caseworker decides, and suspending on a
 * referral would stop payments on a question nobody has answered yet.
 */

import type { EventMap, EventOf } from '@humangov/events';
import { type ServiceDatabase, type Tx, uuidFrom } from '@humangov-examples/kit';
import { type BenefitsOutbox, channelOf, nowIso } from './effects.js';
import { type ApplicationRecord, type Award, kinds } from './model.js';

export type Determination = EventOf<EventMap, 'eligibility.determined', 1>;

/**
 * Suspends the active awards a negative re-evaluation names (see the module comment); resolves with the ids of the
 * awards suspended now (none for a positive or referred outcome, for unknown awards, awards of another citizen,
 * or awards already suspended, revoked or ended). Event ids derive from (award, determination).
 */
export async function suspendAwards(
  db: ServiceDatabase,
  outbox: BenefitsOutbox,
  tx: Tx,
  event: Determination,
): Promise<string[]> {
  const d = event.data;
  if (d.outcome !== 'ineligible') return [];
  const suspended: string[] = [];
  for (const awardId of new Set(d.award_ids ?? [])) {
    const award = (await db.records.get<Award>(kinds.award, awardId, tx, { forUpdate: true }))?.value;
    if (award?.status !== 'active' || award.citizen_id !== d.citizen_id) continue;
    const now = nowIso();
    const suspendedFrom = d.effective_date ?? now.slice(0, 10);
    await db.records.put<Award>(tx, kinds.award, awardId, {
      ...award,
      status: 'suspended',
      suspended_from: suspendedFrom,
    });
    const ids = (what: string) => uuidFrom(`${what}:${awardId}:${d.determination_id}`);
    await outbox.add(
      tx,
      'benefit.suspended',
      {
        award_id: awardId,
        application_id: award.application_id,
        citizen_id: award.citizen_id,
        reason: 'no-longer-eligible',
        determination_id: d.determination_id,
        suspended_from: suspendedFrom,
        suspended_at: now,
      },
      { id: ids('benefit.suspended'), causedBy: event },
    );
    const app = await db.records.get<ApplicationRecord>(kinds.application, award.application_id, tx);
    const notificationId = ids('notification:suspended');
    await outbox.add(
      tx,
      'notification.requested',
      {
        notification_id: notificationId,
        citizen_id: award.citizen_id,
        channel: channelOf[app?.value.channel ?? 'post'],
        template_id: 'benefit-suspended',
        parameters: [
          { name: 'benefit_type', value: award.benefit_type },
          { name: 'award_id', value: awardId },
          { name: 'suspended_from', value: suspendedFrom },
          { name: 'reasons', value: d.reasons.map((r) => r.code).join(',') || 'none' },
        ],
        requested_by: 'benefits',
        application_id: award.application_id,
        requested_at: now,
      },
      { id: uuidFrom(`notification.requested:${notificationId}`), causedBy: event },
    );
    suspended.push(awardId);
  }
  return suspended;
}
