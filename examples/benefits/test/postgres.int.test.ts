/**
 * The service on PostgreSQL (the demo's `--db postgres`): there, transactions run concurrently, so the reply
 * handlers (payment.scheduled and payment.disbursed arrive on two channels at once) and the saga's own writes race
 * on one application; the row lock of each read-modify-write keeps every update. (Without the locks, the first
 * test here lost a history entry or the `paid` status in two runs out of three.)
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { application, call, eventsOf, eventually, type Harness, startHarness, statusOf, submit } from './harness.js';

const url = process.env.DATABASE_URL ?? 'postgres://humangov:humangov@127.0.0.1:5432/humangov';
// One fixed set of tables (the suite cannot drop them); every run adds new applications.
const database = { kind: 'postgres', url, prefix: 'humangov_example_benefits_it_' } as const;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, { database });
});
afterAll(async () => {
  await h.close();
});

describe('benefits on PostgreSQL', () => {
  it('pays, and fails with compensation, for applications running at once', async () => {
    const failing = randomUUID();
    h.payments.set(failing, 'fail');
    const ok = await Promise.all(Array.from({ length: 4 }, () => submit(h)));
    const failed = await submit(h, failing);
    for (const app of ok) {
      const done = await statusOf(h, app.application_id, 'paid');
      // payment.scheduled and payment.disbursed are handled concurrently: both entries must survive.
      const full = await eventually(async () => {
        const r = await call(h.service, 'GET', `/applications/${app.application_id}`);
        return r.body.history.length === 8 ? r.body : undefined;
      }, 'eight history entries');
      expect(full.history.map((e: { event_type: string }) => e.event_type)).toContain('payment.scheduled');
      expect(done.history.map((e: { sequence: number }) => e.sequence)).toEqual(
        done.history.map((_: unknown, i: number) => i + 1),
      );
    }
    const done = await statusOf(h, failed.application_id, 'failed');
    expect((await call(h.service, 'GET', `/awards/${done.award_id}`)).body.status).toBe('revoked');
    await eventually(
      () => eventsOf(h, failed.application_id).find((e) => e.type === 'notification.requested'),
      'the failure letter',
    );
  });

  it('two racing retries of one submission (same Idempotency-Key) make one application', async () => {
    const key = randomUUID();
    const body = application();
    const replies = await Promise.all(
      Array.from({ length: 3 }, () => call(h.service, 'POST', '/applications', { body, key })),
    );
    expect(replies.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(new Set(replies.map((r) => r.body.application_id)).size).toBe(1);
    await statusOf(h, replies[0]!.body.application_id, 'paid');
    const mine = await call(h.service, 'GET', `/citizens/${body.citizen_id}/applications`);
    expect(mine.body.items).toHaveLength(1);
  });

  it('resumes after a restart on the same database', async () => {
    const citizen = randomUUID();
    h.payments.set(citizen, 'hold');
    const { application_id: id } = await submit(h, citizen);
    await eventually(async () => {
      const r = await call(h.service, 'GET', `/applications/${id}`);
      return r.body.status === 'awaiting-payment' ? true : undefined;
    }, 'awaiting-payment');
    await h.down();
    await h.release();
    await h.up();
    await statusOf(h, id, 'paid');
  });
});
