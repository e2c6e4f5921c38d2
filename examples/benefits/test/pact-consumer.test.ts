/**
 * Consumer message pacts of benefits: what it needs of eligibility.determined (from eligibility) and payment.*
 * (from payments). Each expectation runs the very handler the service routes (`replyHandlers`, inside the same
 * inbox and after-commit middleware), on a database where the saga waits for that reply, and checks the reply
 * reached the saga. The pacts go to the repository's `pacts/` folder for the providers to verify.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AnyHandler, createOutbox, type Handler, inbox } from '@humangov/sdk';
import { messagePact } from '@humangov/testing/pact';
import { openDatabase, type ServiceDatabase, uuidFrom } from '@humangov-examples/kit';
import { MatchersV3 } from '@pact-foundation/pact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterCommit, type ReplyHandlers, replyHandlers } from '../src/handlers.js';
import { type ApplicationRecord, type Award, kinds, type Reply, replyKey } from '../src/model.js';
import { createReplies } from '../src/replies.js';

let dir: string;
let db: ServiceDatabase;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'benefits-pact-'));
  db = await openDatabase({ kind: 'sqlite', file: join(dir, 'benefits.db') });
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * An application whose saga waits for its eligibility check, or (with an award) for its payment. Ids derive from
 * `name`, so the pact files come out the same on every run.
 */
async function waitingApplication(name: string, withAward: boolean) {
  const id = (what: string) => uuidFrom(`pact:${name}:${what}`);
  const ids = { application: id('application'), citizen: id('citizen'), check: id('check'), award: id('award') };
  const now = new Date().toISOString();
  const app: ApplicationRecord = {
    application_id: ids.application,
    citizen_id: ids.citizen,
    benefit_type: 'jobseeker-support',
    channel: 'online',
    status: withAward ? 'approved' : 'checking-eligibility',
    submitted_at: now,
    updated_at: now,
    check_id: ids.check,
    ...(withAward && { award_id: ids.award }),
    effects: withAward ? ['check-requested', 'entitlement-calculated', 'approved'] : ['check-requested'],
    history: [],
  };
  const award: Award = {
    award_id: ids.award,
    application_id: ids.application,
    citizen_id: ids.citizen,
    benefit_type: 'jobseeker-support',
    status: 'active',
    entitlement: { amount: '184.20', currency: 'GBP' },
    frequency: 'fortnightly',
    start_date: '2025-04-07',
    end_date: null,
    awarded_at: now,
  };
  await db.transaction(async (tx) => {
    await db.records.put(tx, kinds.application, ids.application, app);
    await db.records.put(tx, kinds.check, ids.check, { application_id: ids.application });
    if (withAward) await db.records.put(tx, kinds.award, ids.award, award);
  });
  return ids;
}

/** The service's handler of `type`, inside the middleware the router gives it (fresh inbox group per call). */
function routed<T extends keyof ReplyHandlers>(type: T): ReplyHandlers[T] {
  const replies = createReplies(db, { pollMs: 60_000 });
  const dedupe = inbox(db.inbox, { group: `benefits-${randomUUID()}` });
  const commit = afterCommit();
  const handler = replyHandlers({
    db,
    replies,
    dedupe,
    commit,
    outbox: createOutbox({ store: db.outbox, source: '/humangov/benefits' }),
  })[type] as unknown as AnyHandler;
  return commit(dedupe(handler)) as unknown as ReplyHandlers[T];
}

/** Runs `handler`, then `check`: the pact is written only if both pass. */
const andThen =
  <E>(handler: Handler<E>, check: () => Promise<void>): Handler<E> =>
  async (event, context) => {
    await handler(event, context);
    await check();
  };

const reply = async (key: string) => (await db.records.get<Reply>(kinds.reply, key))?.value;
const historyOf = async (id: string) =>
  (await db.records.get<ApplicationRecord>(kinds.application, id))?.value.history.map((e) => e.event_type);

describe('benefits consumes from eligibility', () => {
  const pact = messagePact({ consumer: 'benefits', provider: 'eligibility' });

  for (const outcome of ['eligible', 'ineligible'] as const) {
    it(`eligibility.determined (${outcome}) answers the saga's check`, async () => {
      const ids = await waitingApplication(outcome, false);
      await pact
        .expectsEvent('eligibility.determined', {
          given: { name: 'a check requested by the benefits saga', params: { outcome } },
          scenario: outcome,
          data: {
            check_id: ids.check,
            application_id: ids.application,
            trigger: MatchersV3.equal('check-requested'),
            outcome: MatchersV3.equal(outcome),
            ...(outcome === 'ineligible' && {
              reasons: [
                { code: MatchersV3.regex(/^[A-Z][A-Z0-9_]{2,63}$/, 'INCOME_ABOVE_THRESHOLD'), rule_id: 'jsa.income' },
              ],
            }),
          },
        })
        .verify(
          andThen(routed('eligibility.determined'), async () => {
            expect(await reply(replyKey.determination(ids.check))).toMatchObject({ kind: 'determination', outcome });
            expect(await historyOf(ids.application)).toEqual(['eligibility.determined']);
          }),
        );
    });
  }
});

describe('benefits consumes from payments', () => {
  const pact = messagePact({ consumer: 'benefits', provider: 'payments' });

  it('payment.scheduled is added to the history; the application awaits its payment', async () => {
    const ids = await waitingApplication('scheduled', true);
    await pact.expectsEvent('payment.scheduled', { given: 'an approved award', data: { award_id: ids.award } }).verify(
      andThen(routed('payment.scheduled'), async () => {
        const app = await db.records.get<ApplicationRecord>(kinds.application, ids.application);
        expect(app?.value).toMatchObject({
          status: 'awaiting-payment',
          history: [{ event_type: 'payment.scheduled' }],
        });
      }),
    );
  });

  it('payment.disbursed completes the payment step', async () => {
    const ids = await waitingApplication('disbursed', true);
    await pact.expectsEvent('payment.disbursed', { given: 'an approved award', data: { award_id: ids.award } }).verify(
      andThen(routed('payment.disbursed'), async () => {
        expect(await reply(replyKey.payment(ids.award))).toMatchObject({ kind: 'disbursed' });
      }),
    );
  });

  it('payment.failed with retries_exhausted fails the payment step', async () => {
    const ids = await waitingApplication('failed', true);
    await pact
      .expectsEvent('payment.failed', {
        given: 'an approved award whose payment fails after its last retry',
        data: { award_id: ids.award, retries_exhausted: MatchersV3.equal(true) },
      })
      .verify(
        andThen(routed('payment.failed'), async () => {
          expect(await reply(replyKey.payment(ids.award))).toMatchObject({ kind: 'failed' });
        }),
      );
  });

  it('payment.cancelled (the answer to a revoked award) is added to the history', async () => {
    const ids = await waitingApplication('cancelled', true);
    await pact
      .expectsEvent('payment.cancelled', {
        given: 'a revoked award with a payment outstanding',
        data: { award_id: ids.award, reason: MatchersV3.equal('award-revoked') },
      })
      .verify(
        andThen(routed('payment.cancelled'), async () => {
          expect(await historyOf(ids.application)).toEqual(['payment.cancelled']);
        }),
      );
  });
});
