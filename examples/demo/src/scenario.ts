/**
 * The demo's scenario, through the services' public HTTP APIs (typed clients from the generated OpenAPI types)
 * and their controls: citizens register (a few through a legacy v1 path), apply for benefits, a payment-gateway
 * outage opens the breaker and makes sagas compensate, a notification outage fills the dead-letter queue, which
 * is replayed once the gateway is back. Last, three paid citizens report an income rise (DOMAIN.md process 2):
 * eligibility re-evaluates their awards and benefits suspends them.
 */

import { type BenefitsPaths, type CitizenRegistryPaths, createClient } from '@humangov/sdk';
import { issueToken } from '@humangov-examples/kit';
import type { Host } from './host.js';
import type { DemoSettings } from './settings.js';

export type Say = (message: string) => void;
export interface ApplicationSummary {
  readonly total: number;
  readonly byStatus: Readonly<Record<string, number>>;
}

export const FINAL_STATUSES = ['paid', 'rejected', 'withdrawn', 'failed'] as const;

/** Polls `check` until it returns true; rejects after `timeoutMs` with `what`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What the scenario did that the reconciliation checks. */
export interface ScenarioResult {
  readonly citizenIds: readonly string[];
  /** Awards of paid citizens whose income rise the scenario reported (each must end suspended). */
  readonly suspendedAwardIds: readonly string[];
}

/** Paid citizens who report an income rise at the end of the scenario. */
export const INCOME_RISES = 3;

export async function runScenario(host: Host, settings: DemoSettings, say: Say): Promise<ScenarioResult> {
  const token = issueToken(settings.tokenSecret, 'demo-caseworker', [
    'citizens:read',
    'citizens:write',
    'benefits:apply',
    'benefits:read',
  ]);
  const registry = createClient<CitizenRegistryPaths>({
    baseUrl: host.service('citizen-registry').url!,
    token: async () => token,
  });
  const benefits = createClient<BenefitsPaths>({ baseUrl: host.service('benefits').url!, token: async () => token });
  const summary = () => host.service('benefits').call<ApplicationSummary>('summary');
  const finalCount = async () => {
    const s = await summary();
    return FINAL_STATUSES.reduce((n, status) => n + (s.byStatus[status] ?? 0), 0);
  };

  // 1. Citizens. Every fifth declares an income above the thresholds (ineligible); every tenth arrives through
  //    the legacy import, which still publishes citizen.registered v1 (eligibility receives it upcast to v2).
  const citizenIds: string[] = [];
  for (let i = 0; i < settings.citizens; i++) {
    const circumstances = {
      status: i % 3 === 0 ? ('unemployed' as const) : ('employed' as const),
      household_size: 1 + (i % 4),
      monthly_income: i % 5 === 4 ? '4800.00' : `${400 + (i % 7) * 50}.00`,
      currency: 'GBP',
      effective_date: '2026-01-01',
    };
    if (i % 10 === 3) {
      const id = await host
        .service('citizen-registry')
        .call<string>('registerLegacy', { name: `Legacy Citizen ${i}`, date_of_birth: '1980-01-01', circumstances });
      citizenIds.push(id);
      continue;
    }
    const { data, error } = await registry.POST('/citizens', {
      params: { header: { 'Idempotency-Key': `demo-register-${settings.runId}-${i}` } },
      body: {
        given_name: `Citizen${i}`,
        family_name: 'Example',
        date_of_birth: `19${60 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`,
        address: { line1: `${i} High Street`, locality: 'Springfield', postal_code: 'SP1 1AA', country_code: 'GB' },
        circumstances,
      },
    });
    if (error) throw new Error(`registering citizen ${i} failed: ${JSON.stringify(error)}`);
    citizenIds.push(data.citizen_id);
  }
  say(`${citizenIds.length} citizens registered (${Math.ceil(settings.citizens / 10)} through the legacy v1 import)`);

  const submit = async (i: number) => {
    const { data, error } = await benefits.POST('/applications', {
      params: { header: { 'Idempotency-Key': `demo-apply-${settings.runId}-${i}` } },
      body: {
        citizen_id: citizenIds[i]!,
        benefit_type: 'jobseeker-support',
        channel: 'online',
        declaration_accepted: true,
      },
    });
    if (error) throw new Error(`application ${i} failed: ${JSON.stringify(error)}`);
    return data.application_id;
  };
  const waveA = Math.floor(settings.citizens * 0.4);
  const waveB = Math.floor(settings.citizens * 0.7);

  // 2. Normal operation.
  for (let i = 0; i < waveA; i++) await submit(i);
  const again = await submit(0); // the same Idempotency-Key: the same application, no second saga
  say(
    `${waveA} applications submitted (one submitted twice with the same Idempotency-Key: ${again.slice(0, 8)}…, once)`,
  );
  await until('the first wave is decided', async () => (await finalCount()) >= waveA, 90_000);
  say(`first wave decided: ${JSON.stringify((await summary()).byStatus)}`);

  // 3. The bank goes down: transfers fail, the breaker opens, sagas compensate (award revoked, payment cancelled).
  await host.service('payments').call('outage', true);
  say('payment gateway outage begins');
  for (let i = waveA; i < waveB; i++) await submit(i);
  await until('the second wave is decided', async () => (await finalCount()) >= waveB, 120_000);
  await host.service('payments').call('outage', false);
  say(`payment gateway back; second wave: ${JSON.stringify((await summary()).byStatus)}`);

  // 4. The notification gateway goes down: requests are retried, redelivered, then dead-lettered.
  await host.service('notifications').call('outage', true);
  say('notification gateway outage begins');
  for (let i = waveB; i < settings.citizens; i++) await submit(i);
  await until('every application is decided', async () => (await finalCount()) >= settings.citizens, 120_000);
  // A request is recorded before its first send attempt, so "every request sent or dead-lettered" means none is still
  // being retried or redelivered: one that failed just before the gateway came back would otherwise reach the
  // dead-letter queue after the replay (a fixed 1.5 s wait lost that race on a loaded machine).
  type NotificationSummary = { requested: number; sent: number; deadLettered: number };
  await until(
    'every notification request sent or dead-lettered',
    async () => {
      const n = await host.service('notifications').call<NotificationSummary>('summary');
      if (n.deadLettered === 0 || n.sent + n.deadLettered < n.requested) return false;
      // and no request arrived meanwhile (one still on its way through a relay would fail after the replay)
      await new Promise((resolve) => setTimeout(resolve, 300));
      const later = await host.service('notifications').call<NotificationSummary>('summary');
      return later.requested === n.requested && later.sent + later.deadLettered >= later.requested;
    },
    60_000,
  );
  await host.service('notifications').call('outage', false);
  const parked = (await host.service('notifications').call<{ deadLettered: number }>('summary')).deadLettered;
  say(`notification gateway back; ${parked} notification request(s) in the dead-letter queue: replaying`);
  const replayed = await host.service('notifications').call<number>('replay');
  say(`${replayed} dead letter(s) replayed`);

  // 5. Change of circumstances: paid citizens report an income above the limit through the registry (with the
  //    ETag they read); eligibility re-evaluates their active awards, benefits suspends them and writes to them.
  const active = await benefits.GET('/awards', { params: { query: { status: 'active', limit: INCOME_RISES } } });
  if (active.error) throw new Error(`listing active awards failed: ${JSON.stringify(active.error)}`);
  const awards = active.data.items;
  for (const award of awards) {
    const path = { citizen_id: award.citizen_id };
    const current = await registry.GET('/citizens/{citizen_id}', { params: { path } });
    if (current.error || !current.data.circumstances) {
      throw new Error(
        `reading citizen ${award.citizen_id} failed: ${JSON.stringify(current.error ?? 'no circumstances')}`,
      );
    }
    const { error } = await registry.PUT('/citizens/{citizen_id}/circumstances', {
      params: { path, header: { 'If-Match': current.response.headers.get('etag') ?? '' } },
      body: {
        ...current.data.circumstances,
        status: 'employed',
        monthly_income: '4800.00',
        effective_date: '2026-03-01',
      },
    });
    if (error) throw new Error(`updating citizen ${award.citizen_id} failed: ${JSON.stringify(error)}`);
  }
  say(`${awards.length} paid citizens reported an income rise`);
  const suspendedAwardIds = awards.map((a) => a.award_id);
  await until(
    'the awards of the income rises are suspended',
    async () => {
      for (const award_id of suspendedAwardIds) {
        const { data } = await benefits.GET('/awards/{award_id}', { params: { path: { award_id } } });
        if (data?.status !== 'suspended') return false;
      }
      return true;
    },
    60_000,
  );
  say(`${suspendedAwardIds.length} award(s) suspended after the change of circumstances`);
  return { citizenIds, suspendedAwardIds };
}
