import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { issueToken } from './auth.js';
import { openDatabase } from './db.js';
import { createHealthServer, createReadiness } from './health.js';
import { createHttpApp } from './http.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sqlite() {
  const dir = mkdtempSync(join(tmpdir(), 'kit-health-'));
  const db = await openDatabase({ kind: 'sqlite', file: join(dir, 'service.db') });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return db;
}

const get = async (url: string, token?: string) => {
  const response = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: response.status, body: await response.json() };
};

describe('health endpoints', () => {
  it('a health server: live at once, ready only between start and shutdown, 404 elsewhere', async () => {
    const db = await sqlite();
    cleanups.push(() => db.close());
    const readiness = createReadiness(db);
    const server = await createHealthServer(readiness);
    cleanups.push(() => server.close());

    expect(await get(`${server.url}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await get(`${server.url}/readyz`)).toMatchObject({
      status: 503,
      body: { ready: false, checks: { service: 'starting' } },
    });
    readiness.markStarted();
    expect(await get(`${server.url}/readyz`)).toEqual({
      status: 200,
      body: { ready: true, checks: { service: 'started', database: 'up' } },
    });
    readiness.markStopping();
    readiness.markStarted(); // shutdown is final
    expect(await get(`${server.url}/readyz`)).toMatchObject({ status: 503, body: { checks: { service: 'stopping' } } });
    expect(await get(`${server.url}/healthz`)).toMatchObject({ status: 200 });
    expect((await get(`${server.url}/metrics`)).status).toBe(404);
  });

  it('not ready when the database does not answer, though still live', async () => {
    const db = await sqlite();
    const readiness = createReadiness(db);
    readiness.markStarted();
    expect((await readiness.check()).ready).toBe(true);
    await db.close();
    const report = await readiness.check();
    expect(report).toMatchObject({ ready: false, checks: { service: 'started', database: 'down' } });
    expect(report.detail).toMatch(/^database: /);

    const hanging = createReadiness({ ping: () => new Promise(() => {}) }, { timeoutMs: 20 });
    hanging.markStarted();
    expect(await hanging.check()).toMatchObject({ ready: false, detail: 'database: no answer within 20 ms' });
  });

  it('an HTTP app with readiness answers the probes without a token; its routes still need one', async () => {
    const db = await sqlite();
    cleanups.push(() => db.close());
    const readiness = createReadiness(db);
    const app = createHttpApp({ name: 'test', tokenSecret: 'secret', readiness }).route(
      'GET',
      '/things',
      'things:read',
      async () => ({ status: 200, body: [] }),
    );
    const url = await app.listen(0, '127.0.0.1');
    cleanups.push(() => app.close());
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await get(`${url}/readyz`)).status).toBe(503);
    readiness.markStarted();
    expect((await get(`${url}/readyz`)).status).toBe(200);
    expect((await get(`${url}/healthz`)).status).toBe(200);
    expect((await get(`${url}/things`)).status).toBe(401);
    expect((await get(`${url}/things`, issueToken('secret', 'someone', ['things:read']))).status).toBe(200);
  });

  it('an HTTP app without readiness has no probes: /readyz is an unknown route', async () => {
    const app = createHttpApp({ name: 'test', tokenSecret: 'secret' });
    const url = await app.listen();
    cleanups.push(() => app.close());
    expect((await get(`${url}/readyz`)).status).toBe(404);
  });
});
