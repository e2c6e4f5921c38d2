/**
 * Eligibility's consumer pacts: what it expects citizen-registry and benefits to publish, each expectation checked
 * against the handler the service routes (`createHandlers`), in a transaction of a real database, as the inbox
 * runs it. Pact files go to the repository's `pacts/` folder; the providers verify them.
 */
import { randomUUID } from 'node:crypto';
import { type CloudEvent, type EventMap, upcast } from '@humangov/events';
import { createOutbox } from '@humangov/sdk';
import { messagePact } from '@humangov/testing/pact';
import type { Tx } from '@humangov-examples/kit';
import { createTestContext, type TestContext } from '@humangov-examples/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers, type EligibilityHandlers } from '../src/handlers.js';
import { ELIGIBILITY_SOURCE, startEligibility } from '../src/index.js';

let context: TestContext;
let on: EligibilityHandlers;
const inTx = (fn: (tx: Tx) => Promise<void>) => context.db.transaction(fn);
/** What eligibility holds of a citizen (read through the running service's own query). */
let projection: (citizenId: string) => Promise<unknown>;
let closeService: () => Promise<void>;

beforeAll(async () => {
  context = await createTestContext('eligibility-pact');
  on = createHandlers({
    records: context.db.records,
    outbox: createOutbox<EventMap, Tx>({ store: context.db.outbox, source: ELIGIBILITY_SOURCE }),
    log: () => {},
  });
  const service = await startEligibility(context);
  projection = (id) => service.citizen(id);
  closeService = () => service.close();
});
afterAll(async () => {
  await closeService();
  await context.dispose();
});

/** The event at `version` 2, as the router hands a v1 to a handler that declares v2. */
function toV2<E extends CloudEvent>(event: E) {
  const result = upcast(event as never, 2 as never);
  if (result.issues) throw new Error(result.issues.map((i) => i.message).join('; '));
  return result.value as never;
}

const seedCircumstances = (citizen_id: string) =>
  inTx((tx) =>
    on.circumstancesChanged(
      {
        data: {
          citizen_id,
          status: 'unemployed',
          household_size: 1,
          monthly_income: '100.00',
          currency: 'GBP',
          effective_date: '2026-01-01',
          changed_at: '2026-01-01T00:00:00Z',
        },
        correlationid: randomUUID(),
      } as never,
      tx,
    ),
  );

describe('eligibility consumes from citizen-registry', () => {
  const registry = messagePact({ consumer: 'eligibility', provider: 'citizen-registry' });

  it('citizen.registered v2', async () => {
    await registry.expectsEvent('citizen.registered', { version: 2 }).verify(async (event) => {
      await inTx((tx) => on.registered(event, tx));
      expect(await projection(event.data.citizen_id)).toMatchObject({ registered_at: event.data.registered_at });
    });
  });

  it('citizen.registered v1, upcast to v2 as the router does', async () => {
    await registry.expectsEvent('citizen.registered', { version: 1 }).verify(async (event) => {
      await inTx((tx) => on.registered(toV2(event), tx));
      expect(await projection(event.data.citizen_id)).toMatchObject({ registered_at: event.data.registered_at });
    });
  });

  it('citizen.circumstances-changed v2 and v1', async () => {
    await registry.expectsEvent('citizen.circumstances-changed', { version: 2 }).verify(async (event) => {
      await inTx((tx) => on.circumstancesChanged(event, tx));
      expect(await projection(event.data.citizen_id)).toMatchObject({ circumstances: { status: event.data.status } });
    });
    await registry.expectsEvent('citizen.circumstances-changed', { version: 1 }).verify(async (event) => {
      await inTx((tx) => on.circumstancesChanged(toV2(event), tx));
      expect(await projection(event.data.citizen_id)).toMatchObject({ changed_at: expect.any(String) });
    });
  });

  it('citizen.erasure-requested', async () => {
    await registry.expectsEvent('citizen.erasure-requested').verify(async (event) => {
      await inTx((tx) => on.erasureRequested(event, tx));
      expect(await projection(event.data.citizen_id)).toEqual({ citizen_id: event.data.citizen_id, erased: true });
    });
  });
});

describe('eligibility consumes from benefits', () => {
  const benefits = messagePact({ consumer: 'eligibility', provider: 'benefits' });

  it('eligibility.check-requested: answered with a determination', async () => {
    await benefits.expectsEvent('eligibility.check-requested').verify(async (event) => {
      await seedCircumstances(event.data.citizen_id);
      const before = (await context.db.outbox.lag()).pending;
      await inTx((tx) => on.checkRequested(event, tx));
      expect((await context.db.outbox.lag()).pending).toBe(before + 1);
    });
  });

  it('benefit.application-approved and benefit.award-revoked: the active awards', async () => {
    let citizen = '';
    await benefits.expectsEvent('benefit.application-approved').verify(async (event) => {
      citizen = event.data.citizen_id;
      await inTx((tx) => on.applicationApproved(event, tx));
    });
    expect(citizen).not.toBe('');
    await benefits.expectsEvent('benefit.award-revoked').verify(async (event) => {
      await inTx((tx) => on.awardRevoked(event, tx));
    });
  });
});
