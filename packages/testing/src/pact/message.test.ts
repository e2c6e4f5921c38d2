import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublisher, type PublisherPort } from '@humangov/sdk';
import { MatchersV3 } from '@pact-foundation/pact';
import { describe, expect, it } from 'vitest';
import { isPactError, type PactVerificationError } from '../errors.js';
import { messagePact } from './message-consumer.js';
import { verifyMessageProvider } from './message-provider.js';

/** The error `promise` rejects with; fails the test if it resolves. */
async function rejectionOf<E = Error>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected a rejection, but it resolved');
}

// A small real producer: the audit service's verification run, publishing through the SDK publisher.
async function publishVerificationRun(transport: PublisherPort, run: { records: number; brokenAt?: number }) {
  const publisher = createPublisher({ transport, source: '/humangov/audit' });
  await publisher.publish('audit.chain-verified', {
    verification_id: randomUUID(),
    status: run.brokenAt === undefined ? 'intact' : 'broken',
    from_sequence: 0,
    to_sequence: run.records - 1,
    records_checked: run.records,
    ...(run.brokenAt !== undefined && { first_broken_sequence: run.brokenAt }),
    head_hash: 'a'.repeat(64),
    started_at: '2025-05-01T02:00:00Z',
    completed_at: '2025-05-01T02:00:09Z',
  });
}

const BROKEN = { name: 'the chain is broken', params: { at: 42 } };

describe('message pacts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'humangov-pact-msg-'));
  const pact = messagePact({ consumer: 'notifications', provider: 'audit', dir });

  it('writes a V4 pact keyed by the event type and version, the handler getting the decoded event', async () => {
    const seen: unknown[] = [];
    await pact
      .expectsEvent('audit.chain-verified', {
        given: BROKEN,
        data: { status: 'broken', first_broken_sequence: MatchersV3.integer(42) },
      })
      .verify(async (event) => {
        seen.push(event.data.first_broken_sequence);
        expect(event.type).toBe('audit.chain-verified');
        expect(event.version).toBe(1);
        expect(event.data.status).toBe('broken');
        expect(Object.isFrozen(event.data)).toBe(true); // the router's decode path, not a plain object
      });
    expect(seen).toEqual([42]);

    const file = JSON.parse(readFileSync(join(dir, 'notifications-audit.json'), 'utf8'));
    expect(file.metadata.pactSpecification.version).toBe('4.0');
    const [interaction] = file.interactions;
    expect(interaction.description).toBe('audit.chain-verified v1');
    expect(interaction.type).toBe('Asynchronous/Messages');
    expect(interaction.providerStates).toEqual([{ name: 'the chain is broken', params: { at: 42 } }]);
    expect(interaction.metadata).toMatchObject({ type: 'audit.chain-verified', version: '1', specversion: '1.0' });
    // Only the required members of the spec's example, plus what the consumer asked for.
    expect(Object.keys(interaction.contents.content).sort()).toEqual(
      [
        'completed_at',
        'first_broken_sequence',
        'from_sequence',
        'head_hash',
        'records_checked',
        'started_at',
        'status',
        'to_sequence',
        'verification_id',
      ].sort(),
    );
  });

  it('passes provider verification against the real producing code', async () => {
    await verifyMessageProvider({
      provider: 'audit',
      pactDir: dir,
      stateHandlers: { 'the chain is broken': () => undefined },
      producers: {
        'audit.chain-verified': ({ transport, states }) =>
          publishVerificationRun(transport, { records: 100, brokenAt: Number(states[0]?.params?.at ?? 7) }),
      },
    });
  });

  it('fails provider verification naming the interaction and field when the producer omits a promised field', async () => {
    const error = await rejectionOf<PactVerificationError>(
      verifyMessageProvider({
        provider: 'audit',
        pactDir: dir,
        stateHandlers: { 'the chain is broken': () => undefined },
        // Broken: reports the broken chain without saying where it breaks (the spec allows it; the consumer does not).
        producers: { 'audit.chain-verified': ({ transport }) => publishVerificationRun(transport, { records: 100 }) },
      }),
    );
    expect(isPactError(error, 'HUMANGOV_PACT_VERIFICATION_FAILED')).toBe(true);
    const { message, failures } = error as PactVerificationError;
    expect(failures).toHaveLength(1);
    expect(failures[0]?.interaction).toMatch(/between notifications and audit.*audit\.chain-verified v1$/);
    expect(message).toMatch(/\$: Actual map is missing the following keys: first_broken_sequence/);
    expect(message).toMatch(/fix: make the code behind producers\[\.\.\.\] publish what consumer 'notifications'/);
  });

  it('names a missing producer, a missing state handler and a producer that publishes another version', async () => {
    const missingProducer = await rejectionOf(
      verifyMessageProvider({
        provider: 'audit',
        pactDir: dir,
        stateHandlers: { 'the chain is broken': () => undefined },
        producers: {},
      }),
    );
    expect(missingProducer.message).toMatch(/no producer for 'audit\.chain-verified'/);
    expect(missingProducer.message).toMatch(/fix: add producers\['audit\.chain-verified'\]/);

    const missingState = await rejectionOf(
      verifyMessageProvider({
        provider: 'audit',
        pactDir: dir,
        producers: { 'audit.chain-verified': ({ transport }) => publishVerificationRun(transport, { records: 1 }) },
      }),
    );
    expect(missingState.message).toMatch(/fix: add stateHandlers\['the chain is broken'\]/);

    const nothing = await rejectionOf(
      verifyMessageProvider({
        provider: 'audit',
        pactDir: dir,
        stateHandlers: { 'the chain is broken': () => undefined },
        producers: { 'audit.chain-verified': () => undefined },
      }),
    );
    expect(nothing.message).toMatch(/published nothing, not audit\.chain-verified v1/);
  });

  it('fails a consumer whose handler needs a field its expectation lacks, and writes nothing', async () => {
    const other = mkdtempSync(join(tmpdir(), 'humangov-pact-msg-'));
    const error = await rejectionOf(
      messagePact({ consumer: 'dashboard', provider: 'audit', dir: other })
        .expectsEvent('audit.chain-verified', { data: { status: 'broken' } })
        .verify((event) => {
          // Broken: relies on first_broken_sequence, which the expectation (and the spec) do not promise.
          expect(event.data.first_broken_sequence, 'first_broken_sequence').toBeTypeOf('number');
        }),
    );
    expect(isPactError(error, 'HUMANGOV_PACT_CONSUMER_FAILED')).toBe(true);
    expect(error.message).toMatch(/consumer test of 'audit\.chain-verified v1' failed: first_broken_sequence/);
    expect(error.message).toMatch(/add it to `data` in expectsEvent\('audit\.chain-verified'/);
    expect(() => readFileSync(join(other, 'dashboard-audit.json'))).toThrow(/ENOENT/);
  });

  it('refuses an expectation the spec does not allow, naming the field', async () => {
    const error = await rejectionOf(
      pact
        // @ts-expect-error 'cracked' is not a status the spec declares
        .expectsEvent('audit.chain-verified', { data: { status: 'cracked' } })
        .verify(() => undefined),
    );
    expect(isPactError(error, 'HUMANGOV_PACT_EXPECTATION_INVALID')).toBe(true);
    expect(error.message).toMatch(/'audit\.chain-verified v1'.*\n.*\/data\/status/);
  });

  it('keys expectations by the generated catalog at compile time', () => {
    const typed = () => {
      // @ts-expect-error not an event type of the catalog
      pact.expectsEvent('audit.chain-verifed');
      // @ts-expect-error audit.chain-verified has no version 2
      pact.expectsEvent('audit.chain-verified', { version: 2 });
      // @ts-expect-error records_checked is an integer, not a string
      pact.expectsEvent('audit.chain-verified', { data: { records_checked: '10' } });
      // @ts-expect-error a member the payload does not declare
      pact.expectsEvent('audit.chain-verified', { data: { checked_by: 'cron' } });
      // @ts-expect-error a matcher of the wrong type
      pact.expectsEvent('audit.chain-verified', { data: { head_hash: MatchersV3.integer(1) } });
      pact.expectsEvent('citizen.registered', { version: 1 }).verify((event) => {
        // @ts-expect-error v1 carries `name`, not `given_name`
        event.data.given_name;
      });
    };
    expect(typed).toBeTypeOf('function');
  });
});
