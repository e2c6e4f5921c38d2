/**
 * Eligibility as a provider: every pact in `pacts/` that expects eligibility to publish is verified against the
 * running service. For each interaction the service is fed what makes it decide (a citizen's circumstances and a
 * check request, on the memory broker) and its outbox relay publishes the determination to Pact's capture.
 * Runs after the consumer pact tests (vitest project `pact-providers`, `sequence.groupOrder` 1).
 */
import { randomUUID } from 'node:crypto';
import type { EventMap } from '@humangov/events';
import { createPublisher } from '@humangov/sdk';
import { verifyMessageProvider } from '@humangov/testing/pact';
import { createTransport } from '@humangov-examples/kit';
import { createTestContext, forwardingTransport, type TestContext } from '@humangov-examples/kit/testing';
import { afterAll, beforeAll, it } from 'vitest';
import { type RunningEligibility, startEligibility } from '../src/index.js';

let context: TestContext;
let eligibility: RunningEligibility;
let forwarding: ReturnType<typeof forwardingTransport>;

beforeAll(async () => {
  const base = await createTestContext('eligibility-provider');
  forwarding = forwardingTransport(base.transport);
  context = { ...base, transport: forwarding.transport };
  eligibility = await startEligibility(context, { relayPollMs: 20 });
});
afterAll(async () => {
  await eligibility.close();
  await context.dispose();
});

it('publishes eligibility.determined as its consumers expect', { timeout: 60_000 }, async () => {
  const others = createPublisher<EventMap>({
    transport: createTransport({ kind: 'memory', broker: context.broker }, 'benefits-and-registry'),
    source: '/test/others',
  });
  let outcome = 'eligible';
  await verifyMessageProvider({
    provider: 'eligibility',
    stateHandlers: {
      'a check requested by the benefits saga': (params) => {
        outcome = typeof params.outcome === 'string' ? params.outcome : 'eligible';
      },
    },
    producers: {
      'eligibility.determined': async ({ transport }) => {
        forwarding.captureInto(transport);
        const citizen_id = randomUUID();
        const at = new Date().toISOString();
        // Ineligible: an income above every household's limit; eligible: well below it.
        await others.publish('citizen.circumstances-changed', {
          citizen_id,
          status: 'unemployed',
          household_size: 2,
          monthly_income: outcome === 'ineligible' ? '9000.00' : '300.00',
          currency: 'GBP',
          effective_date: at.slice(0, 10),
          changed_at: at,
        });
        await others.publish('eligibility.check-requested', {
          check_id: randomUUID(),
          application_id: randomUUID(),
          citizen_id,
          benefit_type: 'jobseeker-support',
          reply_by: at,
          requested_at: at,
        });
        await forwarding.published('eligibility.determined', 1);
        outcome = 'eligible';
      },
    },
  });
});
