/**
 * Change of circumstances (DOMAIN.md process 2), benefits' part: a determination no saga asked for (eligibility's
 * re-evaluation of a citizen's active awards) suspends the awards it finds ineligible. The service on a memory
 * broker and SQLite; eligibility's re-evaluation published by hand, as eligibility publishes it.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { call, eventually, type Harness, startHarness, statusOf, submit } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** A paid application; resolves with its ids. */
async function paidAward(h: Harness) {
  const submitted = await submit(h);
  const paid = await statusOf(h, submitted.application_id, 'paid');
  return { applicationId: paid.application_id as string, citizenId: paid.citizen_id as string, awardId: paid.award_id };
}

/** eligibility.determined as eligibility publishes it after citizen.circumstances-changed: no check_id. */
function reevaluation(
  h: Harness,
  citizenId: string,
  awardIds: string[],
  outcome: 'eligible' | 'ineligible' | 'referred',
  options: { id?: string } = {},
) {
  const determinationId = randomUUID();
  const reasons = {
    eligible: [{ code: 'INCOME_WITHIN_THRESHOLD', rule_id: 'common.income.threshold' }],
    ineligible: [{ code: 'INCOME_ABOVE_THRESHOLD', rule_id: 'common.income.threshold' }],
    referred: [{ code: 'CURRENCY_NOT_SUPPORTED', rule_id: 'common.currency' }],
  }[outcome];
  const sent = h.asEligibility.publish(
    'eligibility.determined',
    {
      determination_id: determinationId,
      citizen_id: citizenId,
      award_ids: awardIds,
      benefit_type: 'jobseeker-support',
      trigger: 'circumstances-changed',
      outcome,
      reasons,
      rule_set_version: '2026.1.0',
      effective_date: '2026-03-01',
      determined_at: new Date().toISOString(),
    },
    options.id ? { id: options.id } : {},
  );
  return { determinationId, sent };
}

const ofType = (h: Harness, type: string, awardId: string) =>
  h.events.filter((e) => e.type === type && (e.data.award_id === awardId || hasParam(e.data, 'award_id', awardId)));
const hasParam = (data: Record<string, unknown>, name: string, value: string) =>
  Array.isArray(data.parameters) &&
  data.parameters.some((p: { name: string; value: string }) => p.name === name && p.value === value);

describe('change of circumstances: suspension', () => {
  it('a negative re-evaluation suspends the active award: award record, benefit.suspended and a letter', async () => {
    h = await startHarness();
    const { applicationId, citizenId, awardId } = await paidAward(h);
    const { determinationId, sent } = reevaluation(h, citizenId, [awardId], 'ineligible');
    const determination = await sent;

    const suspended = await eventually(() => ofType(h, 'benefit.suspended', awardId)[0], 'benefit.suspended');
    expect(suspended.data).toEqual({
      award_id: awardId,
      application_id: applicationId,
      citizen_id: citizenId,
      reason: 'no-longer-eligible',
      determination_id: determinationId,
      suspended_from: '2026-03-01',
      suspended_at: expect.any(String),
    });
    expect(suspended.causationid).toBe(determination.id);

    const award = await call(h.service, 'GET', `/awards/${awardId}`);
    expect(award.body).toMatchObject({ award_id: awardId, status: 'suspended', suspended_from: '2026-03-01' });
    const listed = await call(h.service, 'GET', `/awards?status=suspended&citizen_id=${citizenId}`);
    expect(listed.body.items.map((a: { award_id: string }) => a.award_id)).toEqual([awardId]);
    expect(await h.service.awards()).toEqual({ active: 0, suspended: 1, revoked: 0, ended: 0 });

    const letter = await eventually(
      () => ofType(h, 'notification.requested', awardId).find((e) => e.data.template_id === 'benefit-suspended'),
      'the suspension letter',
    );
    expect(letter.data).toMatchObject({
      citizen_id: citizenId,
      channel: 'email',
      requested_by: 'benefits',
      application_id: applicationId,
    });
    expect(letter.data.parameters).toContainEqual({ name: 'reasons', value: 'INCOME_ABOVE_THRESHOLD' });
    // The application itself was paid and stays so: the award carries the suspension.
    expect((await call(h.service, 'GET', `/applications/${applicationId}`)).body.status).toBe('paid');
  });

  it('suspends once: a redelivered determination, and a later negative one, publish nothing more', async () => {
    h = await startHarness();
    const { citizenId, awardId } = await paidAward(h);
    const id = randomUUID();
    await reevaluation(h, citizenId, [awardId], 'ineligible', { id }).sent;
    await reevaluation(h, citizenId, [awardId], 'ineligible', { id }).sent; // the same event again
    await eventually(() => ofType(h, 'benefit.suspended', awardId)[0], 'benefit.suspended');
    const later = reevaluation(h, citizenId, [awardId], 'ineligible');
    await later.sent;
    // Determinations of one citizen share a partition: once this one is handled, the ones before it were.
    const other = await paidAward(h);
    await reevaluation(h, other.citizenId, [other.awardId], 'ineligible').sent;
    await eventually(() => ofType(h, 'benefit.suspended', other.awardId)[0], 'the other suspension');

    expect(ofType(h, 'benefit.suspended', awardId)).toHaveLength(1);
    expect(
      ofType(h, 'notification.requested', awardId).filter((e) => e.data.template_id === 'benefit-suspended'),
    ).toHaveLength(1);
    expect(ofType(h, 'benefit.suspended', awardId)[0]!.data.determination_id).not.toBe(later.determinationId);
  });

  it('an eligible or referred re-evaluation, or one naming an award of another citizen, suspends nothing', async () => {
    h = await startHarness();
    const mine = await paidAward(h);
    const theirs = await paidAward(h);
    await reevaluation(h, mine.citizenId, [mine.awardId], 'eligible').sent;
    await reevaluation(h, mine.citizenId, [mine.awardId], 'referred').sent;
    await reevaluation(h, mine.citizenId, [theirs.awardId, randomUUID()], 'ineligible').sent;
    // Handled in order after the three above (same citizen, same partition): a marker that they were handled.
    const marker = reevaluation(h, mine.citizenId, [mine.awardId], 'ineligible');
    await marker.sent;
    const suspended = await eventually(() => ofType(h, 'benefit.suspended', mine.awardId)[0], 'the marker');
    expect(suspended.data.determination_id).toBe(marker.determinationId);
    expect(h.events.filter((e) => e.type === 'benefit.suspended')).toHaveLength(1);
    expect((await call(h.service, 'GET', `/awards/${theirs.awardId}`)).body.status).toBe('active');
  });
});
