/**
 * `startEligibility`: keeps a projection of the citizens' declared circumstances and of their active awards, answers
 * `eligibility.check-requested` with `eligibility.determined`, and re-evaluates a citizen's active awards on each
 * change of circumstances (process 2: an ineligible determination makes benefits suspend the award).
 *
 * Every handler runs in the inbox's transaction: the projection write, the inbox record and any determination
 * (through the outbox) commit together, so a redelivered event changes nothing and publishes nothing twice.
 *
 * A check for a citizen whose circumstances are not known yet (its registration or change event, on another
 * channel, has not arrived) is **parked** in the database and answered when the circumstances arrive: nothing is
 * lost and nothing spins on redelivery. A check for a citizen whose data was erased is answered `referred`.
 */
import { randomUUID } from 'node:crypto';
import type { BenefitType, EligibilityCheckRequestedV1, EventMap } from '@humangov/events';
import { createOutbox, createOutboxRelay, createRouter, inbox, type Outbox } from '@humangov/sdk';
import type { Records, RunningService, ServiceContext, Tx } from '@humangov-examples/kit';
import { type DeclaredCircumstances, evaluate, RULE_SET_VERSION } from './rules.js';

/** The `source` of every event eligibility publishes. */
export const ELIGIBILITY_SOURCE = '/humangov/eligibility';

export interface EligibilityOptions {
  /** How often the relay looks for committed determinations when nothing woke it (ms). @default 100 */
  readonly relayPollMs?: number;
}

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

export interface RunningEligibility extends RunningService {
  /** The projection of one citizen, if eligibility has heard of them. */
  citizen(citizenId: string): Promise<CitizenProjection | undefined>;
  /** The citizen's active awards, as learnt from benefit.application-approved. */
  awards(citizenId: string): Promise<readonly ActiveAward[]>;
  /** Checks waiting for the citizen's circumstances. */
  parkedChecks(citizenId: string): Promise<number>;
}

export async function startEligibility(
  context: ServiceContext,
  options: EligibilityOptions = {},
): Promise<RunningEligibility> {
  const { db, log } = context;
  const outbox = createOutbox<EventMap, Tx>({ store: db.outbox, source: ELIGIBILITY_SOURCE });
  const relay = createOutboxRelay({
    store: db.outbox,
    transport: context.transport,
    pollMs: options.relayPollMs ?? 100,
  });
  const dedupe = inbox(db.inbox, { group: 'eligibility' });
  const router = createRouter({ transport: context.transport, group: 'eligibility', shutdownOnSignals: false }).use(
    dedupe,
  );
  const { records } = db;
  const decide = determinations(records, outbox);

  router.handle(
    'citizen.registered',
    { version: 2 }, // v1 (the legacy import) arrives upcast: the name split into given and family name
    dedupe.handler(async (event, { tx }) => {
      const current = await records.get<CitizenProjection>(KINDS.citizen, event.data.citizen_id, tx);
      const projection = {
        ...current?.value,
        citizen_id: event.data.citizen_id,
        registered_at: event.data.registered_at,
      };
      await records.put(tx, KINDS.citizen, projection.citizen_id, projection);
      await decide.answerParked(tx, projection);
    }),
  );

  router.handle(
    'citizen.circumstances-changed',
    { version: 2 }, // v1 arrives upcast, its effective date being the day it was recorded
    dedupe.handler(async (event, { tx }) => {
      const { citizen_id, changed_at, ...circumstances } = event.data;
      const current = (await records.get<CitizenProjection>(KINDS.citizen, citizen_id, tx))?.value;
      if (current?.erased) return;
      if (current?.changed_at && current.changed_at > changed_at) return; // a late, older change
      const projection: CitizenProjection = { ...current, citizen_id, circumstances, changed_at };
      await records.put(tx, KINDS.citizen, citizen_id, projection);
      await decide.answerParked(tx, projection);
      const reevaluated = await decide.reevaluateAwards(tx, projection, event.correlationid);
      if (reevaluated > 0) log('eligibility', `re-evaluated ${reevaluated} award(s) of ${citizen_id} after a change`);
    }),
  );

  router.handle(
    'eligibility.check-requested',
    dedupe.handler(async (event, { tx }) => {
      const projection = (await records.get<CitizenProjection>(KINDS.citizen, event.data.citizen_id, tx))?.value;
      if (projection?.erased || projection?.circumstances) {
        await decide.answer(tx, projection, event.data, event.correlationid);
        return;
      }
      const parked = (await records.get<{ checks: ParkedCheck[] }>(KINDS.parked, event.data.citizen_id, tx))?.value;
      const checks = [...(parked?.checks ?? []), { data: event.data, correlationid: event.correlationid }];
      await records.put(tx, KINDS.parked, event.data.citizen_id, { checks });
      log('eligibility', `check ${event.data.check_id} parked until ${event.data.citizen_id}'s circumstances arrive`);
    }),
  );

  router.handle(
    'citizen.erasure-requested',
    dedupe.handler(async (event, { tx }) => {
      const projection: CitizenProjection = { citizen_id: event.data.citizen_id, erased: true };
      await records.put(tx, KINDS.citizen, projection.citizen_id, projection);
      await decide.answerParked(tx, projection);
    }),
  );

  router.handle(
    'benefit.application-approved',
    dedupe.handler(async (event, { tx }) => {
      const { citizen_id, award_id, application_id, benefit_type } = event.data;
      const awards = await activeAwards(records, citizen_id, tx);
      if (awards.some((a) => a.award_id === award_id)) return;
      await records.put(tx, KINDS.awards, citizen_id, {
        awards: [...awards, { award_id, application_id, benefit_type }],
      });
    }),
  );

  const forget = async (tx: Tx, citizenId: string, awardId: string) => {
    const awards = await activeAwards(records, citizenId, tx);
    if (!awards.some((a) => a.award_id === awardId)) return;
    await records.put(tx, KINDS.awards, citizenId, { awards: awards.filter((a) => a.award_id !== awardId) });
  };
  router.handle(
    'benefit.award-revoked',
    dedupe.handler((event, { tx }) => forget(tx, event.data.citizen_id, event.data.award_id)),
  );
  router.handle(
    'benefit.suspended',
    dedupe.handler((event, { tx }) => forget(tx, event.data.citizen_id, event.data.award_id)),
  );

  await relay.start();
  try {
    await router.start();
  } catch (error) {
    await relay.close();
    throw error;
  }
  log('eligibility', `rule set ${RULE_SET_VERSION} ready`);

  return {
    name: 'eligibility',
    citizen: async (citizenId) => (await records.get<CitizenProjection>(KINDS.citizen, citizenId))?.value,
    awards: (citizenId) => activeAwards(records, citizenId),
    parkedChecks: async (citizenId) =>
      (await records.get<{ checks: ParkedCheck[] }>(KINDS.parked, citizenId))?.value.checks.length ?? 0,
    async close() {
      await router.close();
      await relay.close();
    },
  };
}

async function activeAwards(records: Records, citizenId: string, tx?: Tx): Promise<ActiveAward[]> {
  return (await records.get<{ awards: ActiveAward[] }>(KINDS.awards, citizenId, tx))?.value.awards ?? [];
}

/** Writing determinations (in the caller's transaction, through the outbox). */
function determinations(records: Records, outbox: Outbox<EventMap, Tx>) {
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
        ...((check.assessment_date ?? projection?.circumstances?.effective_date) && {
          effective_date: check.assessment_date ?? projection?.circumstances?.effective_date,
        }),
        determined_at: now(),
      },
      { correlationId },
    );
  }

  return {
    answer,

    /** Answers the checks parked for this citizen, now that its circumstances (or its erasure) are known. */
    async answerParked(tx: Tx, projection: CitizenProjection) {
      if (!projection.circumstances && !projection.erased) return;
      const parked = await records.get<{ checks: ParkedCheck[] }>(KINDS.parked, projection.citizen_id, tx);
      if (!parked || parked.value.checks.length === 0) return;
      for (const check of parked.value.checks) await answer(tx, projection, check.data, check.correlationid);
      await records.put(tx, KINDS.parked, projection.citizen_id, { checks: [] });
    },

    /**
     * One determination per benefit type the citizen holds active awards of (trigger `circumstances-changed`,
     * the awards in `award_ids`); resolves with the number of awards re-evaluated.
     */
    async reevaluateAwards(tx: Tx, projection: CitizenProjection, correlationId: string): Promise<number> {
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
    },
  };
}
