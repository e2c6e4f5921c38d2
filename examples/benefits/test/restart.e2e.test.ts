/**
 * A crash mid-saga: the service is closed (and its database connection with it) while a step waits for a reply,
 * the reply arrives while no process runs, and a new process on the same SQLite file resumes the saga to its end
 * without sending anything twice.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { application, call, eventsOf, eventually, type Harness, startHarness, statusOf, submit } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const count = (h: Harness, id: string, type: string) => {
  const events = eventsOf(h, id).filter((e) => e.type === type);
  return { events: events.length, ids: new Set(events.map((e) => e.id)).size };
};

describe('restart', () => {
  it('resumes a saga waiting for its payment; the payment came while the service was down', async () => {
    h = await startHarness();
    const citizen = randomUUID();
    h.payments.set(citizen, 'hold');
    const { application_id: id } = await submit(h, citizen);
    await eventually(async () => {
      const r = await call(h.service, 'GET', `/applications/${id}`);
      return r.body.saga.current_step === 'payment' && r.body.status === 'awaiting-payment' ? true : undefined;
    }, 'the payment step');

    await h.down();
    await h.release(); // payments answers while no benefits process runs
    await h.up();

    const done = await statusOf(h, id, 'paid');
    expect(done.history.filter((e: { event_type: string }) => e.event_type === 'notification.requested')).toHaveLength(
      1,
    );
    await eventually(() => (count(h, id, 'notification.requested').events ? true : undefined), 'the letter');
    await eventually(() => (count(h, id, 'benefit.application-approved').events ? true : undefined), 'the approval');
    for (const type of [
      'benefit.application-submitted',
      'eligibility.check-requested',
      'benefit.entitlement-calculated',
      'benefit.application-approved',
      'notification.requested',
    ]) {
      expect({ type, ...count(h, id, type) }).toEqual({ type, events: 1, ids: 1 });
    }
    const versions = await eventually(() => {
      const v = eventsOf(h, id)
        .filter((e) => e.type === 'benefit.saga-transitioned')
        .map((e) => Number(e.data.saga_version));
      return v.includes(6) ? v : undefined;
    }, 'the last transition');
    expect(versions.sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await call(h.service, 'GET', `/awards?citizen_id=${citizen}`)).body.items).toHaveLength(1);
  });

  it('resumes a saga waiting for eligibility without asking again', async () => {
    h = await startHarness();
    const citizen = randomUUID();
    h.eligibility.set(citizen, 'hold');
    const { application_id: id } = await submit(h, citizen);
    await eventually(() => eventsOf(h, id).find((e) => e.type === 'eligibility.check-requested'), 'the check');

    await h.restart();
    await h.release();
    const done = await statusOf(h, id, 'paid');
    expect(done.history.map((e: { event_type: string }) => e.event_type)).toContain('eligibility.determined');
    await eventually(() => eventsOf(h, id).find((e) => e.type === 'notification.requested'), 'the letter');
    expect(count(h, id, 'eligibility.check-requested')).toEqual({ events: 1, ids: 1 });
  });

  it('two processes share the work: a reply handled by one completes a step waiting in the other', async () => {
    h = await startHarness();
    const second = await h.another({ replyPollMs: 20 });
    try {
      // Both routers are members of the 'benefits' group: replies go to either, sagas run where submitted.
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const reply = await call(i % 2 === 0 ? h.service : second.service, 'POST', '/applications', {
          body: application(),
          key: randomUUID(),
        });
        ids.push(reply.body.application_id);
      }
      for (const id of ids) await statusOf(h, id, 'paid');
      for (const id of ids) {
        await eventually(() => (count(h, id, 'notification.requested').events ? true : undefined), 'the letter');
        expect(count(h, id, 'benefit.application-approved')).toEqual({ events: 1, ids: 1 });
      }
    } finally {
      await second.close();
    }
  });
});
