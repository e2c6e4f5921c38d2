import { randomUUID } from 'node:crypto';
import { createEvent, type EventMap } from '@humangov/events';
import { createPublisher, type Publisher, toTransportMessage } from '@humangov/sdk';
import { createTransport } from '@humangov-examples/kit';
import { createTestContext, listen, type TestContext, until } from '@humangov-examples/kit/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KINDS, recordId } from '../src/chain.js';
import { type AuditRecord, type RunningAudit, startAudit } from '../src/index.js';
import { main } from '../src/verify-cli.js';

let context: TestContext;
let audit: RunningAudit;
let publisher: Publisher<EventMap>;

beforeEach(async () => {
  context = await createTestContext('audit');
  audit = await startAudit(context, { relayPollMs: 20 });
  publisher = createPublisher({
    transport: createTransport({ kind: 'memory', broker: context.broker }, 'others'),
    source: '/test/others',
  });
});
afterEach(async () => {
  await audit.close();
  await context.dispose();
});

const at = '2026-03-01T10:00:00Z';
const registered = (citizen_id = randomUUID()) => ({
  citizen_id,
  given_name: 'Amara',
  family_name: 'Okafor',
  date_of_birth: '1988-11-02',
  national_identifier: 'QQ123456C',
  registered_at: at,
});

/** Publishes a mix of event types (several channels, so several subscriptions append at once). */
async function publishMix(): Promise<string> {
  const citizen_id = randomUUID();
  await publisher.publish('citizen.registered', registered(citizen_id));
  await publisher.publish(
    'citizen.registered',
    { citizen_id: randomUUID(), name: 'Tomasz Nowak', date_of_birth: '1951-02-17', registered_at: at },
    { version: 1 },
  );
  await publisher.publish('citizen.circumstances-changed', {
    citizen_id,
    status: 'employed',
    household_size: 3,
    monthly_income: '1650.00',
    currency: 'GBP',
    effective_date: '2026-03-01',
    changed_at: at,
  });
  await publisher.publish('citizen.address-changed', {
    citizen_id,
    address: { line1: '7 Canal Street', locality: 'Birmingham', postal_code: 'B1 1AA', country_code: 'GB' },
    default: true,
    effective_date: '2026-03-01',
    changed_at: at,
  });
  for (let i = 0; i < 4; i++) {
    await publisher.publish('eligibility.check-requested', {
      check_id: randomUUID(),
      application_id: randomUUID(),
      citizen_id,
      benefit_type: 'housing-support',
      reply_by: at,
      requested_at: at,
    });
  }
  return citizen_id;
}

const logText = async () => JSON.stringify(await context.db.records.list<AuditRecord>(KINDS.record));

describe('audit', () => {
  it('appends every event to an intact chain without personal data, and publishes audit.chain-verified', async () => {
    const listener = await listen(context.broker);
    await publishMix();
    await until(async () => (await audit.count()) === 8);
    const result = await audit.verifyChain();
    expect(result).toMatchObject({ ok: true, records: 8 });
    expect(result.firstBroken).toBeUndefined();
    expect(await logText()).not.toMatch(/Amara|Okafor|Tomasz|QQ123456C|1988-11-02|Canal Street|1650\.00/);
    const records = await context.db.records.list<AuditRecord>(KINDS.record);
    expect(records.map((r) => r.value.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // Each event as it travelled: the legacy registration stays v1 in the log.
    expect(
      records
        .filter((r) => r.value.event.type === 'citizen.registered')
        .map((r) => r.value.event.version)
        .sort(),
    ).toEqual([1, 2]);

    const [verified] = await until(
      () => listener.of('audit.chain-verified').length > 0 && listener.of('audit.chain-verified'),
    );
    expect(verified?.event.data).toMatchObject({
      status: 'intact',
      from_sequence: 0,
      to_sequence: 7,
      records_checked: 8,
      head_hash: result.headHash,
    });
    // audit consumes its own verification too: it becomes record 8.
    await until(async () => (await audit.count()) === 9);
    expect((await audit.verifyChain()).ok).toBe(true);
    await listener.close();
  });

  it('records a redelivered event once (dedupe by event id)', async () => {
    const citizen_id = randomUUID();
    const event = createEvent('citizen.registered', registered(citizen_id), { source: '/test' });
    const transport = createTransport({ kind: 'memory', broker: context.broker }, 'redeliverer');
    const message = toTransportMessage(event, 'citizen.registered');
    await transport.publish(message);
    await transport.publish(message);
    // Same key, so the same partition: once this one is in the log, the duplicate before it has been handled.
    await publisher.publish('citizen.registered', registered(citizen_id));
    await until(async () => (await audit.count()) === 2);
    expect(await audit.eventIds()).toEqual([event.id, expect.any(String)]);
    await transport.close();
  });

  it('reports exactly the tampered record, and the CLI exits 1 naming it', async () => {
    const listener = await listen(context.broker);
    await publishMix();
    await until(async () => (await audit.count()) === 8);
    expect(await main(['--db', context.file], () => {})).toBe(0);

    const id = recordId(5);
    const stored = (await context.db.records.get<AuditRecord>(KINDS.record, id))!.value;
    const forged = { ...stored, event: { ...stored.event, source: '/humangov/someone-else' } };
    await context.db.transaction((tx) => context.db.records.put(tx, KINDS.record, id, forged));

    const result = await audit.verifyChain();
    expect(result.ok).toBe(false);
    expect(result.records).toBe(5);
    expect(result.firstBroken).toMatchObject({ seq: 5, actual: stored.hash });
    expect(result.firstBroken?.expected).toMatch(/^[0-9a-f]{64}$/);
    expect(result.firstBroken?.expected).not.toBe(stored.hash);
    const broken = await until(() => listener.of('audit.chain-verified')[0]);
    expect(broken.event.data).toMatchObject({ status: 'broken', first_broken_sequence: 5, records_checked: 5 });

    const lines: string[] = [];
    expect(await main(['--db', context.file], (line) => lines.push(line))).toBe(1);
    expect(lines.join('\n')).toContain('audit chain BROKEN at record 5');

    // A forger who also recomputes the record's own hash breaks the next link instead.
    const { hashOf } = await import('../src/chain.js');
    await context.db.transaction((tx) =>
      context.db.records.put(tx, KINDS.record, id, { ...forged, hash: hashOf(forged) }),
    );
    expect((await audit.verifyChain()).firstBroken).toMatchObject({
      seq: 6,
      expected: hashOf(forged),
      actual: stored.hash,
    });
    await listener.close();
  });

  it('keeps the chain valid through an erasure: the log never held the personal data', async () => {
    const citizen_id = await publishMix();
    await publisher.publish('citizen.erasure-requested', {
      erasure_request_id: randomUUID(),
      citizen_id,
      delete: true,
      reason: 'citizen-request',
      complete_by: '2026-04-01',
      requested_at: at,
    });
    await until(async () => (await audit.count()) === 9);
    const result = await audit.verifyChain();
    expect(result).toMatchObject({ ok: true, records: 9 });
    expect(await logText()).not.toMatch(/Amara|Okafor|QQ123456C/);
  });

  it('the CLI refuses bad arguments with the usage (exit 2)', async () => {
    const errors: string[] = [];
    expect(
      await main(
        [],
        () => {},
        (line) => errors.push(line),
      ),
    ).toBe(2);
    expect(
      await main(
        ['--db', '/nonexistent/audit.db'],
        () => {},
        (line) => errors.push(line),
      ),
    ).toBe(2);
    expect(
      await main(
        ['--postgres', 'postgres://x'],
        () => {},
        (line) => errors.push(line),
      ),
    ).toBe(2);
    expect(errors.join('\n')).toMatch(
      /exactly one of --db or --postgres[\s\S]*no database file at \/nonexistent\/audit.db[\s\S]*--postgres needs --prefix/,
    );
  });
});
