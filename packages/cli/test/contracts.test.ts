/**
 * `humangov contracts verify` over pacts that agree with the HumanGov specs and pacts that contradict them, one
 * contradiction per file (test/fixtures/contracts). Each problem line must name the pact file, the interaction, the
 * JSON path in the interaction and the spec location, and say what to fix.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { recordingIo, repoRoot, scratch } from './helpers.js';

const fixtures = 'packages/cli/test/fixtures/contracts';
const good = `${fixtures}/good/notifications-citizen-registry.json`;

async function verify(...args: string[]) {
  const io = recordingIo(repoRoot);
  const code = await main(['contracts', 'verify', ...args], io);
  const lines = io.stdout.join('\n').split('\n');
  const problems = lines.filter((l) => l.includes(' :: ')).map((l) => l.split(' :: '));
  return { code, lines, problems, stderr: io.stderr.join('\n') };
}

/** Writes a variant of the good pact (changed by `edit`) into a scratch folder; returns the folder. */
function variant(edit: (pact: any) => void, name = 'variant.json'): string {
  const pact = JSON.parse(readFileSync(join(repoRoot, good), 'utf8'));
  edit(pact);
  const dir = scratch('contracts');
  writeFileSync(join(dir, name), JSON.stringify(pact, null, 2));
  return dir;
}

describe('humangov contracts verify: pacts against the HumanGov specs', () => {
  it('a pact the specs promise passes: messages (type matchers, CloudEvents metadata) and HTTP, exit 0', async () => {
    const { code, lines, problems } = await verify('--pacts', good);
    expect(problems).toEqual([]);
    expect(lines.at(-1)).toBe('contracts verify: 1 pact, 4 interactions: every interaction is promised by the specs');
    expect(code).toBe(0);
  });

  it.each([
    [
      'undeclared-field.json',
      'citizen.registered v2',
      '$.contents.nickname',
      'specs/asyncapi/citizen-registry.asyncapi.yaml#/components/schemas/CitizenRegisteredV2',
      /field "nickname" is not declared by the spec \(it declares citizen_id, given_name, .*\): remove it from the pact, or add it to the spec first/,
    ],
    [
      'wrong-enum.json',
      'citizen.deceased v1',
      '$.contents.source',
      'specs/asyncapi/citizen-registry.asyncapi.yaml#/components/schemas/CitizenDeceasedV1/properties/source/enum',
      /"neighbour" is not one of the values the spec promises \("civil-registration", "hospital", "next-of-kin", "other-agency"\)/,
    ],
    [
      'undeclared-status.json',
      'a request for a citizen, answered with a teapot',
      '$.response.status',
      'specs/openapi/citizen-registry.openapi.yaml#/paths/~1citizens~1{citizen_id}/get/responses',
      /GET \/citizens\/\{citizen_id\} does not declare status 418 \(it declares 200, 401, 403, 404\)/,
    ],
    [
      'unknown-path.json',
      'a search by postcode',
      '$.request.path',
      'specs/openapi/citizen-registry.openapi.yaml#/paths',
      /no path of the spec matches \/citizen-search: fix the pact's path, or add the path to the spec first/,
    ],
    [
      'unknown-event-type.json',
      'citizen.promoted v1',
      '$.metadata.type',
      'specs/asyncapi/citizen-registry.asyncapi.yaml#/channels',
      /citizen-registry publishes no event "citizen.promoted" \(it publishes: citizen.address-changed, .*citizen.registered\)/,
    ],
  ])(
    '%s fails naming file, interaction, JSON path and spec location, exit 1',
    async (file, interaction, path, spec, message) => {
      const { code, problems, lines } = await verify('--pacts', `${fixtures}/bad/${file}`);
      expect(problems).toHaveLength(1);
      const [pact, name, at, where, what] = problems[0]!;
      expect([pact, name, at, where]).toEqual([`${fixtures}/bad/${file}`, interaction, path, spec]);
      expect(what).toMatch(message);
      expect(lines.at(-1)).toBe('contracts verify: 1 pact, 1 interactions: 1 problem');
      expect(code).toBe(1);
    },
  );

  it('every pact of a folder is checked: the bad folder gives one line per file', async () => {
    const { code, problems } = await verify('--pacts', `${fixtures}/bad`, `${fixtures}/good`);
    expect(problems.map((p) => p[0]!.split('/').pop())).toEqual([
      'undeclared-field.json',
      'undeclared-status.json',
      'unknown-event-type.json',
      'unknown-path.json',
      'wrong-enum.json',
    ]);
    expect(code).toBe(1);
  });

  it('a type matcher asks for the type only: another enum value passes under it, another type does not', async () => {
    const typeMatched = (value: unknown) =>
      variant((pact) => {
        const deceased = pact.interactions[1];
        deceased.contents.content.source = value;
        deceased.matchingRules.body['$.source'] = { combine: 'AND', matchers: [{ match: 'type' }] };
      });
    expect((await verify('--pacts', typeMatched('neighbour'))).problems).toEqual([]);
    const wrongType = await verify('--pacts', typeMatched(7));
    expect(wrongType.problems.map((p) => [p[1], p[2], p[4]])).toEqual([
      [
        'citizen.deceased v1',
        '$.contents.source',
        expect.stringMatching(/the pact has an integer \(7\) where the spec promises string/),
      ],
    ]);
  });

  it("a regex matcher: its example must match the regex and the spec's pattern", async () => {
    const dir = variant((pact) => {
      const registered = pact.interactions[0];
      registered.contents.content.preferred_language = 'english';
      registered.matchingRules.body['$.preferred_language'] = {
        combine: 'AND',
        matchers: [{ match: 'regex', regex: '^[a-z]{2}$' }],
      };
    });
    const { problems } = await verify('--pacts', dir);
    expect(problems.map((p) => [p[2], p[3], p[4]])).toEqual([
      [
        '$.contents.preferred_language',
        'specs/asyncapi/citizen-registry.asyncapi.yaml#/components/schemas/CitizenRegisteredV2/properties/preferred_language/pattern',
        expect.stringMatching(/"english" does not match the spec's pattern/),
      ],
      [
        '$.contents.preferred_language',
        '-',
        expect.stringMatching(/the example "english" does not match the pact's own regex/),
      ],
    ]);
  });

  it('the version comes from version or dataschema; a type with several versions needs one', async () => {
    const noVersion = variant((pact) => {
      delete pact.interactions[0].metadata.version;
      delete pact.interactions[0].metadata.dataschema;
    });
    expect((await verify('--pacts', noVersion)).problems.map((p) => [p[2], p[4]])).toEqual([
      ['$.metadata', expect.stringMatching(/citizen.registered has versions 1, 2: add "version" \(or "dataschema"\)/)],
    ]);
    const v3 = variant((pact) => {
      pact.interactions[0].metadata.version = '3';
      pact.interactions[0].metadata.dataschema = 'urn:humangov:event:citizen.registered:v3';
    });
    expect((await verify('--pacts', v3)).problems.map((p) => [p[2], p[4]])).toEqual([
      [
        '$.metadata.dataschema',
        expect.stringMatching(
          /names no version of citizen.registered \(the spec's: urn:humangov:event:citizen.registered:v1, urn:humangov:event:citizen.registered:v2\)/,
        ),
      ],
    ]);
    // Kafka header names (ce_ prefix) say the same thing.
    const kafka = variant((pact) => {
      const m = pact.interactions[0].metadata;
      pact.interactions[0].metadata = Object.fromEntries(
        Object.entries(m).map(([k, v]) => [k === 'contentType' ? k : `ce_${k}`, v]),
      );
    });
    expect((await verify('--pacts', kafka)).problems).toEqual([]);
  });

  it('metadata: a header the message does not declare is checked against its headers schema', async () => {
    const dir = variant((pact) => {
      pact.interactions[0].metadata.traceparent = 'not-a-traceparent';
      pact.interactions[0].metadata.specversion = '0.3';
    });
    const { problems } = await verify('--pacts', dir);
    expect(problems.map((p) => [p[2], p[3], p[4]])).toEqual([
      [
        '$.metadata.specversion',
        'specs/asyncapi/citizen-registry.asyncapi.yaml#/components/messages/CitizenRegisteredV2',
        expect.stringMatching(/specversion must be "1.0"/),
      ],
      [
        '$.metadata.traceparent',
        'specs/asyncapi/common.yaml#/components/schemas/MessageHeaders/properties/traceparent/pattern',
        expect.stringMatching(/"not-a-traceparent" does not match the spec's pattern/),
      ],
    ]);
  });

  it('a provider that does not publish the event is told who does', async () => {
    const dir = variant((pact) => {
      pact.provider.name = 'benefits';
      pact.interactions = [pact.interactions[0]];
    });
    const { problems } = await verify('--pacts', dir);
    expect(problems.map((p) => [p[2], p[4]])).toEqual([
      [
        '$.metadata.type',
        expect.stringMatching(/benefits (does not publish citizen.registered|publishes no event "citizen.registered")/),
      ],
    ]);
  });

  it('HTTP requests: required header and body fields, declared query parameters', async () => {
    const dir = variant((pact) => {
      pact.provider.name = 'benefits';
      pact.interactions = [
        {
          type: 'Synchronous/HTTP',
          description: 'an application without its idempotency key',
          request: {
            method: 'POST',
            path: '/applications',
            query: { debug: ['1'] },
            headers: { 'Content-Type': ['application/json'] },
            body: {
              content: { citizen_id: '8d4f1c2a-6b3e-4a9d-9f21-3c5e7a1b2d40' },
              contentType: 'application/json',
              encoded: false,
            },
          },
          response: { status: 400 },
        },
      ];
    });
    const { problems } = await verify('--pacts', dir);
    const lines = problems.map((p) => `${p[2]} ${p[4]}`);
    expect(lines).toContainEqual(
      expect.stringMatching(/^\$\.request\.headers POST \/applications requires header "Idempotency-Key"/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^\$\.request\.query\.debug POST \/applications declares no query parameter "debug"/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^\$\.request\.body\.benefit_type the spec requires "benefit_type" and the pact does not send it/,
      ),
    );
  });

  it('an unreadable pact file is a problem with its JSON path, not a crash', async () => {
    const dir = scratch('contracts');
    writeFileSync(
      join(dir, 'broken.json'),
      JSON.stringify({ consumer: { name: 'a' }, provider: {}, interactions: [] }),
    );
    const { code, problems } = await verify('--pacts', dir);
    expect(problems.map((p) => p.slice(1))).toEqual([
      [
        '-',
        '$.provider.name',
        '-',
        'provider name must be a string; it is missing: fix the pact file, or write it again with the Pact helpers',
      ],
    ]);
    expect(code).toBe(1);
  });

  it('--format json prints one object with the same findings', async () => {
    const io = recordingIo(repoRoot);
    expect(
      await main(['contracts', 'verify', '--pacts', `${fixtures}/bad/wrong-enum.json`, '--format', 'json'], io),
    ).toBe(1);
    const out = JSON.parse(io.stdout.join('\n'));
    expect(out).toMatchObject({ files: [`${fixtures}/bad/wrong-enum.json`], interactions: 1, ok: false });
    expect(out.findings).toEqual([
      expect.objectContaining({
        interaction: 'citizen.deceased v1',
        path: '$.contents.source',
        spec: expect.stringContaining('#/components/schemas/CitizenDeceasedV1/properties/source/enum'),
      }),
    ]);
  });
});

describe('humangov contracts verify: the conformance corpus', () => {
  const asyncapi = ['streetlights-kafka-asyncapi.yml', 'rpc-server-asyncapi.yml'].map(
    (f) => `conformance/asyncapi/3.0/${f}`,
  );
  const openapi = ['petstore.yaml', 'petstore-expanded.yaml'].map((f) => `conformance/openapi/3.0/${f}`);

  it('the vendored pacts name providers no conformance spec describes: one clear line per pact', async () => {
    const { code, problems } = await verify(
      '--pacts',
      'conformance/pact/v3',
      'conformance/pact/v4',
      '--asyncapi',
      ...asyncapi,
      '--openapi',
      ...openapi,
    );
    expect(problems).toHaveLength(7);
    for (const [pact, interaction, path, spec, message] of problems) {
      expect(pact).toMatch(/^conformance\/pact\/v[34]\//);
      expect([interaction, path, spec]).toEqual(['*', '$.provider.name', '-']);
      expect(message).toMatch(
        /^no spec describes provider ".+" \(AsyncAPI services: rpcserver, streetlights-kafka-asyncapi; OpenAPI APIs: petstore-expanded, petstore\): name the provider after one of them/,
      );
    }
    expect(problems.map((p) => p[4]!.match(/provider "([^"]+)"/)![1])).toContain('Orders API');
    expect(code).toBe(1);
  });

  it("an HTTP pact against the corpus' petstore (provider = info.title): bounds and undeclared parameters fail", async () => {
    const { problems } = await verify(
      '--pacts',
      `${fixtures}/conformance`,
      '--openapi',
      'conformance/openapi/3.0/petstore.yaml',
    );
    expect(problems.map((p) => p.slice(1))).toEqual([
      [
        'too many pets',
        '$.request.query.limit',
        'conformance/openapi/3.0/petstore.yaml#/paths/~1pets/get/parameters/0/schema/maximum',
        expect.stringMatching(/^500 must be <= 100/),
      ],
      [
        'too many pets',
        '$.request.query.sort',
        'conformance/openapi/3.0/petstore.yaml#/paths/~1pets/get/parameters',
        expect.stringMatching(/GET \/pets declares no query parameter "sort"/),
      ],
    ]);
  });
});

describe('humangov contracts: usage', () => {
  it('no pacts: exit 0 saying so; with --require exit 1', async () => {
    const empty = scratch('contracts');
    mkdirSync(join(empty, 'pacts'));
    const io = recordingIo(empty);
    expect(await main(['contracts', 'verify'], io)).toBe(0);
    expect(io.stdout).toEqual(['contracts verify: no pacts found in pacts (nothing to check)']);
    const required = recordingIo(empty);
    expect(await main(['contracts', 'verify', '--pacts', 'missing', '--require'], required)).toBe(1);
    expect(required.stderr.join('\n')).toContain('--require: no pact files (*.json) in missing');
  });

  it.each([
    [[], 'name a subcommand: verify'],
    [['check'], 'unknown subcommand "check": use verify'],
    [['verify', '--format', 'xml'], '--format must be text or json, not "xml"'],
    [['verify', '--frobnicate'], 'unknown option --frobnicate'],
  ])('%j exits 2 with the help', async (args, message) => {
    const io = recordingIo(repoRoot);
    expect(await main(['contracts', ...args], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(`humangov contracts: ${message}`);
    expect(io.stderr.join('\n')).toContain('humangov contracts verify [--pacts DIR...]');
  });

  it('pacts but no specs (no humangov.config.json) is a usage error naming the options', async () => {
    const dir = variant(() => {});
    const io = recordingIo(dir);
    expect(await main(['contracts', 'verify', '--pacts', '.'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('name the specs with --asyncapi FILE... --openapi FILE...');
  });

  it('humangov --help lists contracts', async () => {
    const io = recordingIo(repoRoot);
    expect(await main(['--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/contracts\s+verify: check every pact/);
  });
});
