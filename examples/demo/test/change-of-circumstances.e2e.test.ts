/**
 * DOMAIN.md process 2 across the real services, in one process on a memory broker with a SQLite file each:
 * citizen-registry -> eligibility -> benefits -> payments. A paid citizen reports an income rise through the
 * registry's HTTP API (PUT circumstances with If-Match); eligibility re-evaluates the award, benefits suspends
 * it and writes the letter, eligibility stops tracking it, and payments has nothing to cancel: the one payment
 * of the award was already disbursed (payments cancels only payments not disbursed yet).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudEvent } from '@humangov/events';
import {
  type BenefitsPaths,
  type CitizenRegistryPaths,
  createClient,
  createMemoryBroker,
  createRouter,
} from '@humangov/sdk';
import { startBenefits } from '@humangov-examples/benefits';
import { startCitizenRegistry } from '@humangov-examples/citizen-registry';
import { startEligibility } from '@humangov-examples/eligibility';
import { createTransport, issueToken, openDatabase, type ServiceContext } from '@humangov-examples/kit';
import { createSimulatedBank, startPayments } from '@humangov-examples/payments';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { until } from '../src/scenario.js';

const SECRET = 'change-of-circumstances-test-secret';
const broker = createMemoryBroker();
const dir = mkdtempSync(join(tmpdir(), 'humangov-coc-'));
const closers: (() => Promise<void>)[] = [];
const seen: CloudEvent[] = [];

async function context(name: string): Promise<ServiceContext> {
  const transport = createTransport({ kind: 'memory', broker }, name);
  const db = await openDatabase({ kind: 'sqlite', file: join(dir, `${name}.db`) });
  closers.push(async () => {
    await transport.close();
    await db.close();
  });
  return { transport, db, log: () => {}, tokenSecret: SECRET };
}

let services: {
  eligibility: Awaited<ReturnType<typeof startEligibility>>;
  payments: Awaited<ReturnType<typeof startPayments>>;
  benefits: Awaited<ReturnType<typeof startBenefits>>;
  registry: Awaited<ReturnType<typeof startCitizenRegistry>>;
};

beforeAll(async () => {
  const observer = createRouter({
    transport: createTransport({ kind: 'memory', broker }, 'observer'),
    group: 'observer',
    shutdownOnSignals: false,
  });
  for (const type of ['benefit.suspended', 'notification.requested', 'payment.cancelled'] as const) {
    observer.handle(type, async (event: CloudEvent) => void seen.push(event));
  }
  await observer.start();
  closers.push(() => observer.close());
  const eligibility = await startEligibility(await context('eligibility'));
  const payments = await startPayments(await context('payments'), { bank: createSimulatedBank({ latencyMs: 1 }) });
  const benefits = await startBenefits(await context('benefits'));
  const registry = await startCitizenRegistry(await context('citizen-registry'));
  services = { eligibility, payments, benefits, registry };
  // Services first (their routers finish in-flight work), then their transports and databases.
  closers.unshift(
    () => registry.close(),
    () => benefits.close(),
    () => payments.close(),
    () => eligibility.close(),
  );
});

afterAll(async () => {
  for (const close of closers) await close();
  rmSync(dir, { recursive: true, force: true });
});

it('an income rise suspends a paid award, tells the citizen, and cancels nothing already paid', {
  timeout: 60_000,
}, async () => {
  const token = issueToken(SECRET, 'caseworker', [
    'citizens:read',
    'citizens:write',
    'benefits:apply',
    'benefits:read',
  ]);
  const registry = createClient<CitizenRegistryPaths>({ baseUrl: services.registry.url, token: async () => token });
  const benefits = createClient<BenefitsPaths>({ baseUrl: services.benefits.url, token: async () => token });
  const circumstances = {
    status: 'unemployed' as const,
    household_size: 1,
    monthly_income: '400.00',
    currency: 'GBP',
    effective_date: '2026-01-01',
  };

  const registered = await registry.POST('/citizens', {
    params: { header: { 'Idempotency-Key': 'coc-register-1' } },
    body: {
      given_name: 'Amara',
      family_name: 'Okafor',
      date_of_birth: '1988-11-02',
      address: { line1: '1 High Street', locality: 'Springfield', postal_code: 'SP1 1AA', country_code: 'GB' },
      circumstances,
    },
  });
  const citizenId = registered.data!.citizen_id;
  const submitted = await benefits.POST('/applications', {
    params: { header: { 'Idempotency-Key': 'coc-apply-1' } },
    body: { citizen_id: citizenId, benefit_type: 'jobseeker-support', channel: 'online', declaration_accepted: true },
  });
  const applicationId = submitted.data!.application_id;
  const getApplication = () =>
    benefits.GET('/applications/{application_id}', { params: { path: { application_id: applicationId } } });
  await until('the application is paid', async () => (await getApplication()).data?.status === 'paid', 30_000);
  const awardId = (await getApplication()).data!.award_id!;
  await until('eligibility tracks the award', async () => (await services.eligibility.awards(citizenId)).length === 1);
  expect(await services.payments.summary()).toMatchObject({ disbursed: 1, cancelled: 0 });

  // The citizen reports an income rise, with the ETag they read (a stale one is refused).
  const current = await registry.GET('/citizens/{citizen_id}', { params: { path: { citizen_id: citizenId } } });
  const etag = current.response?.headers.get('etag') ?? '';
  const stale = await registry.PUT('/citizens/{citizen_id}/circumstances', {
    params: { path: { citizen_id: citizenId }, header: { 'If-Match': '"0"' } },
    body: { ...circumstances, monthly_income: '4800.00', effective_date: '2026-03-01' },
  });
  expect(stale.response?.status).toBe(412);
  const updated = await registry.PUT('/citizens/{citizen_id}/circumstances', {
    params: { path: { citizen_id: citizenId }, header: { 'If-Match': etag } },
    body: { ...circumstances, status: 'employed', monthly_income: '4800.00', effective_date: '2026-03-01' },
  });
  expect(updated.response?.status).toBe(200);

  const getAward = () => benefits.GET('/awards/{award_id}', { params: { path: { award_id: awardId } } });
  await until('the award is suspended', async () => (await getAward()).data?.status === 'suspended', 30_000);
  expect((await getAward()).data).toMatchObject({ status: 'suspended', suspended_from: '2026-03-01' });
  const suspended = await benefits.GET('/awards', {
    params: { query: { status: 'suspended', citizen_id: citizenId } },
  });
  expect(suspended.data?.items.map((a) => a.award_id)).toEqual([awardId]);
  expect((await getApplication()).data?.status).toBe('paid');

  await until('the citizen is told', async () =>
    seen.some(
      (e) =>
        e.type === 'notification.requested' && (e.data as { template_id: string }).template_id === 'benefit-suspended',
    ),
  );
  const event = await until('benefit.suspended is published', async () =>
    seen.some((e) => e.type === 'benefit.suspended'),
  ).then(() => seen.find((e) => e.type === 'benefit.suspended')!);
  expect(event.data).toMatchObject({ award_id: awardId, citizen_id: citizenId, reason: 'no-longer-eligible' });
  // Eligibility consumed benefit.suspended too: a later change re-evaluates nothing for this award.
  await until(
    'eligibility stops tracking the award',
    async () => (await services.eligibility.awards(citizenId)).length === 0,
  );

  // Payments consumed the same event; the award's only payment was disbursed before, so nothing is cancelled.
  // Absence has no event to wait for: it holds for a second after eligibility, the slower consumer, caught up.
  const deadline = Date.now() + 1_000;
  while (Date.now() < deadline) {
    expect(await services.payments.summary()).toMatchObject({ disbursed: 1, cancelled: 0, scheduled: 0 });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(seen.filter((e) => e.type === 'payment.cancelled')).toEqual([]);
});
