import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../src/generate.js';
import { main } from '../src/main.js';
import { cleanDoc, edit, humangovAsyncApi, lineOf, payloadDoc, writeSpec } from './fixtures.js';
import { compile, recordingIo, repoRoot, scratch, specs, writeAll } from './helpers.js';

interface CatalogEntry {
  readonly channel: string;
  readonly partitionKey?: string;
  readonly kafka?: { topic: string; partitions?: number; replicas?: number };
  readonly amqp?: { exchange: string; exchangeType: string; routingKey: string; durable: boolean };
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
}
type Catalog = Record<string, { latest: number; versions: Record<number, CatalogEntry> }>;

describe('the HumanGov specs', async () => {
  const files = humangovAsyncApi();
  const first = await generate(files, [], { validate: false });
  const second = await generate(files, [], { validate: false });

  it('generate byte-identical output on every run', () => {
    expect(first.diagnostics).toEqual([]);
    expect([...second.events]).toEqual([...first.events]);
    expect(second.rows).toEqual(first.rows);
  });

  it('describe at least 20 event types, with v1/v2 pairs for the versioned ones', () => {
    const versions = new Map<string, number[]>();
    for (const r of first.rows) versions.set(r.type, [...(versions.get(r.type) ?? []), r.version]);
    expect(versions.size).toBeGreaterThanOrEqual(20);
    const pairs = [...versions].filter(([, v]) => v.length > 1);
    expect(Object.fromEntries(pairs)).toMatchObject({
      'citizen.registered': [1, 2],
      'citizen.circumstances-changed': [1, 2],
      'payment.scheduled': [1, 2],
      'payment.disbursed': [1, 2],
    });
    const types = first.events.get('types.ts')!;
    for (const name of [
      'CitizenRegisteredV2',
      'CitizenCircumstancesChangedV2',
      'PaymentScheduledV2',
      'PaymentDisbursedV2',
    ])
      expect(types).toMatch(new RegExp(`export (interface|type) ${name}\\b`));
  });

  it('name producers and consumers from the send/receive operations of every file', () => {
    const row = (type: string) => first.rows.find((r) => r.type === type)!;
    expect(row('citizen.erasure-requested')).toMatchObject({
      producers: ['citizen-registry'],
      consumers: ['audit', 'benefits', 'documents', 'eligibility', 'notifications', 'payments'],
    });
    expect(row('eligibility.determined')).toMatchObject({
      producers: ['eligibility'],
      consumers: ['audit', 'benefits'],
    });
  });

  it('put the Kafka topic, AMQP exchange and routing key and the partition key in the catalog', async () => {
    const out = scratch('humangov');
    writeAll(out, first.events);
    const { catalog } = (await import(join(out, 'catalog.ts'))) as { catalog: Catalog };
    expect(catalog['citizen.registered']!.latest).toBe(2);
    expect(catalog['citizen.registered']!.versions[2]).toMatchObject({
      channel: 'citizen.registered',
      partitionKey: '/citizen_id',
      kafka: { topic: 'humangov.citizen.registered', partitions: 6, replicas: 1 },
      amqp: { exchange: 'humangov.citizen', exchangeType: 'topic', routingKey: 'citizen.registered', durable: true },
    });
    expect(catalog['payment.disbursed']!.versions[1]!.partitionKey).toBe('/award_id');
  });
});

describe('the committed generated code', () => {
  it('matches what the specs produce (generate --check from the repository root)', async () => {
    const io = recordingIo(repoRoot);
    const code = await main(['generate', '--check', '--no-validate'], io);
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
  }, 30_000);
});

describe('producers and consumers across files', () => {
  it('a channel referenced from another service is one channel; its receive operation makes a consumer', async () => {
    const dir = scratch('ops');
    const producer = writeSpec(dir, 'things.asyncapi.yaml', cleanDoc);
    const consumer = writeSpec(
      dir,
      'watcher.asyncapi.yaml',
      `asyncapi: 3.0.0
info: { title: Watcher, version: 1.0.0 }
channels:
  thing.happened:
    $ref: './things.asyncapi.yaml#/channels/thing.happened'
operations:
  onThing:
    action: receive
    channel: { $ref: '#/channels/thing.happened' }
`,
    );
    const result = await generate([producer, consumer], [], { validate: false });
    expect(result.diagnostics).toEqual([]);
    expect(result.rows).toEqual([
      expect.objectContaining({ type: 'thing.happened', producers: ['things'], consumers: ['watcher'] }),
    ]);
  });
});

describe('humangov generate through main()', () => {
  it('--asyncapi --openapi --out writes events and http modules that compile', async () => {
    const out = scratch('cli-out');
    const io = recordingIo(repoRoot);
    const code = await main(
      [
        'generate',
        '--asyncapi',
        join(specs, 'asyncapi'),
        '--openapi',
        join(specs, 'openapi'),
        '--out',
        out,
        '--no-validate',
      ],
      io,
    );
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/30 message versions, 2 HTTP APIs/);
    for (const f of ['types.ts', 'schemas.ts', 'validators.ts', 'catalog.ts', 'index.ts', 'http/index.ts'])
      expect(existsSync(join(out, f)), f).toBe(true);
    expect(compile(out, ['index.ts', 'http/index.ts', 'http/benefits.ts', 'http/citizen-registry.ts'])).toEqual([]);
  }, 30_000);

  it('--check: clean, then names changed, missing and stale files; never deletes hand-written code', async () => {
    const dir = scratch('check');
    const spec = writeSpec(dir, 'things.asyncapi.yaml', cleanDoc);
    const run = async (...extra: string[]) => {
      const io = recordingIo(dir);
      const code = await main(['generate', '--asyncapi', spec, '--out', 'out', '--no-validate', ...extra], io);
      return { code, text: [...io.stdout, ...io.stderr].join('\n') };
    };
    expect((await run()).code).toBe(0);
    const handWritten = join(dir, 'out/helpers.ts');
    writeFileSync(handWritten, 'export const hand = 1;\n');
    expect(await run('--check')).toMatchObject({ code: 0, text: expect.stringContaining('matches the specs') });

    const types = join(dir, 'out/types.ts');
    writeFileSync(types, `${readFileSync(types, 'utf8')}export type Extra = 1;\n`);
    rmSync(join(dir, 'out/catalog.ts'));
    const header = readFileSync(join(dir, 'out/index.ts'), 'utf8').split('\n')[0];
    writeFileSync(join(dir, 'out/old.ts'), `${header}\nexport {};\n`);
    const drift = await run('--check');
    expect(drift.code).toBe(1);
    expect(drift.text).toContain('changed: out/types.ts');
    expect(drift.text).toContain('missing: out/catalog.ts');
    expect(drift.text).toContain('stale: out/old.ts');
    expect(drift.text).not.toContain('helpers.ts');
    // --check wrote nothing.
    expect(existsSync(join(dir, 'out/catalog.ts'))).toBe(false);

    expect((await run()).code).toBe(0);
    expect(existsSync(join(dir, 'out/old.ts'))).toBe(false);
    expect(existsSync(join(dir, 'out/catalog.ts'))).toBe(true);
    expect(readFileSync(handWritten, 'utf8')).toBe('export const hand = 1;\n');
    expect((await run('--check')).code).toBe(0);
  });
});

describe('diagnostics instead of exceptions', () => {
  const fixture = (name: string, text: string) => writeSpec(scratch('diag'), name, text);

  it('YAML syntax error: file and the line of the mistake, nothing generated', async () => {
    const text = edit(cleanDoc, '      x-version: 1\n', '      x-version: 1\n      summary: [unclosed\n');
    const file = fixture('bad.asyncapi.yaml', text);
    const result = await generate([file], [], { validate: false });
    expect(result.events.size).toBe(0);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ file, severity: 'error', rule: 'yaml-syntax', line: expect.any(Number) }),
    ]);
    expect(result.diagnostics[0]!.line).toBeGreaterThan(1);
    // With the parser's validation on, still a located diagnostic, not a throw.
    const validated = await generate([file], []);
    expect(validated.events.size).toBe(0);
    expect(validated.diagnostics.some((d) => d.severity === 'error' && d.file === file && d.line > 1)).toBe(true);
  });

  const refCases = [
    { name: 'broken local $ref', ref: '#/components/schemas/Nope', rule: 'ref-broken', says: 'points at nothing' },
    {
      name: '$ref to a missing file',
      ref: './missing.yaml#/Thing',
      rule: 'ref-broken',
      says: 'cannot read ./missing.yaml',
    },
    {
      name: 'remote http $ref',
      ref: 'https://example.org/schemas/thing.json',
      rule: 'ref-external',
      says: 'vendor the file',
    },
  ];
  it.each(refCases)('$name: at the referring node with its JSON path and line', async ({ ref, rule, says }) => {
    const text = edit(cleanDoc, "$ref: '#/components/schemas/ThingHappenedV1'", `$ref: '${ref}'`);
    const file = fixture('refs.asyncapi.yaml', text);
    const result = await generate([file], [], { validate: false });
    expect(result.events.size).toBe(0);
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({
        file,
        path: '/components/messages/ThingHappenedV1/payload',
        line: lineOf(text, `$ref: '${ref}'`),
        severity: 'error',
        rule,
        message: expect.stringContaining(says),
      }),
    );
  });

  it('x-version that is not an integer', async () => {
    const text = edit(cleanDoc, 'x-version: 1', 'x-version: "two"');
    const file = fixture('version.asyncapi.yaml', text);
    const result = await generate([file], [], { validate: false });
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        file,
        path: '/components/messages/ThingHappenedV1/x-version',
        line: lineOf(text, 'x-version: "two"'),
        rule: 'message-version',
      }),
    ]);
  });

  it('two messages with the same (type, version)', async () => {
    const text = edit(
      edit(
        cleanDoc,
        "      ThingHappenedV1:\n        $ref: '#/components/messages/ThingHappenedV1'\n",
        "      ThingHappenedV1:\n        $ref: '#/components/messages/ThingHappenedV1'\n      Again:\n        $ref: '#/components/messages/Again'\n",
      ),
      '  schemas:\n',
      '    Again:\n      x-event-type: thing.happened\n      x-version: 1\n      payload: { type: string }\n  schemas:\n',
    );
    const file = fixture('dup.asyncapi.yaml', text);
    const result = await generate([file], [], { validate: false });
    expect(result.events.size).toBe(0);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        file,
        path: '/components/messages/Again',
        // The message object's first line: `x-event-type`, two lines above its payload.
        line: lineOf(text, 'payload: { type: string }') - 2,
        rule: 'message-duplicate',
        message: expect.stringContaining('thing.happened v1 is declared twice'),
      }),
    ]);
  });

  it('an Avro payload: a warning, and the payload typed unknown', async () => {
    const avro = `        schemaFormat: application/vnd.apache.avro;version=1.9.0
        schema:
          type: record
          name: Thing
          fields: [{ name: id, type: string }]`;
    const text = payloadDoc(avro);
    const file = fixture('avro.asyncapi.yaml', text);
    const result = await generate([file], [], { validate: false });
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        file,
        severity: 'warning',
        rule: 'payload-format',
        line: lineOf(text, 'schemaFormat:'),
      }),
    ]);
    expect(result.events.get('types.ts')).toContain('export type ThingHappenedV1 = unknown;');
  });

  it('printed by main() as `file:line:col severity rule message`, relative to the cwd, exit 1', async () => {
    const dir = scratch('print');
    const text = 'asyncapi: 2.6.0\ninfo:\n  title: Old\n  version: 1.0.0\nchannels: {}\n';
    writeSpec(dir, 'old.asyncapi.yaml', text);
    const broken = writeSpec(dir, 'broken.asyncapi.yaml', edit(cleanDoc, 'x-version: 1', 'x-version: "two"'));
    const io = recordingIo(dir);
    const code = await main(
      ['generate', '--asyncapi', 'old.asyncapi.yaml', broken, '--out', 'out', '--no-validate'],
      io,
    );
    expect(code).toBe(1);
    expect(io.stderr).toContain(
      `old.asyncapi.yaml:1:11 error asyncapi-version only AsyncAPI 3.x documents are supported (found 2.6.0); convert it with \`asyncapi convert\` (at #/asyncapi)`,
    );
    expect(io.stderr).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^broken\\.asyncapi\\.yaml:${lineOf(cleanDoc, 'x-version')}:18 error message-version .* \\(at #/components/messages/ThingHappenedV1/x-version\\)$`,
        ),
      ),
    );
    expect(io.stderr.join('\n')).toContain('nothing was written');
    expect(io.stderr.join('\n')).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
