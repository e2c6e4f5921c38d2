import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '@humangov/resilience';
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import {
  createClient,
  type HttpClientError,
  type HttpClientEvent,
  type HttpClientOptions,
  isHttpClientError,
} from '../index.js';
import type { CitizenRegistryComponents, CitizenRegistryPaths } from './generated/index.js';

type Citizen = CitizenRegistryComponents['schemas']['Citizen'];
type Problem = CitizenRegistryComponents['schemas']['Problem'];

const citizen: Citizen = {
  citizen_id: '0b6f7c1e-3a52-4d8e-9f0a-5c2e1d4b7a90',
  given_name: 'Amara',
  family_name: 'Okafor',
  date_of_birth: '1988-11-02',
  address: { line1: '14 Elm Grove', locality: 'Northfield', postal_code: 'B31 2AA', country_code: 'GB' },
  status: 'active',
  version: 7,
  registered_at: '2026-01-05T10:00:00Z',
  updated_at: '2026-01-05T10:00:00Z',
};
const registration = {
  given_name: 'Amara',
  family_name: 'Okafor',
  date_of_birth: '1988-11-02',
  address: citizen.address,
};
const path = { citizen_id: citizen.citizen_id };

// A real HTTP server on loopback; each test scripts its responses and reads the requests it got.
interface Call {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}
type Reply = (res: ServerResponse) => void;
let server: Server;
let baseUrl: string;
const calls: Call[] = [];
let replies: Reply[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      calls.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      // The last scripted reply repeats.
      const reply = replies[Math.min(calls.length, replies.length) - 1];
      reply?.(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  calls.length = 0;
  replies = [];
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

// `Connection: close` so that every request is a new connection and the server counts each one.
const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
  (res) => {
    const type = status >= 400 ? 'application/problem+json' : 'application/json';
    res.writeHead(status, { 'Content-Type': type, Connection: 'close', ...headers }).end(JSON.stringify(body));
  };
const problem = (status: number, title: string, headers: Record<string, string> = {}): Reply =>
  json(status, { type: `https://errors.humangov.example/${status}`, title, status }, headers);
const unavailable = (retryAfter: string) => problem(503, 'Service unavailable', { 'Retry-After': retryAfter });
const dropConnection: Reply = (res) => res.socket?.destroy();
const hang: Reply = () => {};

function client(options: Partial<HttpClientOptions> = {}) {
  return createClient<CitizenRegistryPaths>({ baseUrl, initialDelayMs: 1, random: () => 0, ...options });
}

describe('createClient: typed calls', () => {
  it('GETs a citizen, typed by the spec, with the raw response', async () => {
    replies = [json(200, citizen, { ETag: '"7"' })];
    const { data, error, response } = await client().GET('/citizens/{citizen_id}', { params: { path } });

    expectTypeOf(data).toEqualTypeOf<Citizen | undefined>();
    expect(error).toBeUndefined();
    expect(data?.family_name).toBe('Okafor');
    expect(response?.headers.get('ETag')).toBe('"7"');
    expect(calls).toMatchObject([{ method: 'GET', url: `/citizens/${citizen.citizen_id}` }]);
  });

  it('rejects a wrong path, a wrong body field and a missing required header at compile time', () => {
    const api = client();
    const compileOnly = () => {
      // @ts-expect-error: no such path in the Citizen Registry spec
      void api.GET('/citizen/{citizen_id}', { params: { path } });
      const { family_name, ...rest } = registration;
      void api.POST('/citizens', {
        params: { header: { 'Idempotency-Key': 'key-0001' } },
        // @ts-expect-error: `famly_name` is not a field of RegisterCitizenRequest (family_name is)
        body: { ...rest, famly_name: family_name },
      });
      void api.POST('/citizens', {
        params: { header: { 'Idempotency-Key': 'key-0001' } },
        // @ts-expect-error: household_size is a number
        body: { ...registration, circumstances: { household_size: 'three' } },
      });
      // @ts-expect-error: the spec requires Idempotency-Key on this POST
      void api.POST('/citizens', { body: registration });
    };
    expect(compileOnly).toBeTypeOf('function');
  });

  it('returns a 400 problem+json as a typed error value with its status, sent once', async () => {
    replies = [problem(400, 'Invalid query')];
    const { data, error, response } = await client().GET('/citizens', { params: { query: { limit: 500 } } });

    expect(data).toBeUndefined();
    expectTypeOf(error).toEqualTypeOf<Problem | HttpClientError | undefined>();
    expect(error).toMatchObject({ title: 'Invalid query', status: 400 });
    expect(response?.status).toBe(400);
    expect(calls).toHaveLength(1);
  });

  it('turns an error without a JSON body into an about:blank problem', async () => {
    replies = [(res) => res.writeHead(404, 'Not Found', { Connection: 'close' }).end('<h1>gone</h1>')];
    const { error, response } = await client().GET('/citizens/{citizen_id}', { params: { path } });

    expect(error).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: '<h1>gone</h1>' });
    expect(response?.status).toBe(404);
  });
});

describe('createClient: retries', () => {
  it('retries a GET after a 503 with Retry-After: 0', async () => {
    replies = [unavailable('0'), json(200, citizen)];
    const events: HttpClientEvent[] = [];
    const { data } = await client({ onEvent: (e) => events.push(e) }).GET('/citizens/{citizen_id}', {
      params: { path },
    });

    expect(data?.citizen_id).toBe(citizen.citizen_id);
    expect(calls).toHaveLength(2);
    expect(events).toMatchObject([{ type: 'retry', method: 'GET', attempt: 1, status: 503, delayMs: 0 }]);
  });

  it('sends a POST without Idempotency-Key once, even on 503', async () => {
    replies = [unavailable('0'), json(201, citizen)];
    // @ts-expect-error: the spec requires the key; a caller that omits it anyway gets no retries
    const { error, response } = await client().POST('/citizens', { body: registration });

    expect(response?.status).toBe(503);
    expect(error).toMatchObject({ status: 503, title: 'Service unavailable' });
    expect(calls).toHaveLength(1);
  });

  it('retries a POST with Idempotency-Key, resending the same key and body', async () => {
    replies = [unavailable('0'), json(201, citizen)];
    const { data, response } = await client().POST('/citizens', {
      params: { header: { 'Idempotency-Key': '3c2f7a9e-5d1b-4f8a' } },
      body: registration,
    });

    expect(response?.status).toBe(201);
    expect(data?.citizen_id).toBe(citizen.citizen_id);
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => c.headers['idempotency-key'])).toEqual(['3c2f7a9e-5d1b-4f8a', '3c2f7a9e-5d1b-4f8a']);
    expect(calls.map((c) => JSON.parse(c.body))).toEqual([registration, registration]);
  });

  it('returns the last 503 when the attempts run out', async () => {
    replies = [unavailable('0')];
    const { error, response } = await client({ maxAttempts: 3 }).GET('/citizens/{citizen_id}', { params: { path } });

    expect(response?.status).toBe(503);
    expect(error).toMatchObject({ status: 503 });
    expect(calls).toHaveLength(3);
  });

  it('honours Retry-After as an HTTP date, and caps a long one at maxRetryAfterMs', async () => {
    const due = 'Wed, 21 Oct 2026 07:28:00 GMT';
    const now = Date.parse(due) - 120;
    replies = [unavailable(due), unavailable('3600'), json(200, citizen)];
    const events: HttpClientEvent[] = [];
    const started = Date.now();
    const { data } = await client({
      clock: { ...systemClock, now: () => now },
      maxRetryAfterMs: 40,
      onEvent: (e) => events.push(e),
    }).GET('/citizens/{citizen_id}', { params: { path } });

    expect(data?.citizen_id).toBe(citizen.citizen_id);
    // 120 ms asked by the date, cut to 40; 3600 s asked, cut to 40.
    expect(events.map((e) => e.type === 'retry' && e.delayMs)).toEqual([40, 40]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    expect(calls).toHaveLength(3);
  });

  it('waits the Retry-After date when it is under the cap', async () => {
    const due = 'Wed, 21 Oct 2026 07:28:00 GMT';
    replies = [unavailable(due), json(200, citizen)];
    const events: HttpClientEvent[] = [];
    const started = Date.now();
    await client({ clock: { ...systemClock, now: () => Date.parse(due) - 120 }, onEvent: (e) => events.push(e) }).GET(
      '/citizens/{citizen_id}',
      { params: { path } },
    );

    expect(events).toMatchObject([{ type: 'retry', delayMs: 120 }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('asks the token provider before every attempt', async () => {
    replies = [unavailable('0'), problem(429, 'Slow down', { 'Retry-After': '0' }), json(200, citizen)];
    let issued = 0;
    const { data } = await client({ token: async () => `token-${++issued}` }).GET('/citizens/{citizen_id}', {
      params: { path },
    });

    expect(data?.citizen_id).toBe(citizen.citizen_id);
    expect(calls.map((c) => c.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2', 'Bearer token-3']);
  });
});

describe('createClient: failures without a response are values', () => {
  it('returns a timeout error when no response comes within timeoutMs', async () => {
    replies = [hang];
    const { data, error, response } = await client({ timeoutMs: 50, maxAttempts: 2 }).GET('/citizens/{citizen_id}', {
      params: { path },
    });

    expect(data).toBeUndefined();
    expect(response).toBeUndefined();
    expect(isHttpClientError(error, 'HUMANGOV_HTTP_TIMEOUT')).toBe(true);
    expect(error).toMatchObject({ code: 'HUMANGOV_HTTP_TIMEOUT', timeoutMs: 50, attempts: 2, method: 'GET' });
    expect(calls).toHaveLength(2);
  });

  it('returns a network error when the connection is refused', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const { error } = await client({ baseUrl: `http://127.0.0.1:${port}` }).GET('/citizens/{citizen_id}', {
      params: { path },
    });
    expect(error).toMatchObject({ code: 'HUMANGOV_HTTP_NETWORK', attempts: 3, retryable: true });
  });

  it('returns an aborted error when the caller aborts', async () => {
    replies = [hang];
    const { error } = await client().GET('/citizens/{citizen_id}', {
      params: { path },
      signal: AbortSignal.timeout(30),
    });
    expect(error).toMatchObject({ code: 'HUMANGOV_HTTP_ABORTED', retryable: false });
    expect(calls).toHaveLength(1);
  });
});

describe('createClient: circuit breaker per origin', () => {
  it('opens after repeated failures, sends nothing while open, and closes after a good probe', async () => {
    replies = [dropConnection];
    const events: HttpClientEvent[] = [];
    const api = client({
      maxAttempts: 2,
      breaker: { breaker: { type: 'consecutive', failures: 4 }, halfOpenAfterMs: 150 },
      onEvent: (e) => events.push(e),
    });
    const get = () => api.GET('/citizens/{citizen_id}', { params: { path } });

    // Two calls of two attempts: four failures open the circuit.
    expect((await get()).error).toMatchObject({ code: 'HUMANGOV_HTTP_NETWORK', attempts: 2 });
    expect((await get()).error).toMatchObject({ code: 'HUMANGOV_HTTP_NETWORK', attempts: 2 });
    expect(calls).toHaveLength(4);
    expect(api.breaker(baseUrl).state).toBe('open');

    // Open: 20 calls, no request storm: 0 requests, each fails at once.
    const started = Date.now();
    const refused = await Promise.all(Array.from({ length: 20 }, get));
    expect(Date.now() - started).toBeLessThan(100);
    expect(calls).toHaveLength(4);
    for (const { error } of refused) {
      expect(error).toMatchObject({ code: 'HUMANGOV_HTTP_CIRCUIT_OPEN', origin: baseUrl, attempts: 0 });
    }

    // Half-open after 150 ms: one probe goes through; it succeeds and closes the circuit.
    replies = [json(200, citizen)];
    calls.length = 0;
    await new Promise((resolve) => setTimeout(resolve, 160));
    expect((await get()).data?.citizen_id).toBe(citizen.citizen_id);
    expect(calls).toHaveLength(1);
    expect(api.breaker(baseUrl).state).toBe('closed');
    expect(events.filter((e) => e.type === 'circuit').map((e) => e.type === 'circuit' && e.to)).toEqual([
      'open',
      'half-open',
      'closed',
    ]);
  });

  it('does not count 4xx responses as failures', async () => {
    replies = [problem(404, 'Citizen not found')];
    const api = client({ breaker: { breaker: { type: 'consecutive', failures: 2 } } });
    for (let i = 0; i < 5; i++) {
      expect((await api.GET('/citizens/{citizen_id}', { params: { path } })).error).toMatchObject({ status: 404 });
    }
    expect(calls).toHaveLength(5);
    expect(api.breaker(baseUrl).state).toBe('closed');
  });
});
