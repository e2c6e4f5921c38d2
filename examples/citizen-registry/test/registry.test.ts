import { randomUUID } from 'node:crypto';
import { type CitizenRegistryComponents, type CitizenRegistryPaths, createClient } from '@humangov/sdk';
import { issueToken } from '@humangov-examples/kit';
import { createTestContext, listen, type TestContext, TOKEN_SECRET, until } from '@humangov-examples/kit/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningCitizenRegistry, startCitizenRegistry } from '../src/index.js';

type Problem = CitizenRegistryComponents['schemas']['Problem'];
/** The problem+json of a response (the test fails elsewhere if there was no response at all). */
const problemOf = (result: { readonly error?: unknown }) => result.error as Problem | undefined;

const ALL = ['citizens:read', 'citizens:write', 'citizens:erase'];
const clientFor = (url: string, scopes = ALL) =>
  createClient<CitizenRegistryPaths>({
    baseUrl: url,
    token: () => issueToken(TOKEN_SECRET, 'caseworker-7', scopes),
    maxAttempts: 1,
  });

const amara = {
  given_name: 'Amara',
  family_name: 'Okafor',
  date_of_birth: '1988-11-02',
  national_identifier: 'QQ123456C',
  email: 'amara.okafor@example.org',
  address: { line1: '14 Elm Grove', locality: 'Northfield', postal_code: 'B31 2QX', country_code: 'GB' },
  circumstances: {
    status: 'unemployed' as const,
    household_size: 3,
    monthly_income: '420.00',
    currency: 'GBP',
    effective_date: '2025-03-01',
  },
};

let context: TestContext;
let registry: RunningCitizenRegistry;
let api: ReturnType<typeof clientFor>;

beforeEach(async () => {
  context = await createTestContext('citizen-registry');
  registry = await startCitizenRegistry(context, { relayPollMs: 20 });
  api = clientFor(registry.url);
});
afterEach(async () => {
  await registry.close();
  await context.dispose();
});

const register = (body: typeof amara | Record<string, unknown> = amara, key = randomUUID()) =>
  api.POST('/citizens', { params: { header: { 'Idempotency-Key': key } }, body: body as typeof amara });

describe('citizen registry API', () => {
  it('registers a citizen, answers with its ETag, and publishes citizen.registered v2 through the outbox', async () => {
    const listener = await listen(context.broker);
    const { data, response } = await register();
    expect(response?.status).toBe(201);
    expect(response?.headers.get('etag')).toBe('"1"');
    expect(response?.headers.get('location')).toBe(`/citizens/${data?.citizen_id}`);
    expect(data).toMatchObject({ given_name: 'Amara', status: 'active', version: 1 });

    const got = await api.GET('/citizens/{citizen_id}', { params: { path: { citizen_id: data!.citizen_id } } });
    expect(got.data).toEqual(data);

    const [registered] = await until(
      () => listener.of('citizen.registered').length > 0 && listener.of('citizen.registered'),
    );
    expect(registered?.wireVersion).toBe('2');
    expect(registered?.event.data).toMatchObject({
      citizen_id: data!.citizen_id,
      given_name: 'Amara',
      family_name: 'Okafor',
    });
    // Circumstances declared at registration are published too, so eligibility learns them.
    const [changed] = await until(
      () => listener.of('citizen.circumstances-changed').length > 0 && listener.of('citizen.circumstances-changed'),
    );
    expect(changed?.event.data).toMatchObject({
      citizen_id: data!.citizen_id,
      household_size: 3,
      effective_date: '2025-03-01',
    });
    expect(await context.db.outbox.lag()).toMatchObject({ pending: 0 });
    await listener.close();
  });

  it('answers a repeated Idempotency-Key with the first answer, and 409 when the body differs', async () => {
    const key = randomUUID();
    const first = await register(amara, key);
    const again = await register(amara, key);
    expect(again.data?.citizen_id).toBe(first.data?.citizen_id);
    const other = await register({ ...amara, given_name: 'Someone' }, key);
    expect(other.response?.status).toBe(409);
    const page = await api.GET('/citizens', {});
    expect(page.data?.items).toHaveLength(1);
    const missing = await api.POST('/citizens', { params: { header: {} as never }, body: amara });
    expect(missing.response?.status).toBe(400);
    expect(missing.error).toMatchObject({ errors: [{ pointer: 'Idempotency-Key', code: 'required' }] });
  });

  it('updates circumstances only with the current ETag: 412 for a stale one, 428 without If-Match', async () => {
    const listener = await listen(context.broker);
    const { data } = await register();
    const citizen_id = data!.citizen_id;
    const change = {
      status: 'employed' as const,
      household_size: 3,
      monthly_income: '1650.00',
      currency: 'GBP',
      effective_date: '2025-06-01',
    };
    const updated = await api.PUT('/citizens/{citizen_id}/circumstances', {
      params: { path: { citizen_id }, header: { 'If-Match': '"1"' } },
      body: change,
    });
    expect(updated.response?.status).toBe(200);
    expect(updated.response?.headers.get('etag')).toBe('"2"');
    expect(updated.data?.circumstances?.status).toBe('employed');

    const stale = await api.PUT('/citizens/{citizen_id}/circumstances', {
      params: { path: { citizen_id }, header: { 'If-Match': '"1"' } },
      body: { ...change, household_size: 4 },
    });
    expect(stale.response?.status).toBe(412);
    expect(stale.response?.headers.get('content-type')).toBe('application/problem+json');
    expect(stale.error).toMatchObject({ status: 412, title: 'Resource has changed' });
    const without = await api.PUT('/citizens/{citizen_id}/circumstances', {
      params: { path: { citizen_id }, header: {} as never },
      body: change,
    });
    expect(without.response?.status).toBe(428);

    const changes = await until(
      () => listener.of('citizen.circumstances-changed').length === 2 && listener.of('citizen.circumstances-changed'),
    );
    expect(changes[1]?.wireVersion).toBe('2');
    expect(changes[1]?.event.data).toMatchObject({
      status: 'employed',
      monthly_income: '1650.00',
      effective_date: '2025-06-01',
    });
    const current = await api.GET('/citizens/{citizen_id}', { params: { path: { citizen_id } } });
    expect(current.data?.circumstances?.household_size).toBe(3); // the stale update changed nothing
    await listener.close();
  });

  it('refuses a missing or bad token (401) and a token without the operation scope (403)', async () => {
    const { data } = await register();
    const citizen_id = data!.citizen_id;
    const anonymous = createClient<CitizenRegistryPaths>({ baseUrl: registry.url, maxAttempts: 1 });
    expect((await anonymous.GET('/citizens', {})).response?.status).toBe(401);
    const forged = createClient<CitizenRegistryPaths>({
      baseUrl: registry.url,
      token: () => issueToken('another-secret', 'x', ALL),
      maxAttempts: 1,
    });
    expect((await forged.GET('/citizens', {})).error).toMatchObject({ status: 401, detail: 'bad signature' });

    const reader = clientFor(registry.url, ['citizens:read']);
    expect((await reader.GET('/citizens/{citizen_id}', { params: { path: { citizen_id } } })).response?.status).toBe(
      200,
    );
    const refused = await reader.POST('/citizens', {
      params: { header: { 'Idempotency-Key': randomUUID() } },
      body: amara,
    });
    expect(refused.response?.status).toBe(403);
    expect(refused.error).toMatchObject({ detail: 'this operation needs the scope citizens:write' });
    const writer = clientFor(registry.url, ['citizens:read', 'citizens:write']);
    const erase = await writer.POST('/citizens/{citizen_id}/erasure-requests', {
      params: { path: { citizen_id }, header: { 'Idempotency-Key': randomUUID() } },
      body: { delete: false, reason: 'citizen-request' },
    });
    expect(erase.error).toMatchObject({ status: 403, detail: 'this operation needs the scope citizens:erase' });
  });

  it('answers 400 naming each invalid member', async () => {
    const { family_name: _, ...noFamilyName } = amara;
    const missing = await register({ ...noFamilyName, address: { ...amara.address, postal_code: 'X' } });
    expect(missing.response?.status).toBe(400);
    expect(missing.error).toMatchObject({
      status: 400,
      errors: [
        { pointer: '/family_name', code: 'required' },
        { pointer: '/address/postal_code', code: 'minLength' },
      ],
    });
    expect(problemOf(missing)?.detail).toContain('/family_name is required');
    const unknown = await register({ ...amara, nickname: 'Ami' });
    expect(problemOf(unknown)?.errors).toEqual([
      { pointer: '/nickname', detail: 'is not a member of this request', code: 'additionalProperties' },
    ]);
    const badId = await api.GET('/citizens/{citizen_id}', { params: { path: { citizen_id: 'not-a-uuid' } } });
    expect(problemOf(badId)?.errors?.[0]?.pointer).toBe('citizen_id');
    const badLimit = await api.GET('/citizens', { params: { query: { limit: 0 } } });
    expect(problemOf(badLimit)?.errors?.[0]).toMatchObject({ pointer: 'limit', code: 'minimum' });
    const notFound = await api.GET('/citizens/{citizen_id}', { params: { path: { citizen_id: randomUUID() } } });
    expect(notFound.response?.status).toBe(404);
  });

  it('lists citizens page by page with a cursor, and filters', async () => {
    for (let i = 0; i < 5; i++) {
      const status = i % 2 === 0 ? 'unemployed' : 'retired';
      await register({ ...amara, given_name: `Person${i}`, circumstances: { ...amara.circumstances, status } });
    }
    const ids: string[] = [];
    let cursor: string | undefined;
    const sizes: number[] = [];
    do {
      const page = await api.GET('/citizens', { params: { query: { limit: 2, ...(cursor && { cursor }) } } });
      sizes.push(page.data!.items.length);
      ids.push(...page.data!.items.map((c) => c.citizen_id));
      cursor = page.data!.next_cursor ?? undefined;
    } while (cursor);
    expect(sizes).toEqual([2, 2, 1]);
    expect(new Set(ids).size).toBe(5);

    const retired = await api.GET('/citizens', { params: { query: { employment_status: 'retired', limit: 1 } } });
    expect(retired.data?.items.map((c) => c.circumstances?.status)).toEqual(['retired']);
    const next = await api.GET('/citizens', {
      params: { query: { employment_status: 'retired', limit: 1, cursor: retired.data!.next_cursor! } },
    });
    expect(next.data?.items).toHaveLength(1);
    expect(next.data?.next_cursor).toBeNull();
    const today = new Date().toISOString().slice(0, 10);
    const none = await api.GET('/citizens', { params: { query: { registered_to: '2000-01-01' } } });
    expect(none.data).toEqual({ items: [], next_cursor: null });
    const all = await api.GET('/citizens', { params: { query: { registered_from: today, status: 'active' } } });
    expect(all.data?.items).toHaveLength(5);
  });

  it('changes an address and erases a citizen: the stored personal data is pseudonymised', async () => {
    const listener = await listen(context.broker);
    const { data } = await register();
    const citizen_id = data!.citizen_id;
    const moved = await api.PUT('/citizens/{citizen_id}/address', {
      params: { path: { citizen_id }, header: { 'If-Match': '"1"' } },
      body: {
        address: { line1: '7 Canal Street', locality: 'Birmingham', postal_code: 'B1 1AA', country_code: 'GB' },
        effective_date: '2025-05-01',
        default: true,
      },
    });
    expect(moved.data?.address.line1).toBe('7 Canal Street');
    const erased = await api.POST('/citizens/{citizen_id}/erasure-requests', {
      params: { path: { citizen_id }, header: { 'Idempotency-Key': randomUUID() } },
      body: { delete: false, reason: 'citizen-request' },
    });
    expect(erased.response?.status).toBe(202);
    expect(erased.data).toMatchObject({ citizen_id, delete: false, status: 'accepted' });
    const after = await api.GET('/citizens/{citizen_id}', { params: { path: { citizen_id } } });
    expect(after.data).toMatchObject({
      status: 'pseudonymised',
      date_of_birth: '1988-01-01',
      address: { line1: 'erased', country_code: 'GB' },
    });
    expect(JSON.stringify(after.data)).not.toMatch(/Amara|Okafor|QQ123456C|Canal|example\.org/);

    const [event] = await until(
      () => listener.of('citizen.erasure-requested').length > 0 && listener.of('citizen.erasure-requested'),
    );
    expect(event?.event.data).toMatchObject({
      citizen_id,
      erasure_request_id: erased.data!.erasure_request_id,
      reason: 'citizen-request',
    });
    const [address] = listener.of('citizen.address-changed');
    expect(address?.event.data).toMatchObject({ citizen_id, default: true, effective_date: '2025-05-01' });
    await listener.close();
  });

  it('publishes citizen.registered v1 from the legacy import path', async () => {
    const listener = await listen(context.broker);
    const citizen_id = await registry.registerLegacy({
      name: 'Tomasz Jan Nowak',
      date_of_birth: '1951-02-17',
      address: { line1: '2 Mill Lane', locality: 'Ludlow', postal_code: 'SY8 1AB', country_code: 'GB' },
      circumstances: { ...amara.circumstances, status: 'retired' },
    });
    const stored = await api.GET('/citizens/{citizen_id}', { params: { path: { citizen_id } } });
    expect(stored.data).toMatchObject({ given_name: 'Tomasz Jan', family_name: 'Nowak', version: 1 });
    const [seen] = await until(() => listener.of('citizen.registered').length > 0 && listener.of('citizen.registered'));
    expect(seen?.wireVersion).toBe('1');
    // The listener declares the latest version: the v1 event reaches it upcast.
    expect(seen?.event).toMatchObject({ version: 2, data: { given_name: 'Tomasz Jan', family_name: 'Nowak' } });
    const [changed] = await until(
      () => listener.of('citizen.circumstances-changed').length > 0 && listener.of('citizen.circumstances-changed'),
    );
    expect(changed?.wireVersion).toBe('1');
    expect(changed?.event.data).toMatchObject({ citizen_id, status: 'retired' });
    await listener.close();
  });
});
