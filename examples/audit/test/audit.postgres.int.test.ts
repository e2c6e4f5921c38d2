/**
 * Two audit instances (as two processes would be) on one PostgreSQL chain, appending at once: the head's version
 * check in each append's transaction keeps one chain (the loser rolls back and its event is redelivered).
 */
import { randomUUID } from 'node:crypto';
import type { EventMap } from '@humangov/events';
import { createMemoryBroker, createPublisher } from '@humangov/sdk';
import { createTransport, openDatabase, type ServiceContext } from '@humangov-examples/kit';
import { until } from '@humangov-examples/kit/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningAudit, startAudit } from '../src/index.js';
import { main } from '../src/verify-cli.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://humangov:humangov@127.0.0.1:5432/humangov';
// One fixed set of tables (not one per run: the suite has no way to drop them); the chain just grows per run.
const prefix = 'humangov_example_audit_it_';
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('audit on PostgreSQL', () => {
  it('keeps one intact chain while two instances append concurrently', async () => {
    const broker = createMemoryBroker();
    const instances: RunningAudit[] = [];
    for (const name of ['audit-a', 'audit-b']) {
      const db = await openDatabase({ kind: 'postgres', url: DATABASE_URL, prefix });
      const transport = createTransport({ kind: 'memory', broker }, name);
      const context: ServiceContext = { db, transport, tokenSecret: 's', log: () => {} };
      const audit = await startAudit(context, { relayPollMs: 20 });
      instances.push(audit);
      cleanups.push(async () => {
        await audit.close();
        await transport.close();
        await db.close();
      });
    }
    const publisher = createPublisher<EventMap>({
      transport: createTransport({ kind: 'memory', broker }, 'p'),
      source: '/test',
    });
    const at = '2026-03-01T10:00:00Z';
    const published = 40;
    const before = await instances[0]!.count();
    await Promise.all(
      Array.from({ length: published }, (_, i) =>
        i % 2 === 0
          ? publisher.publish('citizen.registered', {
              citizen_id: randomUUID(),
              given_name: 'A',
              family_name: `B${i}`,
              date_of_birth: '1990-01-01',
              registered_at: at,
            })
          : publisher.publish('eligibility.check-requested', {
              check_id: randomUUID(),
              application_id: randomUUID(),
              citizen_id: randomUUID(),
              benefit_type: 'housing-support',
              reply_by: at,
              requested_at: at,
            }),
      ),
    );
    const [a, b] = instances as [RunningAudit, RunningAudit];
    await until(async () => (await a.count()) >= before + published);
    const ids = await b.eventIds();
    expect(new Set(ids).size).toBe(ids.length);
    expect((await a.verifyChain()).ok).toBe(true);
    const lines: string[] = [];
    expect(await main(['--postgres', DATABASE_URL, '--prefix', prefix], (line) => lines.push(line))).toBe(0);
    expect(lines[0]).toMatch(/^audit chain intact: \d+ records verified/);
  });
});
