import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CitizenRegistryPaths } from '@humangov/sdk';
import { MatchersV3 } from '@pact-foundation/pact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPactError, type PactVerificationError } from '../errors.js';
import { httpPact } from './http-consumer.js';
import { verifyHttpProvider } from './http-provider.js';

/** The error `promise` rejects with; fails the test if it resolves. */
async function rejectionOf<E = Error>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected a rejection, but it resolved');
}

const CITIZEN_ID = '8d4f1c2a-6b3e-4a9d-9f21-3c5e7a1b2d40';

// A tiny real citizen registry: GET /citizens/{id} from an in-memory table the state handlers fill.
function startRegistry(options: { dropFamilyName?: boolean } = {}) {
  const citizens = new Map<string, Record<string, unknown>>();
  const server: Server = createServer((request, response) => {
    const match = /^\/citizens\/([^/]+)$/.exec(request.url ?? '');
    const citizen = match && request.method === 'GET' ? citizens.get(decodeURIComponent(match[1] ?? '')) : undefined;
    if (!citizen) {
      response.writeHead(404, { 'content-type': 'application/problem+json' });
      response.end(JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404 }));
      return;
    }
    const { family_name, ...rest } = citizen;
    response.writeHead(200, { 'content-type': 'application/json', etag: `"${citizen.version}"` });
    response.end(JSON.stringify(options.dropFamilyName ? rest : citizen));
  });
  const ready = new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
  const stateHandlers = {
    'citizen exists': (params: Readonly<Record<string, unknown>>) => {
      const id = String(params.citizen_id);
      citizens.set(id, {
        citizen_id: id,
        given_name: 'Amara',
        family_name: 'Okafor',
        date_of_birth: '1988-11-02',
        address: { line1: '14 Elm Grove', locality: 'Northfield', postal_code: 'B31 2QX', country_code: 'GB' },
        status: 'active',
        version: 3,
        registered_at: '2025-03-03T10:15:00Z',
      });
    },
  };
  return { ready, stateHandlers, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('HTTP pacts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'humangov-pact-http-'));
  const pact = httpPact<CitizenRegistryPaths>({ consumer: 'benefits', provider: 'citizen-registry', dir });
  const getCitizen = pact.interaction({
    given: { name: 'citizen exists', params: { citizen_id: CITIZEN_ID } },
    method: 'GET',
    path: '/citizens/{citizen_id}',
    pathParams: { citizen_id: CITIZEN_ID },
    response: {
      status: 200,
      body: { citizen_id: CITIZEN_ID, given_name: 'Amara', family_name: 'Okafor', status: MatchersV3.equal('active') },
    },
  });

  const registry = startRegistry();
  const broken = startRegistry({ dropFamilyName: true });
  beforeAll(() => Promise.all([registry.ready, broken.ready]));
  afterAll(() => Promise.all([registry.close(), broken.close()]));

  it('runs the typed client against the mock server and writes the interaction', async () => {
    const name = await getCitizen.verify(async (client) => {
      const { data, error } = await client.GET('/citizens/{citizen_id}', {
        params: { path: { citizen_id: CITIZEN_ID } },
      });
      if (error) throw new Error(`unexpected ${JSON.stringify(error)}`);
      return `${data.given_name} ${data.family_name}`;
    });
    expect(name).toBe('Amara Okafor');
    const file = JSON.parse(readFileSync(join(dir, 'benefits-citizen-registry.json'), 'utf8'));
    expect(file.metadata.pactSpecification.version).toBe('4.0');
    expect(file.interactions[0]).toMatchObject({
      type: 'Synchronous/HTTP',
      description: 'GET /citizens/{citizen_id} -> 200',
      providerStates: [{ name: 'citizen exists', params: { citizen_id: CITIZEN_ID } }],
      request: { method: 'GET', path: `/citizens/${CITIZEN_ID}` },
    });
  });

  it('verifies the running provider, its state handler setting the citizen up', async () => {
    await verifyHttpProvider({
      provider: 'citizen-registry',
      baseUrl: await registry.ready,
      pactDir: dir,
      stateHandlers: registry.stateHandlers,
    });
  });

  it('fails a provider whose response lacks a member the consumer reads, naming interaction and path', async () => {
    const error = await rejectionOf<PactVerificationError>(
      verifyHttpProvider({
        provider: 'citizen-registry',
        baseUrl: await broken.ready,
        pactDir: dir,
        stateHandlers: broken.stateHandlers,
      }),
    );
    expect(isPactError(error, 'HUMANGOV_PACT_VERIFICATION_FAILED')).toBe(true);
    expect(error.failures[0]?.interaction).toMatch(/between benefits and citizen-registry.*GET \/citizens/);
    expect(error.message).toMatch(/\$: Actual map is missing the following keys: family_name/);
    expect(error.message).toMatch(/fix: make the service answer this request as consumer 'benefits' expects/);
  });

  it('says which state handler to add', async () => {
    const error = await rejectionOf(
      verifyHttpProvider({
        provider: 'citizen-registry',
        baseUrl: await registry.ready,
        pactDir: dir,
      }),
    );
    expect(error.message).toMatch(/fix: add stateHandlers\['citizen exists'\]/);
  });

  it('fails a consumer whose request does not match its expectation, saying how', async () => {
    const other = mkdtempSync(join(tmpdir(), 'humangov-pact-http-'));
    const error = await rejectionOf(
      httpPact<CitizenRegistryPaths>({ consumer: 'eligibility', provider: 'citizen-registry', dir: other })
        .interaction({
          method: 'GET',
          path: '/citizens/{citizen_id}',
          pathParams: { citizen_id: CITIZEN_ID },
          response: { status: 200, body: { citizen_id: CITIZEN_ID } },
        })
        .verify(async (client) => {
          const { error: failure } = await client.GET('/citizens/{citizen_id}', {
            params: { path: { citizen_id: 'someone-else' } }, // Broken: asks for another citizen.
          });
          if (failure) throw new Error('no citizen');
        }),
    );
    expect(isPactError(error, 'HUMANGOV_PACT_CONSUMER_FAILED')).toBe(true);
    expect(error.message).toMatch(/'GET \/citizens\/\{citizen_id\} -> 200' failed: no citizen/);
    expect(error.message).toMatch(
      /the request did not match the expectation: the mock server got GET \/citizens\/someone-else, which no expectation/,
    );
    expect(() => readFileSync(join(other, 'eligibility-citizen-registry.json'))).toThrow(/ENOENT/);
  });

  it('types interactions by the generated paths', () => {
    const typed = () => {
      // @ts-expect-error not a path of the citizen registry
      pact.interaction({ method: 'GET', path: '/citizen/{id}', response: { status: 200 } });
      // @ts-expect-error /citizens/{citizen_id} has no POST
      pact.interaction({ method: 'POST', path: '/citizens/{citizen_id}', response: { status: 200 } });
      // @ts-expect-error getCitizen declares no 418
      pact.interaction({ method: 'GET', path: '/citizens/{citizen_id}', response: { status: 418 } });
      pact.interaction({
        method: 'GET',
        path: '/citizens/{citizen_id}',
        // @ts-expect-error version is a number in the spec
        response: { status: 200, body: { version: '3' } },
      });
    };
    expect(typed).toBeTypeOf('function');
  });
});
