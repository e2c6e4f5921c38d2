/**
 * `startEligibility`: keeps a projection of the citizens' declared circumstances and of their active awards, answers
 * `eligibility.check-requested` with `eligibility.determined`, and re-evaluates a citizen's active awards on each
 * change of circumstances (process 2: an ineligible determination makes benefits suspend the award).
 *
 * Every handler (`handlers.ts`) runs in the inbox's transaction: the projection write, the inbox record and any
 * determination (through the outbox) commit together, so a redelivered event changes nothing and publishes
 * nothing twice.
 */

import type { EventMap } from '@humangov/events';
import { createOutbox, createOutboxRelay, createRouter, inbox } from '@humangov/sdk';
import {
  createReadiness,
  drainOutbox,
  type RunningService,
  type ServiceContext,
  type Tx,
} from '@humangov-examples/kit';
import {
  type ActiveAward,
  activeAwards,
  type CitizenProjection,
  createHandlers,
  KINDS,
  parkedChecks,
} from './handlers.js';
import { RULE_SET_VERSION } from './rules.js';

/** The `source` of every event eligibility publishes. */
export const ELIGIBILITY_SOURCE = '/humangov/eligibility';

export interface EligibilityOptions {
  /** How often the relay looks for committed determinations when nothing woke it (ms). @default 100 */
  readonly relayPollMs?: number;
}

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
  const on = createHandlers({ records: db.records, outbox, log });

  router
    // v1 (the legacy import) arrives upcast: the name split into given and family name.
    .handle(
      'citizen.registered',
      { version: 2 },
      dedupe.handler((event, { tx }) => on.registered(event, tx)),
    )
    // v1 arrives upcast, its effective date being the day it was recorded.
    .handle(
      'citizen.circumstances-changed',
      { version: 2 },
      dedupe.handler((event, { tx }) => on.circumstancesChanged(event, tx)),
    )
    .handle(
      'eligibility.check-requested',
      dedupe.handler((event, { tx }) => on.checkRequested(event, tx)),
    )
    .handle(
      'citizen.erasure-requested',
      dedupe.handler((event, { tx }) => on.erasureRequested(event, tx)),
    )
    .handle(
      'benefit.application-approved',
      dedupe.handler((event, { tx }) => on.applicationApproved(event, tx)),
    )
    .handle(
      'benefit.award-revoked',
      dedupe.handler((event, { tx }) => on.awardRevoked(event, tx)),
    )
    .handle(
      'benefit.suspended',
      dedupe.handler((event, { tx }) => on.suspended(event, tx)),
    );

  const readiness = createReadiness(db);
  await relay.start();
  try {
    await router.start();
  } catch (error) {
    await relay.close();
    throw error;
  }
  readiness.markStarted();
  log('eligibility', `rule set ${RULE_SET_VERSION} ready`);

  return {
    name: 'eligibility',
    readiness,
    citizen: async (citizenId) => (await db.records.get<CitizenProjection>(KINDS.citizen, citizenId))?.value,
    awards: (citizenId) => activeAwards(db.records, citizenId),
    parkedChecks: (citizenId) => parkedChecks(db.records, citizenId),
    async close() {
      readiness.markStopping();
      await router.close();
      await drainOutbox(db.outbox);
      await relay.close();
    },
  };
}
