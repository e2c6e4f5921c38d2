/**
 * A dependency that fails 100 % then recovers, behind the SDK's `createClient` (retry + per-origin circuit breaker +
 * timeout) under a steady load of calls: a real node:http server counts the requests that reach it. The breaker
 * must open, fail fast (no request while open), half-open (at most `halfOpenMaxProbes` requests per half-open
 * period) and close after recovery; the requests that reach the failing server stay bounded (no request storm).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type HttpClientEvent, isHttpClientError } from '../src/index.js';

interface Paths {
  '/ping': {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get: {
      parameters: { query?: never; header?: never; path?: never; cookie?: never };
      requestBody?: never;
      responses: {
        200: { headers: { [name: string]: unknown }; content: { 'application/json': { ok: boolean } } };
      };
    };
  };
}

const LOOPS = 8;
const FAIL_MS = 3_000;
const MINIMUM_THROUGHPUT = 10;
const HALF_OPEN_AFTER_MS = 400;
const PROBES = 2;

let server: Server;
let baseUrl: string;
let failing = true;
const arrivals: Array<{ at: number; failing: boolean }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    arrivals.push({ at: performance.now(), failing });
    req.resume();
    if (failing) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('down');
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('circuit breaker: a dependency that fails 100 % then recovers', () => {
  it('opens, fails fast, half-opens with bounded probes, closes; no request storm', async () => {
    // The state as the client reports it, and every request it sends tagged with the period it was sent in.
    let state = 'closed';
    let period = 0;
    type Period = { state: string; at: number; sent: number; inFlight: number; maxInFlight: number };
    const periodOf = (state: string, at: number): Period => ({ state, at, sent: 0, inFlight: 0, maxInFlight: 0 });
    const periods: Period[] = [periodOf('closed', 0)];
    const onEvent = (e: HttpClientEvent) => {
      if (e.type !== 'circuit') return;
      state = e.to;
      period++;
      periods.push(periodOf(e.to, performance.now()));
    };
    const client = createClient<Paths>({
      baseUrl,
      timeoutMs: 1_000,
      maxAttempts: 3,
      initialDelayMs: 20,
      breaker: {
        breaker: { type: 'count', size: 20 },
        minimumThroughput: MINIMUM_THROUGHPUT,
        failureRate: 0.5,
        halfOpenAfterMs: HALF_OPEN_AFTER_MS,
        halfOpenMaxProbes: PROBES,
      },
      // Requests are counted in the period they were sent in, with how many of them were in flight at once.
      fetch: async (request) => {
        const p = periods[period]!;
        p.sent++;
        p.maxInFlight = Math.max(p.maxInFlight, ++p.inFlight);
        try {
          return await fetch(request);
        } finally {
          p.inFlight--;
        }
      },
      onEvent,
    });

    const outcomes = { ok: 0, failed: 0, fastFailed: 0, other: 0 };
    const started = performance.now();
    let recoveredAt = Number.POSITIVE_INFINITY;
    let stopAt = Number.POSITIVE_INFINITY;
    const loop = async () => {
      while (performance.now() < stopAt) {
        const { data, error } = await client.GET('/ping', {});
        if (data?.ok) outcomes.ok++;
        else if (isHttpClientError(error, 'HUMANGOV_HTTP_CIRCUIT_OPEN')) outcomes.fastFailed++;
        else if (error && 'status' in error && error.status === 503) outcomes.failed++;
        else outcomes.other++;
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const loops = Array.from({ length: LOOPS }, loop);
    await new Promise((r) => setTimeout(r, FAIL_MS));
    failing = false;
    recoveredAt = performance.now();
    // Run until closed again, plus 1 s of healthy traffic.
    const deadline = recoveredAt + 10_000;
    while (state !== 'closed' && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    stopAt = performance.now() + 1_000;
    await Promise.all(loops);

    const whileFailing = arrivals.filter((a) => a.failing).length;
    const afterRecovery = arrivals.length - whileFailing;
    const sentWhileOpen = periods.filter((p) => p.state === 'open').reduce((n, p) => n + p.sent, 0);
    const halfOpen = periods.filter((p) => p.state === 'half-open');
    const halfOpenWhileFailing = halfOpen.filter((p) => p.at < recoveredAt).length;
    const maxProbes = Math.max(0, ...halfOpen.map((p) => p.maxInFlight));
    const maxPerPeriod = Math.max(0, ...halfOpen.map((p) => p.sent));
    const firstClosed = periods[0]!.sent;
    const transitions = periods.map((p) => p.state).join('>');
    const bound = MINIMUM_THROUGHPUT + LOOPS + PROBES * halfOpenWhileFailing;
    console.log(
      `breaker fail 100 % for ${FAIL_MS} ms then recover, ${LOOPS} callers: requests reaching the server ` +
        `${arrivals.length} (${whileFailing} while failing, bound ${bound}; ${afterRecovery} after recovery); ` +
        `before opening ${firstClosed}, while open ${sentWhileOpen}, half-open periods ${halfOpen.length} ` +
        `(${halfOpenWhileFailing} while failing) with at most ${maxProbes} probes at once and ${maxPerPeriod} in one ` +
        `period; calls: ${outcomes.ok} ok, ` +
        `${outcomes.failed} 503, ${outcomes.fastFailed} failed fast, ${outcomes.other} other; ` +
        `closed ${((periods.at(-1)!.at - recoveredAt) / 1000).toFixed(2)} s after recovery; ` +
        `states ${transitions.replace(/(?:half-open>open>)+/g, (m) => `(half-open>open>)x${m.split('>').length >> 1}>`)}; ` +
        `total ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(periods[1]?.state).toBe('open');
    expect(sentWhileOpen).toBe(0);
    expect(halfOpen.length).toBeGreaterThan(0);
    // halfOpenMaxProbes bounds the probes in flight at once; PROBES successes close the circuit, so one period sends
    // at most PROBES successes plus the PROBES - 1 still in flight when the last of them closes it.
    expect(maxProbes).toBeLessThanOrEqual(PROBES);
    expect(maxPerPeriod).toBeLessThanOrEqual(2 * PROBES - 1);
    expect(firstClosed).toBeLessThanOrEqual(MINIMUM_THROUGHPUT + LOOPS);
    expect(whileFailing).toBeLessThanOrEqual(bound);
    // No storm in time either: about one half-open period per HALF_OPEN_AFTER_MS while failing.
    expect(halfOpenWhileFailing).toBeLessThanOrEqual(Math.ceil(FAIL_MS / HALF_OPEN_AFTER_MS) + 1);
    expect(state).toBe('closed');
    expect(outcomes.fastFailed).toBeGreaterThan(0);
    expect(outcomes.ok).toBeGreaterThan(0);
    expect(outcomes.other).toBe(0);
  }, 60_000);
});
