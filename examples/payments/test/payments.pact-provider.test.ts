/**
 * Payments as a message provider: every payment event a consumer's pact expects is published by the running
 * service (benefits' events on the memory broker, the simulated bank up or down, the outbox relay publishing onto
 * Pact's capture), not built in the test. Two sets of pacts are verified:
 * - the pacts in the repository's `pacts/` folder that name payments as provider (benefits' consumer test writes
 *   one), when there are any;
 * - audit's expectation of every event it appends (the envelope and the schema's required members, at the version
 *   published), restated here: audit's own consumer test does not cover payments.
 * Runs after the consumer pact tests (project `examples/payments:pact-provider`, `sequence.groupOrder` 1).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventMap } from '@humangov/events';
import { createPublisher, type PublisherPort, type TransportMessage } from '@humangov/sdk';
import { type EventProducer, messagePact, pactFilesFor, verifyMessageProvider } from '@humangov/testing/pact';
import { createTransport, type Transport } from '@humangov-examples/kit';
import { createTestContext, type TestContext, until } from '@humangov-examples/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulatedBank, type PaymentsService, type SimulatedBank, startPayments } from '../src/index.js';

type Scenario = 'paid' | 'fails' | 'revoked';
const states: Record<string, Scenario> = {
  'an approved award': 'paid',
  'an approved award whose payment fails after its last retry': 'fails',
  'a revoked award with a payment outstanding': 'revoked',
};

let context: TestContext;
let bank: SimulatedBank;
let payments: PaymentsService;
let scenario: Scenario = 'paid';
/** What the service published for the award being produced, and where it goes (Pact's capture). */
let current: { awardId: string; sent: TransportMessage[]; into: PublisherPort } | undefined;

beforeAll(async () => {
  const base = await createTestContext('payments-provider');
  // Publishes of the award being produced go to the capture as well; events of earlier awards do not.
  const transport: Transport = {
    async publish(message, options) {
      await base.transport.publish(message, options);
      if (current && message.key === current.awardId) {
        current.sent.push(message);
        await current.into.publish(message, options);
      }
    },
    subscribe: (spec, handler) => base.transport.subscribe(spec, handler),
    close: () => base.transport.close(),
  };
  context = { ...base, transport };
  bank = createSimulatedBank({ latencyMs: 1 });
  payments = await startPayments(context, { bank, breakerOpenMs: 20 });
});
afterAll(async () => {
  await payments.close();
  await context.dispose();
});

/** Runs a new award through the interaction's provider state until the service publishes `type` at `version`. */
const producer =
  (type: keyof EventMap): EventProducer =>
  async ({ transport, version }) => {
    const benefits = createPublisher<EventMap>({
      transport: createTransport({ kind: 'memory', broker: context.broker }, 'benefits'),
      source: '/humangov/benefits',
    });
    const award = { award_id: randomUUID(), application_id: randomUUID(), citizen_id: randomUUID() };
    const published =
      (wanted: string, v = 1) =>
      () =>
        current?.sent.some((m) => m.attributes.type === wanted && m.attributes.version === String(v));
    current = { awardId: award.award_id, sent: [], into: transport };
    bank.outage(scenario !== 'paid');
    try {
      await benefits.publish('benefit.application-approved', {
        ...award,
        benefit_type: 'jobseeker-support',
        entitlement: { amount: '184.20', currency: 'GBP' },
        frequency: 'fortnightly',
        award_start_date: '2026-04-06',
        approved_at: new Date().toISOString(),
      });
      if (scenario === 'revoked') {
        await until(published('payment.failed'));
        await benefits.publish('benefit.award-revoked', {
          ...award,
          reason: 'payment-failed',
          revoked_at: new Date().toISOString(),
        });
      }
      await until(published(type, version));
    } finally {
      current = undefined;
      bank.outage(false);
      scenario = 'paid';
      await benefits.close();
    }
  };

const produced = ['payment.scheduled', 'payment.disbursed', 'payment.failed', 'payment.cancelled'] as const;
const verify = (options: { pactDir?: string; pactFiles?: readonly string[] }) =>
  verifyMessageProvider({
    provider: 'payments',
    ...options,
    producers: Object.fromEntries(produced.map((type) => [type, producer(type)])),
    stateHandlers: Object.fromEntries(
      Object.entries(states).map(([name, value]) => [
        name,
        () => {
          scenario = value;
        },
      ]),
    ),
  });

describe('payments as a message provider', () => {
  it('publishes every payment event as audit reads it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'payments-provider-'));
    try {
      const audit = messagePact({ consumer: 'audit', provider: 'payments', dir });
      for (const [type, given] of [
        ['payment.scheduled', 'an approved award'],
        ['payment.disbursed', 'an approved award'],
        ['payment.failed', 'an approved award whose payment fails after its last retry'],
        ['payment.cancelled', 'a revoked award with a payment outstanding'],
      ] as const) {
        await audit.expectsEvent(type, { given }).verify((event) => {
          expect(event.type).toBe(type);
        });
      }
      await verify({ pactDir: dir });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  // The consumer pacts this run wrote (pnpm contracts and CI run consumers first). Without any, the case is skipped
  // and its name says so: nothing names payments as provider yet.
  const files = pactFilesFor('payments');
  it.skipIf(files.length === 0)(
    files.length === 0
      ? 'honours the consumer pacts that name it as provider (skipped: no pact in pacts/ names payments)'
      : `honours the ${files.length} consumer pact(s) in pacts/ that name it as provider`,
    async () => {
      await verify({ pactFiles: files });
    },
    60_000,
  );
});
