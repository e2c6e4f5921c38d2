/**
 * Audit's consumer pacts: audit consumes every event type, needs nothing of an event beyond its envelope and its
 * schema's required members, and appends it as it travelled. Expectations are written for the providers of this
 * repository's example services that exist (citizen-registry, eligibility, and audit's own audit.chain-verified);
 * each is checked against the handler the service routes (`append`, in a transaction of a real database).
 */

import type { CloudEvent } from '@humangov/events';
import { messagePact } from '@humangov/testing/pact';
import type { Tx } from '@humangov-examples/kit';
import { createTestContext, type TestContext } from '@humangov-examples/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditRecord, append, KINDS, verifyChain } from '../src/chain.js';

let context: TestContext;
beforeAll(async () => {
  context = await createTestContext('audit-pact');
});
afterAll(async () => {
  await context.dispose();
});

/** The audit handler: appends the event; the chain stays intact and its last record is this event. */
async function audited(event: CloudEvent) {
  const record = await context.db.transaction((tx: Tx) => append(context.db.records, tx, event));
  const stored = await context.db.records.list<AuditRecord>(KINDS.record, { after: '', limit: 1_000 });
  expect(stored.at(-1)?.value).toEqual(record);
  expect(record.event).toMatchObject({ id: event.id, type: event.type, version: event.version });
  expect((await verifyChain(context.db.records)).ok).toBe(true);
}

describe('audit consumes from citizen-registry', () => {
  const registry = messagePact({ consumer: 'audit', provider: 'citizen-registry' });
  it('every citizen event the registry publishes, at each version it publishes', async () => {
    await registry.expectsEvent('citizen.registered', { version: 2 }).verify(audited);
    await registry.expectsEvent('citizen.registered', { version: 1 }).verify(audited);
    await registry.expectsEvent('citizen.circumstances-changed', { version: 2 }).verify(audited);
    await registry.expectsEvent('citizen.circumstances-changed', { version: 1 }).verify(audited);
    await registry.expectsEvent('citizen.address-changed').verify(audited);
    await registry.expectsEvent('citizen.erasure-requested').verify(audited);
  });
});

describe('audit consumes from eligibility and from itself', () => {
  it('eligibility.determined', async () => {
    await messagePact({ consumer: 'audit', provider: 'eligibility' })
      .expectsEvent('eligibility.determined')
      .verify(audited);
  });
  it('audit.chain-verified (audit logs its own verification runs)', async () => {
    await messagePact({ consumer: 'audit', provider: 'audit' }).expectsEvent('audit.chain-verified').verify(audited);
  });
});
