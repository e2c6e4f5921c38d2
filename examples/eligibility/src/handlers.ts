/**
 * Eligibility's event handlers, as plain functions of (event, transaction): the service routes them behind the
 * inbox (which opens the transaction), and the consumer pact tests call the very same functions.
 *
 * A check for a citizen whose circumstances are not known yet (its registration or change event, on another
 * channel, has not arrived) is **parked** in the database and answered when the circumstances arrive: nothing is
 * lost and nothing spins on redelivery. A check for a citizen whose data was erased is answered `referred`.
 */
import { randomUUID } from 'node:crypto';
import type { BenefitType, EligibilityCheckRequestedV1, EventMap, EventOf } from '@humangov/events';
import type { Outbox } from '@humangov/sdk';
import type { Log, Records, Tx } from '@humangov-examples/kit';
import { type DeclaredCircumstances, evaluate, RULE_SET_VERSION } from './rules.js';

/** What eligibility knows of a citizen: no names, no addresses. */
export interface CitizenProjection {
  readonly citizen_id: string;
  readonly registered_at?: string;
  readonly circumstances?: DeclaredCircumstances;
  /** `changed_at` of the circumstances held (an older change arriving late does not overwrite a newer one). */
  readonly changed_at?: string;
  /** The citizen asked for erasure: circumstances dropped, checks answered `referred`. */
  readonly erased?: boolean;
}

export interface ActiveAward {
  readonly award_id: string;
  readonly application_id: string;
  readonly benefit_type: BenefitType;
}

interface ParkedCheck {
  readonly data: EligibilityCheckRequestedV1;
  readonly correlationid: string;
}

/** Record kinds of eligibility's database. */
export const KINDS = { citizen: 'citizen', awards: 'awards', parked: 'parked-checks' } as const;

type Handle<E> = (event: E, tx: Tx) => Promise<void>;

/** The handlers, by the event type and version they declare. */
export interface EligibilityHandlers {
  /** citizen.registered v2 (v1 arrives upcast). */
  readonly registered: Handle<EventOf<EventMap, 'citizen.registered', 2>>;
  /** citizen.circumstances-changed v2 (v1 arrives upcast). */
  readonly circumstancesChanged: Handle<EventOf<EventMap, 'citizen.circumstances-changed', 2>>;
  readonly checkRequested: Handle<EventOf<EventMap, 'eligibility.check-requested', 1>>;
  readonly erasureRequested: Handle<EventOf<EventMap, 'citizen.erasure-requested', 1>>;
  readonly applicationApproved: Handle<EventOf<EventMap, 'benefit.application-approved', 1>>;
  readonly awardRevoked: Handle<EventOf<EventMap, 'benefit.award-revoked', 1>>;
  readonly suspended: Handle<EventOf<EventMap, 'benefit.suspended', 1>>;
}

export async function activeAwards(records: Records, citizenId: string, tx?: Tx): Promise<ActiveAward[]> {
  return (await records.get<{ awards: ActiveAward[] }>(KINDS.awards, citizenId, tx))?.value.awards ?? [];
}

export async function parkedChecks(records: Records, citizenId: string): Promise<number> {
  return (await records.get<{ checks: ParkedCheck[] }>(KINDS.parked, citizenId))?.value.checks.length ?? 0;
}

export function createHandlers(options: {
  readonly records: Records;
  readonly outbox: Outbox<EventMap, Tx>;
  readonly log: Log;
}): EligibilityHandlers {
  const { records, outbox, log } = options;
  const now = () => new Date().toISOString();

  async function answer(
    tx: Tx,
    projection: CitizenProjection | undefined,
    check: EligibilityCheckRequestedV1,
    correlationId: string,
  ) {
    const decision = projection?.circumstances
      ? evaluate(check.benefit_type, projection.circumstances)
      : {
          outcome: 'referred' as const,
          reasons: [
            {
              code: 'PERSONAL_DATA_ERASED',
              rule_id: 'common.data.available',
              explanation: 'The citizen asked for their data to be erased; a caseworker must decide.',
            },
          ],
          ruleSetVersion: RULE_SET_VERSION,
        };
    const effectiveDate = check.assessment_date ?? projection?.circumstances?.effective_date;
    await outbox.add(
      tx,
      'eligibility.determined',
      {
        determination_id: randomUUID(),
        check_id: check.check_id,
        citizen_id: check.citizen_id,
        application_id: check.application_id,
        benefit_type: check.benefit_type,
        trigger: 'check-requested',
        outcome: decision.outcome,
        reasons: decision.reasons,
        rule_set_version: decision.ruleSetVersion,
        ...(effectiveDate && { effective_date: effectiveDate }),
        determined_at: now(),
      },
      { correlationId },
    );
  }

  /** Answers the checks parked for this citizen, now that its circumstances (or its erasure) are known. */
  async function answerParked(tx: Tx, projection: CitizenProjection) {
    if (!projection.circumstances && !projection.erased) return;
    const parked = await records.get<{ checks: ParkedCheck[] }>(KINDS.parked, projection.citizen_id, tx);
    if (!parked || parked.value.checks.length === 0) return;
    for (const check of parked.value.checks) await answer(tx, projection, check.data, check.correlationid);
    await records.put(tx, KINDS.parked, projection.citizen_id, { checks: [] });
  }

  /**
   * One determination per benefit type the citizen holds active awards of (trigger `circumstances-changed`, the
   * awards in `award_ids`); resolves with the number of awards re-evaluated.
   */
  async function reevaluateAwards(tx: Tx, projection: CitizenProjection, correlationId: string): Promise<number> {
    const circumstances = projection.circumstances;
    const awards = await activeAwards(records, projection.citizen_id, tx);
    if (!circumstances || awards.length === 0) return 0;
    const byType = new Map<BenefitType, string[]>();
    for (const award of awards)
      byType.set(award.benefit_type, [...(byType.get(award.benefit_type) ?? []), award.award_id]);
    for (const [benefitType, awardIds] of byType) {
      const decision = evaluate(benefitType, circumstances);
      await outbox.add(
        tx,
        'eligibility.determined',
        {
          determination_id: randomUUID(),
          citizen_id: projection.citizen_id,
          award_ids: awardIds,
          benefit_type: benefitType,
          trigger: 'circumstances-changed',
          outcome: decision.outcome,
          reasons: decision.reasons,
          rule_set_version: decision.ruleSetVersion,
          effective_date: circumstances.effective_date,
          determined_at: now(),
        },
        { correlationId },
      );
    }
    return awards.length;
  }

  async function forget(tx: Tx, citizenId: string, awardId: string) {
    const awards = await activeAwards(records, citizenId, tx);
    if (!awards.some((a) => a.award_id === awardId)) return;
    await records.put(tx, KINDS.awards, citizenId, { awards: awards.filter((a) => a.award_id !== awardId) });
  }

  return {
    async registered(event, tx) {
      const current = await records.get<CitizenProjection>(KINDS.citizen, event.data.citizen_id, tx);
      const projection = {
        ...current?.value,
        citizen_id: event.data.citizen_id,
        registered_at: event.data.registered_at,
      };
      await records.put(tx, KINDS.citizen, projection.citizen_id, projection);
      await answerParked(tx, projection);
    },

    async circumstancesChanged(event, tx) {
      const { citizen_id, changed_at, ...circumstances } = event.data;
      const current = (await records.get<CitizenProjection>(KINDS.citizen, citizen_id, tx))?.value;
      if (current?.erased) return;
      if (current?.changed_at && current.changed_at > changed_at) return; // a late, older change
      const projection: CitizenProjection = { ...current, citizen_id, circumstances, changed_at };
      await records.put(tx, KINDS.citizen, citizen_id, projection);
      await answerParked(tx, projection);
      const reevaluated = await reevaluateAwards(tx, projection, event.correlationid);
      if (reevaluated > 0) log('eligibility', `re-evaluated ${reevaluated} award(s) of ${citizen_id} after a change`);
    },

    async checkRequested(event, tx) {
      const projection = (await records.get<CitizenProjection>(KINDS.citizen, event.data.citizen_id, tx))?.value;
      if (projection?.erased || projection?.circumstances) {
        await answer(tx, projection, event.data, event.correlationid);
        return;
      }
      const parked = (await records.get<{ checks: ParkedCheck[] }>(KINDS.parked, event.data.citizen_id, tx))?.value;
      const checks = [...(parked?.checks ?? []), { data: event.data, correlationid: event.correlationid }];
      await records.put(tx, KINDS.parked, event.data.citizen_id, { checks });
      log('eligibility', `check ${event.data.check_id} parked until ${event.data.citizen_id}'s circumstances arrive`);
    },

    async erasureRequested(event, tx) {
      const projection: CitizenProjection = { citizen_id: event.data.citizen_id, erased: true };
      await records.put(tx, KINDS.citizen, projection.citizen_id, projection);
      await answerParked(tx, projection);
    },

    async applicationApproved(event, tx) {
      const { citizen_id, award_id, application_id, benefit_type } = event.data;
      const awards = await activeAwards(records, citizen_id, tx);
      if (awards.some((a) => a.award_id === award_id)) return;
      await records.put(tx, KINDS.awards, citizen_id, {
        awards: [...awards, { award_id, application_id, benefit_type }],
      });
    },

    awardRevoked: (event, tx) => forget(tx, event.data.citizen_id, event.data.award_id),
    suspended: (event, tx) => forget(tx, event.data.citizen_id, event.data.award_id),
  };
}
