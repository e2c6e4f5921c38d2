/**
 * Test harness: the benefits service on a memory broker and a SQLite file, the other services simulated by small
 * handlers on the same broker that answer as eligibility and payments would, and an observer that records every
 * event published.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudEvent, EventMap } from '@humangov/events';
import {
  createMemoryBroker,
  createPublisher,
  createRouter,
  type MemoryBroker,
  type Publisher,
  type PublisherPort,
} from '@humangov/sdk';
import {
  createTransport,
  type DatabaseConfig,
  issueToken,
  openDatabase,
  type ServiceContext,
  type ServiceDatabase,
  type Transport,
} from '@humangov-examples/kit';
import { type BenefitsOptions, type BenefitsService, startBenefits } from '../src/index.js';

export const SECRET = 'benefits-test-secret';
export const token = (scopes: readonly string[] = ['benefits:apply', 'benefits:read'], subject = 'caseworker-1') =>
  issueToken(SECRET, subject, scopes);

/** How the simulated eligibility service answers a citizen's check. `hold`: not until `release()`. */
export type EligibilityAnswer = 'eligible' | 'ineligible' | 'silent' | 'hold';
/** How the simulated payments service ends a citizen's first payment. */
export type PaymentAnswer = 'disburse' | 'fail' | 'silent' | 'hold';

export interface Observed {
  readonly type: string;
  readonly id: string;
  readonly causationid: unknown;
  readonly data: Record<string, unknown>;
}

export interface Harness {
  readonly broker: MemoryBroker;
  readonly events: Observed[];
  service: BenefitsService;
  db: ServiceDatabase;
  eligibility: Map<string, EligibilityAnswer>;
  payments: Map<string, PaymentAnswer>;
  /** Publishes as the eligibility service would (e.g. a re-evaluation after a change of circumstances). */
  readonly asEligibility: Publisher<EventMap>;
  /** Sends the answers held back (`hold`) so far. */
  release(): Promise<void>;
  /** Closes the service, its transport and its database connection, as a crash would leave them. */
  down(): Promise<void>;
  /** Starts a new service on the same database and broker. */
  up(options?: BenefitsOptions): Promise<void>;
  /** A second process of the service on the same database and broker (same consumer group). */
  another(options?: BenefitsOptions): Promise<{ service: BenefitsService; close(): Promise<void> }>;
  /** `down()`, then `up()`. */
  restart(options?: BenefitsOptions): Promise<void>;
  close(): Promise<void>;
}

/** Where the benefits service's messages are also published while `current` is set (a Pact capture). */
export interface Tap {
  current: PublisherPort | undefined;
}

export interface HarnessOptions {
  /** Also publish the service's messages here. @default none */
  readonly tap?: Tap;
  /** @default a SQLite file in a new temporary folder */
  readonly database?: DatabaseConfig;
}

export async function startHarness(options: BenefitsOptions = {}, extra: HarnessOptions = {}): Promise<Harness> {
  const { tap } = extra;
  const dir = mkdtempSync(join(tmpdir(), 'benefits-'));
  const file = join(dir, 'benefits.db');
  const broker = createMemoryBroker();
  const events: Observed[] = [];
  const held: (() => Promise<unknown>)[] = [];
  const eligibility = new Map<string, EligibilityAnswer>();
  const payments = new Map<string, PaymentAnswer>();

  const others = createTransport({ kind: 'memory', broker }, 'simulated');
  const eligibilityOut = createPublisher({ transport: others, source: '/humangov/eligibility' });
  const paymentsOut = createPublisher({ transport: others, source: '/humangov/payments' });
  const now = () => new Date().toISOString();

  const eligibilitySim = createRouter({ transport: others, group: 'eligibility', shutdownOnSignals: false });
  eligibilitySim.handle('eligibility.check-requested', async (event) => {
    const d = event.data;
    const answer = eligibility.get(d.citizen_id) ?? 'eligible';
    if (answer === 'silent') return;
    const send = () =>
      eligibilityOut.publish(
        'eligibility.determined',
        {
          determination_id: randomUUID(),
          check_id: d.check_id,
          citizen_id: d.citizen_id,
          application_id: d.application_id,
          benefit_type: d.benefit_type,
          trigger: 'check-requested',
          outcome: answer === 'ineligible' ? 'ineligible' : 'eligible',
          reasons: answer === 'ineligible' ? [{ code: 'INCOME_ABOVE_THRESHOLD', rule_id: 'income-threshold' }] : [],
          rule_set_version: '2025.4.0',
          determined_at: now(),
        },
        { causedBy: event },
      );
    if (answer === 'hold') held.push(send);
    else await send();
  });

  const paymentsSim = createRouter({ transport: others, group: 'payments', shutdownOnSignals: false });
  const paymentOf = (awardId: string) => `9a1c3e5f-0000-4000-8000-${awardId.slice(-12)}`;
  paymentsSim.handle('benefit.application-approved', async (event) => {
    const d = event.data;
    const paymentId = paymentOf(d.award_id);
    const base = { payment_id: paymentId, award_id: d.award_id, citizen_id: d.citizen_id };
    await paymentsOut.publish(
      'payment.scheduled',
      {
        ...base,
        application_id: d.application_id,
        amount: { amount_minor: Math.round(Number(d.entitlement.amount) * 100), currency: d.entitlement.currency },
        class: 'regular',
        due_date: d.award_start_date,
        scheduled_at: now(),
      },
      { causedBy: event },
    );
    const answer = payments.get(d.citizen_id) ?? 'disburse';
    const failed = (attempt: number, exhausted: boolean) =>
      paymentsOut.publish(
        'payment.failed',
        { ...base, failure_code: 'account-closed', attempt, retries_exhausted: exhausted, failed_at: now() },
        { causedBy: event },
      );
    const disburse = () =>
      paymentsOut.publish(
        'payment.disbursed',
        {
          ...base,
          amount: { amount_minor: Math.round(Number(d.entitlement.amount) * 100), currency: d.entitlement.currency },
          attempt: 1,
          bank_reference: `BANK-${paymentId.slice(0, 8).toUpperCase()}`,
          disbursed_at: now(),
        },
        { causedBy: event },
      );
    if (answer === 'disburse') await disburse();
    else if (answer === 'hold') held.push(disburse);
    else if (answer === 'fail') {
      await failed(1, false);
      await failed(2, true);
    }
  });
  paymentsSim.handle('benefit.award-revoked', async (event) => {
    await paymentsOut.publish(
      'payment.cancelled',
      {
        payment_id: paymentOf(event.data.award_id),
        award_id: event.data.award_id,
        citizen_id: event.data.citizen_id,
        reason: 'award-revoked',
        cancelled_at: now(),
      },
      { causedBy: event },
    );
  });

  const observer = createRouter({ transport: others, group: 'observer', shutdownOnSignals: false });
  const observedTypes = [
    'benefit.application-submitted',
    'benefit.application-withdrawn',
    'benefit.application-approved',
    'benefit.application-rejected',
    'benefit.entitlement-calculated',
    'benefit.award-revoked',
    'benefit.suspended',
    'benefit.saga-transitioned',
    'eligibility.check-requested',
    'eligibility.determined',
    'notification.requested',
    'payment.scheduled',
    'payment.disbursed',
    'payment.failed',
    'payment.cancelled',
  ] as const;
  for (const type of observedTypes) {
    observer.handle(type, async (event: CloudEvent) => {
      events.push({
        type: event.type,
        id: event.id,
        causationid: event.causationid,
        data: event.data as Record<string, unknown>,
      });
    });
  }
  await Promise.all([eligibilitySim.start(), paymentsSim.start(), observer.start()]);

  let transport: Transport;
  const boot = async (opts: BenefitsOptions) => {
    const db = await openDatabase(extra.database ?? { kind: 'sqlite', file });
    const inner = createTransport({ kind: 'memory', broker }, 'benefits');
    transport = tap
      ? {
          async publish(message, publishOptions) {
            await inner.publish(message, publishOptions);
            await tap.current?.publish(message);
          },
          subscribe: (spec, handler) => inner.subscribe(spec, handler),
          close: () => inner.close(),
        }
      : inner;
    const context: ServiceContext = { transport, db, log: () => {}, tokenSecret: SECRET };
    return { db, service: await startBenefits(context, opts) };
  };
  const first = await boot(options);
  let running = true;

  const harness: Harness = {
    broker,
    events,
    service: first.service,
    db: first.db,
    eligibility,
    payments,
    asEligibility: eligibilityOut,
    async release() {
      for (const send of held.splice(0)) await send();
    },
    async down() {
      if (!running) return;
      running = false;
      await harness.service.close();
      await transport.close();
      await harness.db.close();
    },
    async up(next = options) {
      const again = await boot(next);
      harness.service = again.service;
      harness.db = again.db;
      running = true;
    },
    async another(next = options) {
      const db = await openDatabase(extra.database ?? { kind: 'sqlite', file });
      const own = createTransport({ kind: 'memory', broker }, 'benefits-2');
      const service = await startBenefits({ transport: own, db, log: () => {}, tokenSecret: SECRET }, next);
      return {
        service,
        async close() {
          await service.close();
          await own.close();
          await db.close();
        },
      };
    },
    async restart(next = options) {
      await harness.down();
      await harness.up(next);
    },
    async close() {
      await harness.down();
      await Promise.all([eligibilitySim.close(), paymentsSim.close(), observer.close()]);
      await others.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Polls `probe` until it returns something other than undefined (or the test's own timeout ends it). */
export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface Call {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

/** One HTTP call to the service with a bearer token (the default token has both scopes). */
export async function call(
  service: BenefitsService,
  method: string,
  path: string,
  options: { body?: unknown; key?: string; token?: string | null } = {},
): Promise<Call> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token !== null) headers.authorization = `Bearer ${options.token ?? token()}`;
  if (options.key) headers['idempotency-key'] = options.key;
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers,
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

export const application = (citizenId: string = randomUUID()) => ({
  citizen_id: citizenId,
  benefit_type: 'jobseeker-support',
  channel: 'online',
  evidence_document_ids: ['7b3d9f1a-5e2c-4c6a-8d4f-1a9e5c3b7d06'],
  declaration_accepted: true,
});

/** Submits an application with a fresh Idempotency-Key; returns the created application. */
export async function submit(h: Harness, citizenId: string = randomUUID()): Promise<any> {
  const reply = await call(h.service, 'POST', '/applications', { body: application(citizenId), key: randomUUID() });
  if (reply.status !== 201) throw new Error(`submit answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** Waits until the application reaches `status`; resolves with it as the API shows it. */
export function statusOf(h: Harness, applicationId: string, status: string): Promise<any> {
  return eventually(async () => {
    const reply = await call(h.service, 'GET', `/applications/${applicationId}`);
    return reply.body?.status === status && reply.body.saga.current_step === 'completed' ? reply.body : undefined;
  }, `application ${applicationId} ${status} with its saga ended`);
}

/** The events observed about one application (by application id, or by the saga id of a transition). */
export function eventsOf(h: Harness, applicationId: string): Observed[] {
  const awards = new Set(
    h.events.filter((e) => e.data.application_id === applicationId && e.data.award_id).map((e) => e.data.award_id),
  );
  return h.events.filter(
    (e) => e.data.application_id === applicationId || e.data.saga_id === applicationId || awards.has(e.data.award_id),
  );
}
