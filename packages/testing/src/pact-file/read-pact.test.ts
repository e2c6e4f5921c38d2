import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPactFileError, type PactFileError } from '../errors.js';
import type { PactAsyncMessageInteraction, PactHttpInteraction, PactSyncMessageInteraction } from './model.js';
import { parsePactPath } from './pact-path.js';
import { parsePact, readPact, readPactTestCase } from './read-pact.js';

const parties = { consumer: { name: 'payments' }, provider: { name: 'benefits' } };
const v4 = (interactions: unknown[]) => ({
  ...parties,
  interactions,
  metadata: { pactSpecification: { version: '4.0' } },
});

/** The error `fn` throws; fails the test when it throws none or another kind. */
function failure(fn: () => unknown): PactFileError {
  try {
    fn();
  } catch (error) {
    if (isPactFileError(error)) return error;
    throw error;
  }
  throw new Error('expected a PactFileError');
}

describe('readPact: older and newer shapes', () => {
  it('reads a V2 pact: providerState string, query string, flat $.body/$.headers rules', () => {
    const pact = readPact({
      ...parties,
      metadata: { pactSpecification: { version: '2.0.0' } },
      interactions: [
        {
          description: 'list awards',
          providerState: 'an award exists',
          request: {
            method: 'get',
            path: '/awards',
            query: 'status=active&status=suspended&limit=10',
            matchingRules: { '$.path': { regex: '/awards' }, '$.headers.Accept': { match: 'type' } },
          },
          response: {
            status: 200,
            headers: { 'Content-Type': 'application/json' },
            body: { items: [{ award_id: 'a' }] },
            matchingRules: { '$.body.items': { min: 1 }, '$.body.items[*].award_id': { match: 'type' } },
          },
        },
      ],
    });
    expect(pact.specification).toEqual({ version: '2.0.0', major: 2, declared: true });
    const http = pact.interactions[0] as PactHttpInteraction;
    expect(http.providerStates).toEqual([{ name: 'an award exists' }]);
    expect(http.request.method).toBe('GET');
    expect(http.request.query).toEqual({ status: ['active', 'suspended'], limit: ['10'] });
    expect(http.request.rules.path.$?.matchers).toEqual([{ match: 'regex', regex: '/awards' }]);
    expect(http.request.rules.header.Accept?.matchers).toEqual([{ match: 'type' }]);
    expect(http.response.rules.body).toEqual({
      '$.items': { combine: 'AND', matchers: [{ match: 'type', min: 1 }] },
      '$.items[*].award_id': { combine: 'AND', matchers: [{ match: 'type' }] },
    });
    expect(http.response.body).toEqual({ content: { items: [{ award_id: 'a' }] }, contentType: 'application/json' });
  });

  it('infers the version when the file names none, and reads V1.1 pactSpecificationVersion', () => {
    const interaction = { description: 'd', request: { method: 'GET', path: '/' }, response: { status: 204 } };
    expect(readPact({ ...parties, interactions: [interaction] }).specification).toEqual({
      version: '2',
      major: 2,
      declared: false,
    });
    expect(readPact({ ...parties, messages: [] }).specification.major).toBe(3);
    expect(
      readPact({ ...parties, interactions: [{ ...interaction, type: 'Synchronous/HTTP' }] }).specification.major,
    ).toBe(4);
    const v11 = readPact({ ...parties, interactions: [], metadata: { pactSpecificationVersion: '1.1.0' } });
    expect(v11.specification).toEqual({ version: '1.1.0', major: 1, declared: true });
  });

  it('decodes V4 base64 and json-encoded contents', () => {
    const data = { citizen_id: 'c1' };
    const pact = readPact(
      v4([
        {
          type: 'Asynchronous/Messages',
          description: 'base64',
          contents: {
            content: Buffer.from(JSON.stringify(data)).toString('base64'),
            contentType: 'application/json',
            encoded: 'base64',
          },
        },
        {
          type: 'Asynchronous/Messages',
          description: 'json',
          contents: { content: JSON.stringify(data), contentType: 'application/json', encoded: 'json' },
        },
        {
          type: 'Asynchronous/Messages',
          description: 'binary',
          contents: { content: 'AAEC', contentType: 'application/octet-stream', encoded: 'base64' },
        },
      ]),
    );
    const [b64, json, binary] = pact.interactions as PactAsyncMessageInteraction[];
    expect(b64!.contents).toEqual({ content: data, contentType: 'application/json' });
    expect(json!.contents).toEqual({ content: data, contentType: 'application/json' });
    expect(binary!.contents).toEqual({ content: 'AAEC', contentType: 'application/octet-stream', encoded: 'base64' });
  });

  it('reads a V4 synchronous message with its responses, and V4 content-category rules', () => {
    const pact = readPact(
      v4([
        {
          type: 'Synchronous/Messages',
          description: 'check eligibility',
          request: {
            contents: { content: { citizen_id: 'c1' }, contentType: 'application/json', encoded: false },
            matchingRules: { content: { '$.citizen_id': { matchers: [{ match: 'type' }] } } },
          },
          response: [
            { contents: { content: { eligible: true }, contentType: 'application/json' }, metadata: { a: 'b' } },
          ],
        },
      ]),
    );
    const sync = pact.interactions[0] as PactSyncMessageInteraction;
    expect(sync.kind).toBe('synchronous-message');
    expect(sync.request.rules.body['$.citizen_id']).toEqual({ combine: 'AND', matchers: [{ match: 'type' }] });
    expect(sync.responses.map((r) => [r.contents?.content, r.metadata])).toEqual([[{ eligible: true }, { a: 'b' }]]);
  });

  it('parsePact reads text; readPactTestCase reads both sides of a test case', () => {
    expect(parsePact(JSON.stringify({ ...parties, messages: [] }), { file: 'x.json' }).file).toBe('x.json');
    const testCase = readPactTestCase({
      match: false,
      comment: 'c',
      expected: { contents: { a: 1 }, metaData: { contentType: 'application/json' } },
      actual: { contents: { a: '1' } },
    });
    expect(testCase.expected.contents).toEqual({ content: { a: 1 }, contentType: 'application/json' });
    expect(testCase.actual.contents).toEqual({ content: { a: '1' } });
  });

  it('never changes the value it reads', () => {
    const json = v4([{ type: 'Synchronous/HTTP', description: 'd', request: { method: 'get' }, response: {} }]);
    const before = JSON.stringify(json);
    readPact(Object.freeze(json));
    expect(JSON.stringify(json)).toBe(before);
  });
});

describe('readPact: bad files fail with the file and the JSON path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pact-file-'));

  it.each<[string, unknown, string, RegExp]>([
    ['not an object', [], '$', /a pact file must be a JSON object, found an array/],
    [
      'no provider name',
      { consumer: { name: 'a' }, provider: {}, messages: [] },
      '$.provider.name',
      /provider name must be a string; it is missing/,
    ],
    ['no interactions', parties, '$', /needs "interactions" .* or "messages"/],
    [
      'a version from the future',
      { ...parties, messages: [], metadata: { pactSpecification: { version: '5.0' } } },
      '$.metadata.pactSpecification.version',
      /"5.0" is not supported/,
    ],
    [
      'an unknown V4 type',
      v4([{ type: 'Synchronous/Carrier-Pigeon', description: 'd' }]),
      '$.interactions[0].type',
      /unknown interaction type "Synchronous\/Carrier-Pigeon": expected one of Synchronous\/HTTP, Asynchronous\/Messages, Synchronous\/Messages/,
    ],
    [
      'a status that is not one',
      v4([{ type: 'Synchronous/HTTP', description: 'd', request: { method: 'GET' }, response: { status: '200' } }]),
      '$.interactions[0].response.status',
      /status must be an HTTP status code/,
    ],
    [
      'a missing description',
      { ...parties, messages: [{ contents: {} }] },
      '$.messages[0].description',
      /description must be a string/,
    ],
    [
      'a broken regex',
      {
        ...parties,
        messages: [
          {
            description: 'd',
            contents: {},
            matchingRules: { body: { '$.a': { matchers: [{ match: 'regex', regex: '(' }] } } },
          },
        ],
      },
      "$.messages[0].matchingRules.body['$.a'].matchers[0].regex",
      /"\(" is not a valid regular expression/,
    ],
    [
      'a rule path that is not a path',
      {
        ...parties,
        messages: [{ description: 'd', contents: {}, matchingRules: { body: { 'a.b': { matchers: [] } } } }],
      },
      "$.messages[0].matchingRules.body['a.b']",
      /"a.b" is not a Pact JSON path/,
    ],
    [
      'bad base64',
      v4([
        {
          type: 'Asynchronous/Messages',
          description: 'd',
          contents: { content: '!!', contentType: 'application/json', encoded: 'base64' },
        },
      ]),
      '$.interactions[0].contents.content',
      /not valid base64/,
    ],
    [
      'header values that are objects',
      v4([
        {
          type: 'Synchronous/HTTP',
          description: 'd',
          request: { method: 'GET', headers: { Accept: {} } },
          response: {},
        },
      ]),
      '$.interactions[0].request.headers.Accept',
      /header Accept must be a string or a list of strings/,
    ],
  ])('%s', (_, json, path, message) => {
    const error = failure(() => readPact(json, { file: 'pacts/a-b.json' }));
    expect(error.code).toBe('HUMANGOV_PACT_INVALID');
    expect(error.file).toBe('pacts/a-b.json');
    expect(error.path).toBe(path);
    expect(error.problem).toMatch(message);
    expect(error.message).toBe(`pacts/a-b.json at ${path}: ${error.problem}`);
  });

  it('a missing file, a folder and a file that is not JSON are unreadable, naming the file', () => {
    const missing = failure(() => readPact(join(dir, 'nope.json')));
    expect([missing.code, missing.file, missing.problem]).toEqual([
      'HUMANGOV_PACT_UNREADABLE',
      join(dir, 'nope.json'),
      'no such file',
    ]);
    mkdirSync(join(dir, 'folder.json'));
    expect(failure(() => readPact(join(dir, 'folder.json'))).problem).toBe('is a folder, not a file');
    writeFileSync(join(dir, 'broken.json'), '{ "consumer": ');
    const broken = failure(() => readPact(join(dir, 'broken.json')));
    expect(broken.code).toBe('HUMANGOV_PACT_UNREADABLE');
    expect(broken.message).toMatch(/broken\.json at \$: not JSON/);
  });

  it('isPactFileError checks the code, not the class', () => {
    expect(isPactFileError({ code: 'HUMANGOV_PACT_INVALID' })).toBe(true);
    expect(isPactFileError(new Error('x'))).toBe(false);
    expect(isPactFileError(null)).toBe(false);
  });
});

describe('parsePactPath', () => {
  it.each<[string, unknown]>([
    ['$', []],
    [
      '$.a.b',
      [
        { kind: 'field', name: 'a' },
        { kind: 'field', name: 'b' },
      ],
    ],
    [
      "$['a b'].c-d",
      [
        { kind: 'field', name: 'a b' },
        { kind: 'field', name: 'c-d' },
      ],
    ],
    ['$.animals[*].*', [{ kind: 'field', name: 'animals' }, { kind: 'any-index' }, { kind: 'any-field' }]],
    [
      '$.list[12]',
      [
        { kind: 'field', name: 'list' },
        { kind: 'index', index: 12 },
      ],
    ],
    ['a.b', undefined],
    ['$.a[', undefined],
    ["$['a", undefined],
  ])('%s', (path, tokens) => {
    expect(parsePactPath(path)).toEqual(tokens);
  });
});
