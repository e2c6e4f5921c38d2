/**
 * The one-process-per-service entry (`src/child.ts`) as a container runs it: health endpoints on `HEALTH_PORT`
 * (consumers) or on the API port (`PORT`, `HOST`), and SIGTERM closing the service gracefully with exit code 0.
 * On the memory transport (the child's own broker) and SQLite; no timing is asserted.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { issueToken, openDatabase } from '@humangov-examples/kit';
import { afterAll, describe, expect, it } from 'vitest';
import type { DemoSettings, ServiceName } from '../src/settings.js';

const CHILD = fileURLToPath(new URL('../src/child.ts', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'humangov-child-'));
const settings: DemoSettings = {
  transport: 'memory',
  db: 'sqlite',
  dataDir,
  runId: 'child-test',
  tokenSecret: 'child-test-secret-0123456789abcdef',
  kafkaBrokers: [],
  amqpUrl: '',
  databaseUrl: '',
  citizens: 0,
};
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Forks the child for `service` with `env`; resolves with it once it reported ready, and its URLs. */
async function start(service: ServiceName, env: Record<string, string>) {
  const child = fork(CHILD, [], {
    execArgv: ['--import', 'tsx'],
    cwd: fileURLToPath(new URL('..', import.meta.url)), // where tsx resolves
    env: { ...process.env, DEMO_SERVICE: service, DEMO_SETTINGS: JSON.stringify(settings), ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await new Promise<{ url?: string; healthUrl?: string }>((resolve, reject) => {
    child.on('message', (message: { ready?: { url?: string; healthUrl?: string }; failed?: string }) => {
      if (message.ready) resolve(message.ready);
      if (message.failed) reject(new Error(message.failed));
    });
    void exited.then((code) => reject(new Error(`${service} exited with ${code} before it was ready`)));
  });
  return { child, exited, ...ready };
}

const status = async (url: string) => (await fetch(url)).status;

describe('child.ts, as a container runs it', () => {
  it('a consumer serves /healthz and /readyz on HEALTH_PORT, and SIGTERM closes it with exit code 0', {
    timeout: 60_000,
  }, async () => {
    const eligibility = await start('eligibility', { HEALTH_PORT: '0', HOST: '127.0.0.1' });
    expect(eligibility.url).toBeUndefined();
    expect(eligibility.healthUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await status(`${eligibility.healthUrl}/healthz`)).toBe(200);
    const ready = await fetch(`${eligibility.healthUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { service: 'started', database: 'up' } });

    eligibility.child.kill('SIGTERM');
    expect(await eligibility.exited).toBe(0);
    await expect(fetch(`${eligibility.healthUrl}/healthz`)).rejects.toThrow(); // nothing listens any more
  });

  it('an API service answers the probes on PORT without a token; what it accepted before SIGTERM is stored and relayed', {
    timeout: 60_000,
  }, async () => {
    const registry = await start('citizen-registry', { PORT: '0', HOST: '127.0.0.1' });
    expect(await status(`${registry.url}/readyz`)).toBe(200);
    expect(await status(`${registry.url}/healthz`)).toBe(200);
    expect(await status(`${registry.url}/citizens`)).toBe(401);

    const token = issueToken(settings.tokenSecret, 'caseworker', ['citizens:write']);
    const registered = await fetch(`${registry.url}/citizens`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': 'child-test-1',
      },
      body: JSON.stringify({
        given_name: 'Amara',
        family_name: 'Okafor',
        date_of_birth: '1988-11-02',
        address: { line1: '1 High Street', locality: 'Springfield', postal_code: 'SP1 1AA', country_code: 'GB' },
        circumstances: {
          status: 'unemployed',
          household_size: 1,
          monthly_income: '400.00',
          currency: 'GBP',
          effective_date: '2026-01-01',
        },
      }),
    });
    expect(registered.status, await registered.clone().text()).toBe(201);
    const { citizen_id } = (await registered.json()) as { citizen_id: string };

    registry.child.kill('SIGTERM');
    expect(await registry.exited).toBe(0);

    const db = await openDatabase({ kind: 'sqlite', file: join(dataDir, 'citizen-registry.db') });
    try {
      expect(await db.records.get('citizen', citizen_id)).toBeDefined();
      // The relay flushed before the process left: nothing waits in the outbox.
      expect((await db.outbox.lag()).pending).toBe(0);
    } finally {
      await db.close();
    }
  });
});
