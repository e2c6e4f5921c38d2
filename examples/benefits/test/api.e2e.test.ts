/**
 * The HTTP API as a client sees it: Idempotency-Key semantics, scopes, problem+json, validation, withdrawal,
 * lists with cursors.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  application,
  call,
  eventsOf,
  eventually,
  type Harness,
  startHarness,
  statusOf,
  submit,
  token,
} from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('Idempotency-Key', () => {
  it('the same key and body give the same application, once; another body with that key is a 409', async () => {
    const key = randomUUID();
    const body = application();
    const first = await call(h.service, 'POST', '/applications', { body, key });
    const again = await call(h.service, 'POST', '/applications', { body, key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.application_id).toBe(first.body.application_id);
    expect(again.headers.get('location')).toBe(`/applications/${first.body.application_id}`);
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    const other = await call(h.service, 'POST', '/applications', {
      body: { ...body, benefit_type: 'housing-support' },
      key,
    });
    expect(other.status).toBe(409);
    expect(other.headers.get('content-type')).toBe('application/problem+json');
    expect(other.body).toMatchObject({ status: 409, detail: expect.stringContaining('Idempotency-Key') });

    await statusOf(h, first.body.application_id, 'paid');
    const submitted = eventsOf(h, first.body.application_id).filter((e) => e.type === 'benefit.application-submitted');
    expect(submitted).toHaveLength(1);
    const mine = await call(h.service, 'GET', `/citizens/${body.citizen_id}/applications`);
    expect(mine.body.items).toHaveLength(1);
  });

  it('a key is per caller: another subject with the same key makes its own application', async () => {
    const key = randomUUID();
    const body = application();
    const a = await call(h.service, 'POST', '/applications', { body, key });
    const b = await call(h.service, 'POST', '/applications', { body, key, token: token(undefined, 'caseworker-2') });
    expect(b.status).toBe(201);
    expect(b.body.application_id).not.toBe(a.body.application_id);
  });

  it('is required, and must look like a key', async () => {
    const missing = await call(h.service, 'POST', '/applications', { body: application() });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ pointer: 'Idempotency-Key', code: 'required' })]);
    const bad = await call(h.service, 'POST', '/applications', { body: application(), key: 'short' });
    expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: 'Idempotency-Key', code: 'pattern' })]);
  });
});

describe('access and validation', () => {
  it('needs a valid token with the operation scope', async () => {
    const none = await call(h.service, 'GET', '/awards', { token: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toBe('application/problem+json');
    const readOnly = await call(h.service, 'POST', '/applications', {
      body: application(),
      key: randomUUID(),
      token: token(['benefits:read']),
    });
    expect(readOnly.status).toBe(403);
    expect(readOnly.body.detail).toContain('benefits:apply');
    const cannotRead = await call(h.service, 'GET', '/awards', { token: token(['benefits:apply']) });
    expect(cannotRead.status).toBe(403);
  });

  it('reports every invalid member of a submission at once, and stores nothing', async () => {
    const total = async () => Object.values(await h.service.summary()).reduce((a, b) => a + b, 0);
    const before = await total();
    const reply = await call(h.service, 'POST', '/applications', {
      key: randomUUID(),
      body: {
        citizen_id: 'not-a-uuid',
        benefit_type: 'lottery',
        evidence_document_ids: ['x', 'x'],
        declaration_accepted: false,
        nickname: 'Ada',
      },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.type).toBe('https://problems.humangov.example/validation-failed');
    expect(reply.body.errors.map((e: { pointer: string; code: string }) => `${e.pointer} ${e.code}`).sort()).toEqual([
      '/benefit_type enum',
      '/citizen_id format',
      '/declaration_accepted const',
      '/evidence_document_ids uniqueItems',
      '/evidence_document_ids/0 format',
      '/evidence_document_ids/1 format',
      '/nickname additionalProperties',
    ]);
    expect(await total()).toBe(before);
  });

  it('answers 404 for unknown applications and awards, 400 for bad list parameters', async () => {
    expect((await call(h.service, 'GET', `/applications/${randomUUID()}`)).status).toBe(404);
    expect((await call(h.service, 'GET', '/applications/nope')).status).toBe(404);
    expect((await call(h.service, 'GET', `/awards/${randomUUID()}`)).body).toMatchObject({ status: 404 });
    const badLimit = await call(h.service, 'GET', '/awards?limit=0&status=gone');
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['limit', 'status']);
    expect((await call(h.service, 'GET', '/citizens/nope/applications')).status).toBe(400);
  });
});

describe('withdrawal', () => {
  it('stops a saga waiting for eligibility: withdrawn, benefit.application-withdrawn, nothing else sent', async () => {
    const citizen = randomUUID();
    h.eligibility.set(citizen, 'silent');
    const { application_id: id } = await submit(h, citizen);
    await eventually(
      () => eventsOf(h, id).find((e) => e.type === 'eligibility.check-requested'),
      'the eligibility check',
    );
    const key = randomUUID();
    const reply = await call(h.service, 'POST', `/applications/${id}/withdrawal`, {
      body: { reason: 'Found full-time work' },
      key,
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status: 'withdrawn', withdrawal_reason: 'Found full-time work' });
    const done = await statusOf(h, id, 'withdrawn');
    expect(done.history.at(-1)).toMatchObject({ event_type: 'benefit.application-withdrawn', step: 'completed' });

    const replay = await call(h.service, 'POST', `/applications/${id}/withdrawal`, {
      body: { reason: 'Found full-time work' },
      key,
    });
    expect(replay.status).toBe(200);
    const again = await call(h.service, 'POST', `/applications/${id}/withdrawal`, { body: {}, key: randomUUID() });
    expect(again.status).toBe(409);

    await eventually(() => eventsOf(h, id).find((e) => e.type === 'benefit.application-withdrawn'), 'the event');
    const sent = eventsOf(h, id).map((e) => e.type);
    expect(sent).not.toContain('notification.requested');
    expect(sent).not.toContain('benefit.entitlement-calculated');
  });

  it('refuses a decided application with 409', async () => {
    const { application_id: id } = await submit(h);
    await statusOf(h, id, 'paid');
    const reply = await call(h.service, 'POST', `/applications/${id}/withdrawal`, { body: {}, key: randomUUID() });
    expect(reply.status).toBe(409);
    expect(reply.body.detail).toContain('paid');
  });
});

describe('lists', () => {
  it("pages a citizen's applications newest first, filters by status, and lists awards", async () => {
    const citizen = randomUUID();
    h.eligibility.set(citizen, 'ineligible');
    const older = await submit(h, citizen);
    await statusOf(h, older.application_id, 'rejected');
    h.eligibility.set(citizen, 'eligible');
    const newer = await submit(h, citizen);
    await statusOf(h, newer.application_id, 'paid');

    const first = await call(h.service, 'GET', `/citizens/${citizen}/applications?limit=1`);
    expect(first.body.items.map((a: { application_id: string }) => a.application_id)).toEqual([newer.application_id]);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await call(
      h.service,
      'GET',
      `/citizens/${citizen}/applications?limit=1&cursor=${first.body.next_cursor}`,
    );
    expect(second.body).toEqual({
      items: [expect.objectContaining({ application_id: older.application_id })],
      next_cursor: null,
    });
    const rejected = await call(h.service, 'GET', `/citizens/${citizen}/applications?status=rejected`);
    expect(rejected.body.items.map((a: { status: string }) => a.status)).toEqual(['rejected']);

    const awards = await call(h.service, 'GET', `/awards?citizen_id=${citizen}&status=active`);
    expect(awards.body).toEqual({
      items: [expect.objectContaining({ application_id: newer.application_id, citizen_id: citizen, status: 'active' })],
      next_cursor: null,
    });
  });
});
