import { randomUUID } from 'node:crypto';
import { createEvent, type EventMap } from '@humangov/events';
import { createPublisher, type Publisher, toTransportMessage } from '@humangov/sdk';
import { createTransport } from '@humangov-examples/kit';
import { createTestContext, listen, type TestContext, until } from '@humangov-examples/kit/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEligibility, startEligibility } from '../src/index.js';

let context: TestContext;
let eligibility: RunningEligibility;
let publisher: Publisher<EventMap>;
let listener: Awaited<ReturnType<typeof listen>>;

beforeEach(async () => {
  context = await createTestContext('eligibility');
  eligibility = await startEligibility(context, { relayPollMs: 20 });
  publisher = createPublisher({
    transport: createTransport({ kind: 'memory', broker: context.broker }, 'others'),
    source: '/test/others',
  });
  listener = await listen(context.broker);
});
afterEach(async () => {
  await listener.close();
  await eligibility.close();
  await context.dispose();
});

const at = '2026-03-01T10:00:00Z';
const circumstances = (citizen_id: string, over: Record<string, unknown> = {}) => ({
  citizen_id,
  status: 'unemployed' as const,
  household_size: 2,
  monthly_income: '600.00',
  currency: 'GBP',
  effective_date: '2026-03-01',
  changed_at: at,
  ...over,
});
const check = (citizen_id: string) => ({
  check_id: randomUUID(),
  application_id: randomUUID(),
  citizen_id,
  benefit_type: 'jobseeker-support' as const,
  reply_by: '2026-03-02T10:00:00Z',
  requested_at: at,
});
const determinations = () => listener.of('eligibility.determined').map((s) => s.event.data as Record<string, unknown>);
const answerTo = (checkId: string) => until(() => determinations().find((d) => d.check_id === checkId));

describe('eligibility', () => {
  it('projects a v2 registration and answers a check with a determination', async () => {
    const citizen_id = randomUUID();
    await publisher.publish('citizen.registered', {
      citizen_id,
      given_name: 'Amara',
      family_name: 'Okafor',
      date_of_birth: '1988-11-02',
      registered_at: at,
    });
    await publisher.publish('citizen.circumstances-changed', circumstances(citizen_id));
    const request = check(citizen_id);
    await publisher.publish('eligibility.check-requested', request);
    const determined = await answerTo(request.check_id);
    expect(determined).toMatchObject({
      citizen_id,
      application_id: request.application_id,
      trigger: 'check-requested',
      outcome: 'eligible',
      rule_set_version: '2026.1.0',
    });
    const projection = await until(() => eligibility.citizen(citizen_id).then((p) => p?.registered_at && p));
    expect(projection).toMatchObject({ citizen_id, registered_at: at, circumstances: { household_size: 2 } });
    expect(JSON.stringify(projection)).not.toContain('Okafor'); // no names in eligibility's store
  });

  it('projects a v1 registration (upcast to v2) and v1 circumstances, and answers the same way', async () => {
    const citizen_id = randomUUID();
    await publisher.publish(
      'citizen.registered',
      { citizen_id, name: 'Tomasz Nowak', date_of_birth: '1951-02-17', registered_at: at },
      { version: 1 },
    );
    const { effective_date: _, ...v1 } = circumstances(citizen_id, { monthly_income: '5000.00' });
    await publisher.publish('citizen.circumstances-changed', v1, { version: 1 });
    const request = check(citizen_id);
    await publisher.publish('eligibility.check-requested', request);
    const determined = await answerTo(request.check_id);
    expect(determined).toMatchObject({ outcome: 'ineligible', reasons: [{ code: 'INCOME_ABOVE_THRESHOLD' }] });
    const projection = await until(() => eligibility.citizen(citizen_id).then((p) => p?.registered_at && p));
    // The v1 change had no effective date: the upcaster took the day it was recorded.
    expect(projection.circumstances?.effective_date).toBe(new Date().toISOString().slice(0, 10));
  });

  it('parks a check for a citizen it has not seen and answers it when the circumstances arrive', async () => {
    const citizen_id = randomUUID();
    const request = check(citizen_id);
    await publisher.publish('eligibility.check-requested', request);
    await until(async () => (await eligibility.parkedChecks(citizen_id)) === 1);
    expect(determinations()).toEqual([]);
    await publisher.publish('citizen.circumstances-changed', circumstances(citizen_id));
    expect(await answerTo(request.check_id)).toMatchObject({ outcome: 'eligible', trigger: 'check-requested' });
    expect(await eligibility.parkedChecks(citizen_id)).toBe(0);
  });

  it('re-evaluates active awards on a change of circumstances: ineligible, so benefits suspends', async () => {
    const citizen_id = randomUUID();
    const award_id = randomUUID();
    await publisher.publish('citizen.circumstances-changed', circumstances(citizen_id));
    await publisher.publish('benefit.application-approved', {
      application_id: randomUUID(),
      citizen_id,
      award_id,
      benefit_type: 'jobseeker-support',
      entitlement: { amount: '90.00', currency: 'GBP' },
      frequency: 'weekly',
      award_start_date: '2026-03-01',
      approved_at: at,
    });
    await until(async () => (await eligibility.awards(citizen_id)).length === 1);
    await publisher.publish(
      'citizen.circumstances-changed',
      circumstances(citizen_id, {
        status: 'employed',
        monthly_income: '2400.00',
        effective_date: '2026-06-01',
        changed_at: '2026-06-03T08:45:00Z',
      }),
    );
    const reevaluated = await until(() => determinations().find((d) => d.trigger === 'circumstances-changed'));
    expect(reevaluated).toMatchObject({
      citizen_id,
      award_ids: [award_id],
      benefit_type: 'jobseeker-support',
      outcome: 'ineligible',
      effective_date: '2026-06-01',
      reasons: [{ code: 'INCOME_ABOVE_THRESHOLD' }],
    });

    // Once the award is suspended, a further change re-evaluates nothing.
    await publisher.publish('benefit.suspended', {
      award_id,
      application_id: randomUUID(),
      citizen_id,
      reason: 'no-longer-eligible',
      suspended_from: '2026-06-01',
      suspended_at: '2026-06-03T09:00:00Z',
    });
    await until(async () => (await eligibility.awards(citizen_id)).length === 0);
    await publisher.publish(
      'citizen.circumstances-changed',
      circumstances(citizen_id, { household_size: 5, changed_at: '2026-07-01T08:00:00Z' }),
    );
    await until(async () => (await eligibility.citizen(citizen_id))?.circumstances?.household_size === 5);
    // A check published after that change was applied is answered after anything the change published (same key).
    const fence = check(citizen_id);
    await publisher.publish('eligibility.check-requested', fence);
    await answerTo(fence.check_id);
    expect(determinations().filter((d) => d.trigger === 'circumstances-changed')).toHaveLength(1);
  });

  it('applies a redelivered event once (inbox)', async () => {
    const citizen_id = randomUUID();
    await publisher.publish('citizen.circumstances-changed', circumstances(citizen_id));
    const event = createEvent('eligibility.check-requested', check(citizen_id), { source: '/test/benefits' });
    const transport = createTransport({ kind: 'memory', broker: context.broker }, 'redeliverer');
    const message = toTransportMessage(event, 'eligibility.check-requested');
    await transport.publish(message);
    await transport.publish(message);
    await answerTo(event.data.check_id);
    // A second, later check is the fence: by the time it is answered, a duplicate answer would have been seen.
    const fence = check(citizen_id);
    await publisher.publish('eligibility.check-requested', fence);
    await answerTo(fence.check_id);
    expect(determinations().filter((d) => d.check_id === event.data.check_id)).toHaveLength(1);
    await transport.close();
  });
});
