/**
 * The registry as a provider: every pact in `pacts/` that expects citizen-registry to publish is verified against
 * the running service. Each event comes out of the real API (or the legacy import for v1), its transaction and
 * its outbox relay, which publishes to Pact's capture. Runs after the consumer pact tests (vitest project
 * `pact-providers`, `sequence.groupOrder` 1).
 */
import { randomUUID } from 'node:crypto';
import { type CitizenRegistryPaths, createClient } from '@humangov/sdk';
import { verifyMessageProvider } from '@humangov/testing/pact';
import { issueToken } from '@humangov-examples/kit';
import { createTestContext, forwardingTransport, type TestContext, TOKEN_SECRET } from '@humangov-examples/kit/testing';
import { afterAll, beforeAll, it } from 'vitest';
import { type RunningCitizenRegistry, startCitizenRegistry } from '../src/index.js';

let context: TestContext;
let registry: RunningCitizenRegistry;
let forwarding: ReturnType<typeof forwardingTransport>;

beforeAll(async () => {
  const base = await createTestContext('citizen-registry-provider');
  forwarding = forwardingTransport(base.transport);
  context = { ...base, transport: forwarding.transport };
  registry = await startCitizenRegistry(context, { relayPollMs: 20 });
});
afterAll(async () => {
  await registry.close();
  await context.dispose();
});

const address = { line1: '14 Elm Grove', locality: 'Northfield', postal_code: 'B31 2QX', country_code: 'GB' };
const circumstances = {
  status: 'unemployed' as const,
  household_size: 3,
  monthly_income: '420.00',
  currency: 'GBP',
  effective_date: '2025-03-01',
};

it('publishes the citizen events its consumers expect', { timeout: 60_000 }, async () => {
  const api = createClient<CitizenRegistryPaths>({
    baseUrl: registry.url,
    token: () => issueToken(TOKEN_SECRET, 'pact', ['citizens:read', 'citizens:write', 'citizens:erase']),
  });
  const register = async () => {
    const { data, error } = await api.POST('/citizens', {
      params: { header: { 'Idempotency-Key': randomUUID() } },
      body: {
        given_name: 'Amara',
        family_name: 'Okafor',
        date_of_birth: '1988-11-02',
        national_identifier: 'QQ123456C',
        email: 'amara.okafor@example.org',
        phone: '+447700900123',
        preferred_language: 'en-GB',
        address: { ...address, line2: 'Flat 3', region: 'West Midlands' },
        circumstances,
      },
    });
    if (error) throw new Error(`registering failed: ${JSON.stringify(error)}`);
    return data.citizen_id;
  };
  const legacy = () =>
    registry.registerLegacy({
      name: 'Amara Okafor',
      date_of_birth: '1988-11-02',
      national_identifier: 'QQ123456C',
      address,
      circumstances,
    });

  await verifyMessageProvider({
    provider: 'citizen-registry',
    producers: {
      'citizen.registered': async ({ transport, version }) => {
        forwarding.captureInto(transport);
        await (version === 1 ? legacy() : register());
        await forwarding.published('citizen.registered', version);
      },
      'citizen.circumstances-changed': async ({ transport, version }) => {
        forwarding.captureInto(transport);
        if (version === 1) await legacy();
        else {
          const citizen_id = await register();
          await api.PUT('/citizens/{citizen_id}/circumstances', {
            params: { path: { citizen_id }, header: { 'If-Match': '"1"' } },
            body: { ...circumstances, status: 'employed', monthly_income: '1650.00', effective_date: '2025-06-01' },
          });
        }
        await forwarding.published('citizen.circumstances-changed', version);
      },
      'citizen.address-changed': async ({ transport }) => {
        forwarding.captureInto(transport);
        const citizen_id = await register();
        await api.PUT('/citizens/{citizen_id}/address', {
          params: { path: { citizen_id }, header: { 'If-Match': '"1"' } },
          body: { address: { ...address, line1: '7 Canal Street' }, effective_date: '2025-05-01', default: true },
        });
        await forwarding.published('citizen.address-changed', 1);
      },
      'citizen.erasure-requested': async ({ transport }) => {
        forwarding.captureInto(transport);
        const citizen_id = await register();
        await api.POST('/citizens/{citizen_id}/erasure-requests', {
          params: { path: { citizen_id }, header: { 'Idempotency-Key': randomUUID() } },
          body: { delete: false, reason: 'citizen-request' },
        });
        await forwarding.published('citizen.erasure-requested', 1);
      },
    },
  });
});
