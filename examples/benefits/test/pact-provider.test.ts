/**
 * Benefits as a message provider: every event a consumer's pact expects of it is produced by the running service
 * (a real application going through the saga, its outbox relay publishing onto Pact's capture), not by a copy of
 * the event built in the test.
 *
 * Two sets of pacts are verified:
 * - the pacts in the repository's `pacts/` folder that name benefits as their provider (written by the consumer
 *   tests of the other services), when there are any;
 * - the expectations of this repository's example consumers (payments, eligibility, notifications, audit), as
 *   their handlers read the events, restated here so that the provider side is verified on every run even when
 *   no consumer test ran before it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventMap } from '@humangov/events';
import type { TransportMessage } from '@humangov/sdk';
import { type EventProducer, messagePact, pactFilesFor, verifyMessageProvider } from '@humangov/testing/pact';
import { MatchersV3 } from '@pact-foundation/pact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, eventually, type Harness, startHarness, submit, type Tap } from './harness.js';

type Scenario = 'approved' | 'ineligible' | 'payment-fails' | 'withdrawn' | 'suspended';
const states: Record<string, Scenario> = {
  'an approved application': 'approved',
  'an applicant found ineligible': 'ineligible',
  'an approved application whose payment fails after its last retry': 'payment-fails',
  'an application withdrawn while eligibility is checked': 'withdrawn',
  'an award found no longer eligible': 'suspended',
};

let h: Harness;
const tap: Tap = { current: undefined };
let scenario: Scenario = 'approved';
beforeAll(async () => {
  h = await startHarness({}, { tap });
});
afterAll(async () => {
  await h.close();
});

/**
 * Runs a new application through the scenario of the interaction's provider state until it publishes `type`,
 * and hands Pact that event (events of other applications still finishing are left out).
 */
const producer =
  (type: keyof EventMap): EventProducer =>
  async ({ transport, version }) => {
    const published: TransportMessage[] = [];
    tap.current = {
      async publish(message) {
        published.push(message);
      },
      async close() {},
    };
    const find = (id: string, wanted: string, v: number) =>
      published.find(
        (m) => m.attributes.correlationid === id && m.attributes.type === wanted && m.attributes.version === String(v),
      );
    try {
      const citizen = randomUUID();
      if (scenario === 'ineligible') h.eligibility.set(citizen, 'ineligible');
      if (scenario === 'withdrawn') h.eligibility.set(citizen, 'silent');
      if (scenario === 'payment-fails') h.payments.set(citizen, 'fail');
      const { application_id: id } = await submit(h, citizen);
      if (scenario === 'withdrawn') {
        await eventually(() => find(id, 'eligibility.check-requested', 1), 'the check');
        const reply = await call(h.service, 'POST', `/applications/${id}/withdrawal`, { body: {}, key: randomUUID() });
        if (reply.status !== 200) throw new Error(`withdrawal answered ${reply.status}`);
      }
      let correlation = id;
      if (scenario === 'suspended') {
        // Eligibility's re-evaluation after a change of circumstances finds the award no longer eligible.
        const approved = await eventually(() => find(id, 'benefit.application-approved', 1), 'the approval');
        const { award_id, citizen_id } = JSON.parse(new TextDecoder().decode(approved.body));
        correlation = randomUUID();
        await h.asEligibility.publish(
          'eligibility.determined',
          {
            determination_id: randomUUID(),
            citizen_id,
            award_ids: [award_id],
            benefit_type: 'jobseeker-support',
            trigger: 'circumstances-changed',
            outcome: 'ineligible',
            reasons: [{ code: 'INCOME_ABOVE_THRESHOLD', rule_id: 'common.income.threshold' }],
            rule_set_version: '2026.1.0',
            effective_date: new Date().toISOString().slice(0, 10),
            determined_at: new Date().toISOString(),
          },
          { correlationId: correlation },
        );
      }
      await transport.publish(await eventually(() => find(correlation, type, version), `${type} v${version}`));
    } finally {
      tap.current = undefined;
    }
  };

const produced = [
  'benefit.application-submitted',
  'benefit.application-withdrawn',
  'benefit.application-approved',
  'benefit.application-rejected',
  'benefit.entitlement-calculated',
  'benefit.award-revoked',
  'benefit.suspended',
  'benefit.saga-transitioned',
  'eligibility.check-requested',
  'notification.requested',
] as const;

const verify = (options: { pactDir?: string; pactFiles?: readonly string[] }) =>
  verifyMessageProvider({
    provider: 'benefits',
    ...options,
    producers: Object.fromEntries(produced.map((type) => [type, producer(type)])),
    stateHandlers: Object.fromEntries(
      Object.entries(states).map(([name, value]) => [
        name,
        () => {
          scenario = value;
        },
      ]),
    ),
  });

describe('benefits as a message provider', () => {
  it('honours what the example consumers read of its events (payments, eligibility, notifications, audit)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'benefits-provider-'));
    try {
      const payments = messagePact({ consumer: 'payments', provider: 'benefits', dir });
      await payments
        .expectsEvent('benefit.application-approved', {
          given: 'an approved application',
          data: { entitlement: { amount: MatchersV3.regex(/^\d+\.\d{2}$/, '184.20'), currency: 'GBP' } },
        })
        .verify((event) => {
          expect(Number(event.data.entitlement.amount)).toBeGreaterThan(0);
        });
      await payments
        .expectsEvent('benefit.award-revoked', {
          given: 'an approved application whose payment fails after its last retry',
          data: { reason: MatchersV3.equal('payment-failed') },
        })
        .verify((event) => {
          expect(event.data.award_id).toBeTruthy();
        });

      const eligibility = messagePact({ consumer: 'eligibility', provider: 'benefits', dir });
      await eligibility
        .expectsEvent('eligibility.check-requested', { given: 'an approved application' })
        .verify((event) => {
          expect(Date.parse(event.data.reply_by)).toBeGreaterThan(0);
        });

      const notifications = messagePact({ consumer: 'notifications', provider: 'benefits', dir });
      for (const [state, template] of [
        ['an approved application', 'benefit-approved'],
        ['an applicant found ineligible', 'benefit-rejected'],
        ['an approved application whose payment fails after its last retry', 'benefit-application-failed'],
      ] as const) {
        await notifications
          .expectsEvent('notification.requested', {
            given: state,
            scenario: template,
            data: { template_id: MatchersV3.equal(template), requested_by: MatchersV3.equal('benefits') },
          })
          .verify((event) => {
            expect(event.data.citizen_id).toBeTruthy();
          });
      }

      const audit = messagePact({ consumer: 'audit', provider: 'benefits', dir });
      for (const type of [
        'benefit.application-submitted',
        'benefit.application-rejected',
        'benefit.application-withdrawn',
        'benefit.entitlement-calculated',
        'benefit.saga-transitioned',
      ] as const) {
        const given =
          type === 'benefit.application-rejected'
            ? 'an applicant found ineligible'
            : type === 'benefit.application-withdrawn'
              ? 'an application withdrawn while eligibility is checked'
              : 'an approved application';
        await audit.expectsEvent(type, { given }).verify((event) => {
          expect(event.type).toBe(type);
        });
      }

      await verify({ pactDir: dir });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  // The consumer pacts this run wrote (pnpm contracts and CI run consumers first). Without any, the case is skipped
  // and its name says so: nothing names benefits as provider yet.
  const files = pactFilesFor('benefits');
  it.skipIf(files.length === 0)(
    files.length === 0
      ? 'honours the consumer pacts that name it as provider (skipped: no pact in pacts/ names benefits)'
      : `honours the ${files.length} consumer pact(s) in pacts/ that name it as provider`,
    async () => {
      await verify({ pactFiles: files });
    },
    120_000,
  );
});
