/**
 * The application saga end to end: the service on a memory broker and SQLite, eligibility and payments simulated
 * on the same broker. What a citizen and the other services would notice: statuses, events, letters, awards.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { call, eventsOf, eventually, type Harness, startHarness, statusOf, submit } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const types = (events: readonly { type: string }[]) => events.map((e) => e.type);
const transitionsOf = (h: Harness, id: string) =>
  eventsOf(h, id)
    .filter((e) => e.type === 'benefit.saga-transitioned')
    .sort((a, b) => Number(a.data.saga_version) - Number(b.data.saga_version));

describe('benefit application saga', () => {
  it('approves, pays and notifies; every transition is a benefit.saga-transitioned event', async () => {
    h = await startHarness();
    const submitted = await submit(h);
    expect(submitted).toMatchObject({ status: expect.any(String), saga: { saga_id: submitted.application_id } });
    await statusOf(h, submitted.application_id, 'paid');
    // payment.scheduled and payment.disbursed travel on two channels: either may be handled first.
    const done = await eventually(async () => {
      const r = await call(h.service, 'GET', `/applications/${submitted.application_id}`);
      return r.body.history.length === 8 ? r.body : undefined;
    }, 'eight history entries');
    const history: string[] = done.history.map((e: { event_type: string }) => e.event_type);
    expect(history.filter((t) => !t.startsWith('payment.'))).toEqual([
      'benefit.application-submitted',
      'eligibility.check-requested',
      'eligibility.determined',
      'benefit.entitlement-calculated',
      'benefit.application-approved',
      'notification.requested',
    ]);
    expect(history).toContain('payment.scheduled');
    expect(history.indexOf('payment.disbursed')).toBe(history.indexOf('notification.requested') - 1);
    expect(done.history.map((e: { sequence: number }) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(done.saga).toMatchObject({ current_step: 'completed', step_deadline: null, compensating: false });

    const notification = await eventually(
      () => eventsOf(h, submitted.application_id).find((e) => e.type === 'notification.requested'),
      'the approval letter',
    );
    expect(notification.data).toMatchObject({
      template_id: 'benefit-approved',
      channel: 'email',
      requested_by: 'benefits',
    });
    expect(notification.data).not.toHaveProperty('address');

    const award = await call(h.service, 'GET', `/awards/${done.award_id}`);
    expect(award.body).toMatchObject({
      application_id: submitted.application_id,
      status: 'active',
      entitlement: { amount: '184.20', currency: 'GBP' },
      frequency: 'fortnightly',
    });

    const transitions = await eventually(() => {
      const t = transitionsOf(h, submitted.application_id);
      return t.length === 6 ? t : undefined;
    }, 'six saga transitions');
    expect(transitions.map((t) => [t.data.saga_version, t.data.kind, t.data.step ?? null])).toEqual([
      [1, 'started', null],
      [2, 'step-completed', 'eligibility-check'],
      [3, 'step-completed', 'entitlement-calculation'],
      [4, 'step-completed', 'approval'],
      [5, 'step-completed', 'payment'],
      [6, 'step-completed', 'notification'],
    ]);
    expect(transitions[5]!.id).toBe(`saga:${submitted.application_id}:6`);
    expect(await h.service.summary()).toMatchObject({ paid: 1, failed: 0, rejected: 0 });
  });

  it('an ineligible applicant is rejected with the reasons and told so; no award is made', async () => {
    h = await startHarness();
    const citizen = randomUUID();
    h.eligibility.set(citizen, 'ineligible');
    const { application_id: id } = await submit(h, citizen);
    const done = await statusOf(h, id, 'rejected');

    expect(done.history.map((e: { event_type: string }) => e.event_type)).toEqual([
      'benefit.application-submitted',
      'eligibility.check-requested',
      'eligibility.determined',
      'benefit.application-rejected',
      'notification.requested',
    ]);
    const events = await eventually(() => {
      const e = eventsOf(h, id);
      const seen = new Set(e.map((x) => x.type));
      return seen.has('notification.requested') && seen.has('benefit.application-rejected') ? e : undefined;
    }, 'the rejection and its letter');
    expect(events.find((e) => e.type === 'benefit.application-rejected')?.data).toMatchObject({
      reason_codes: ['INCOME_ABOVE_THRESHOLD'],
      rule_set_version: '2025.4.0',
    });
    expect(events.find((e) => e.type === 'notification.requested')?.data).toMatchObject({
      template_id: 'benefit-rejected',
    });
    expect(types(events)).not.toContain('benefit.application-approved');
    expect(done).not.toHaveProperty('award_id');
    expect((await call(h.service, 'GET', `/awards?citizen_id=${citizen}`)).body.items).toEqual([]);
  });

  it('a payment failed after its retries revokes the award, the application fails and the citizen is told', async () => {
    h = await startHarness();
    const citizen = randomUUID();
    h.payments.set(citizen, 'fail');
    const { application_id: id } = await submit(h, citizen);
    const done = await statusOf(h, id, 'failed');

    // payment.* events travel on their own channels, in no order relative to each other: leave them aside.
    const history = done.history
      .map((e: { event_type: string; step: string }) => `${e.event_type}/${e.step}`)
      .filter((e: string) => !e.startsWith('payment.'));
    expect(history).toEqual([
      'benefit.application-submitted/submission',
      'eligibility.check-requested/eligibility-check',
      'eligibility.determined/eligibility-check',
      'benefit.entitlement-calculated/entitlement-calculation',
      'benefit.application-approved/approval',
      'benefit.saga-transitioned/payment',
      'benefit.award-revoked/compensation',
      'notification.requested/notification',
    ]);
    expect(done.saga).toMatchObject({ current_step: 'completed', compensating: false });

    const transitions = await eventually(() => {
      const t = transitionsOf(h, id);
      return t.length === 6 ? t : undefined;
    }, 'six saga transitions');
    expect(transitions.slice(3).map((t) => [t.data.kind, t.data.step, t.data.to])).toEqual([
      ['step-completed', 'approval', { status: 'running', step: 'payment' }],
      ['step-failed', 'payment', { status: 'compensating', step: 'approval' }],
      ['step-compensated', 'approval', { status: 'failed' }],
    ]);
    expect(transitions[4]!.data).toMatchObject({ error: { code: 'BENEFITS_PAYMENT_FAILED' } });

    // Reverse order across the two owners: benefits revokes the award, then payments cancels the payment.
    const events = await eventually(() => {
      const e = eventsOf(h, id);
      const seen = new Set(e.map((x) => x.type));
      return seen.has('payment.cancelled') && seen.has('benefit.award-revoked') && seen.has('notification.requested')
        ? e
        : undefined;
    }, 'the compensations and the letter');
    const revoked = events.find((e) => e.type === 'benefit.award-revoked')!;
    expect(events.find((e) => e.type === 'payment.cancelled')?.causationid).toBe(revoked.id);
    expect(revoked.data).toMatchObject({
      reason: 'payment-failed',
      failed_payment_id: events.find((e) => e.type === 'payment.failed')?.data.payment_id,
    });
    expect(events.find((e) => e.type === 'notification.requested')?.data).toMatchObject({
      template_id: 'benefit-application-failed',
    });
    expect(types(events)).not.toContain('payment.disbursed');
    expect((await call(h.service, 'GET', `/awards/${done.award_id}`)).body.status).toBe('revoked');
    const final = await eventually(async () => {
      const r = await call(h.service, 'GET', `/applications/${id}`);
      return r.body.history.some((e: { event_type: string }) => e.event_type === 'payment.cancelled')
        ? r.body
        : undefined;
    }, 'payment.cancelled in the history');
    expect(final.status).toBe('failed');
    expect(final.history.filter((e: { event_type: string }) => e.event_type === 'payment.failed')).toHaveLength(2);
  });

  it('a payment that never comes times the step out: the award is revoked and the application fails', async () => {
    h = await startHarness({ stepTimeoutMs: 1_500 });
    const citizen = randomUUID();
    h.payments.set(citizen, 'silent');
    const { application_id: id } = await submit(h, citizen);
    const done = await statusOf(h, id, 'failed');

    const history = done.history
      .map((e: { event_type: string; step: string }) => `${e.event_type}/${e.step}`)
      .filter((e: string) => !e.startsWith('payment.'));
    expect(history.slice(-3)).toEqual([
      'benefit.saga-transitioned/payment',
      'benefit.award-revoked/compensation',
      'notification.requested/notification',
    ]);
    const timedOut = await eventually(
      () => transitionsOf(h, id).find((t) => t.data.kind === 'step-timed-out'),
      'the timeout transition',
    );
    expect(timedOut.data).toMatchObject({
      step: 'payment',
      to: { status: 'compensating', step: 'approval' },
      error: { error_type: 'TimeoutError' },
    });
    expect((await call(h.service, 'GET', `/awards/${done.award_id}`)).body.status).toBe('revoked');
  });

  it('an eligibility check that is never answered times out: nothing to undo, the application fails, the citizen is told', async () => {
    h = await startHarness({ stepTimeoutMs: 1_000 });
    const citizen = randomUUID();
    h.eligibility.set(citizen, 'silent');
    const { application_id: id } = await submit(h, citizen);
    const done = await statusOf(h, id, 'failed');
    expect(done.history.map((e: { event_type: string; step: string }) => `${e.event_type}/${e.step}`)).toEqual([
      'benefit.application-submitted/submission',
      'eligibility.check-requested/eligibility-check',
      'benefit.saga-transitioned/eligibility-check',
      'notification.requested/notification',
    ]);
    expect(done).not.toHaveProperty('award_id');
    const transitions = await eventually(() => {
      const t = transitionsOf(h, id);
      return t.length === 2 ? t : undefined;
    }, 'two saga transitions');
    expect(transitions[1]!.data).toMatchObject({ kind: 'step-timed-out', to: { status: 'failed' } });
  });

  it('shows a running saga: its step, deadline and history so far', async () => {
    h = await startHarness();
    const citizen = randomUUID();
    h.payments.set(citizen, 'hold');
    const { application_id: id } = await submit(h, citizen);
    const waiting = await eventually(async () => {
      const r = await call(h.service, 'GET', `/applications/${id}`);
      return r.body.status === 'awaiting-payment' ? r.body : undefined;
    }, 'awaiting-payment');
    expect(waiting.saga).toMatchObject({ saga_id: id, current_step: 'payment', step_attempt: 1, compensating: false });
    expect(Date.parse(waiting.saga.step_deadline) - Date.parse(waiting.saga.step_started_at)).toBe(600_000);
    expect(waiting.history.at(-1)).toMatchObject({
      event_type: 'payment.scheduled',
      step: 'payment',
      status: 'awaiting-payment',
    });
    await h.release();
    await statusOf(h, id, 'paid');
  });
});
