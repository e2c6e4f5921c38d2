/**
 * Every file of the vendored Pact corpus (conformance/pact, see conformance/SOURCES.md) reads without error, and
 * the model holds what the raw JSON holds: interaction counts by kind, names, descriptions, contents, metadata
 * under either spelling, and body rules from either category name. Counts are taken from the raw JSON here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PactAsyncMessageInteraction, PactHttpInteraction } from './model.js';
import { readPact, readPactTestCase } from './read-pact.js';

const corpus = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../conformance/pact');

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return jsonFiles(path);
      return name.endsWith('.json') ? [path] : [];
    });
}

type Raw = Record<string, any>;
const raw = (file: string): Raw => JSON.parse(readFileSync(file, 'utf8')) as Raw;
const all = jsonFiles(corpus);
const testCases = all.filter((f) => relative(corpus, f).startsWith('spec-testcases'));
const pacts = all.filter((f) => !testCases.includes(f));

/** Kind of each raw interaction, decided from the raw keys alone. */
function rawKinds(json: Raw): string[] {
  const v4 = {
    'Synchronous/HTTP': 'http',
    'Asynchronous/Messages': 'message',
    'Synchronous/Messages': 'synchronous-message',
  };
  const fromInteractions = (json.interactions ?? []).map((i: Raw) =>
    i.type ? v4[i.type as keyof typeof v4] : 'request' in i ? 'http' : 'message',
  );
  return [...fromInteractions, ...(json.messages ?? []).map(() => 'message')];
}

describe('readPact on conformance/pact', () => {
  it('finds the corpus: 7 pact files and 8 specification test cases', () => {
    expect(pacts).toHaveLength(7);
    expect(testCases).toHaveLength(8);
  });

  it.each(pacts.map((f) => [relative(corpus, f), f]))(
    '%s reads with the interactions the raw JSON holds',
    (_, file) => {
      const json = raw(file!);
      const pact = readPact(file);
      expect(pact.file).toBe(file);
      expect(pact.consumer).toBe(json.consumer.name);
      expect(pact.provider).toBe(json.provider.name);
      expect(pact.specification).toEqual({
        version: json.metadata.pactSpecification.version,
        major: Number(json.metadata.pactSpecification.version[0]),
        declared: true,
      });
      const rawList: Raw[] = [...(json.interactions ?? []), ...(json.messages ?? [])];
      expect(pact.interactions).toHaveLength(rawList.length);
      expect(pact.interactions.map((i) => i.kind)).toEqual(rawKinds(json));
      expect(pact.interactions.map((i) => i.description)).toEqual(rawList.map((i) => i.description));
      expect(pact.interactions.map((i) => i.providerStates.map((s) => s.name))).toEqual(
        rawList.map((i) => (i.providerStates ?? []).map((s: Raw) => s.name)),
      );
      pact.interactions.forEach((interaction, n) => {
        const source = rawList[n]!;
        if (interaction.kind === 'message') {
          const contents = pact.specification.major >= 4 ? source.contents.content : source.contents;
          expect(interaction.contents?.content).toEqual(contents);
          expect(interaction.metadata).toEqual(source.metadata ?? source.metaData ?? {});
          const bodyRules = source.matchingRules?.body ?? source.matchingRules?.content ?? {};
          expect(Object.keys(interaction.rules.body)).toEqual(Object.keys(bodyRules));
          expect(Object.keys(interaction.rules.metadata)).toEqual(Object.keys(source.matchingRules?.metadata ?? {}));
        }
        if (interaction.kind === 'http') {
          expect(interaction.request.method).toBe(source.request.method);
          expect(interaction.request.path).toBe(source.request.path);
          expect(interaction.response.status).toBe(source.response.status);
          const body = (b: Raw | undefined) => (b && pact.specification.major >= 4 ? b.content : b);
          expect(interaction.request.body?.content).toEqual(body(source.request.body));
          expect(interaction.response.body?.content).toEqual(body(source.response.body));
          expect(Object.keys(interaction.response.rules.body)).toEqual(
            Object.keys(source.response.matchingRules?.body ?? {}),
          );
        }
        if (interaction.kind === 'synchronous-message') {
          expect(interaction.request.contents?.content).toEqual(source.request.contents.content);
          expect(interaction.responses.map((r) => r.contents?.content)).toEqual(
            source.response.map((r: Raw) => r.contents.content),
          );
        }
      });
    },
  );

  it.each(testCases.map((f) => [relative(corpus, f), f]))('%s reads as a message test case', (_, file) => {
    const json = raw(file!);
    const testCase = readPactTestCase(file);
    expect(testCase.match).toBe(json.match);
    expect(testCase.comment).toBe(json.comment);
    const v4 = relative(corpus, file!).startsWith('spec-testcases/v4');
    for (const side of ['expected', 'actual'] as const) {
      const source = json[side];
      const message = testCase[side];
      expect(message.contents?.content).toEqual(v4 ? source.contents.content : source.contents);
      expect(message.metadata).toEqual(source.metaData ?? source.metadata ?? {});
      const rules = source.matchingRules?.body ?? source.matchingRules?.content ?? {};
      expect(Object.keys(message.rules.body)).toEqual(Object.keys(rules));
    }
  });
});

describe('readPact normalises the writers that disagree', () => {
  it('pact-jvm V3 metaData and a content rule category read like the Rust core lower-case metadata', () => {
    const jvm = readPact(join(corpus, 'v3/message-pact-with-metadata-matchingrule.json'));
    const message = jvm.interactions[0] as PactAsyncMessageInteraction;
    expect(message.metadata).toEqual({ contentType: 'application/json', destination: 'X001' });
    expect(message.contents).toEqual({
      content: { testParam1: 'value3', testParam2: 'value4' },
      contentType: 'application/json',
    });
    expect(message.rules.body['$.testParam1']).toEqual({
      combine: 'AND',
      matchers: [{ match: 'regex', regex: 'value\\d+' }],
    });
    expect(message.rules.metadata.destination?.matchers[0]?.regex).toBe('\\w+\\d+');
  });

  it('a mixed V4 pact keeps HTTP and message interactions, a bare JSON string body and array header values', () => {
    const pact = readPact(join(corpus, 'v4/Fulfilment API-Orders API.json'));
    const update = pact.interactions[2] as PactHttpInteraction;
    expect(update.request.body).toEqual({ content: 'Fulfilling', contentType: 'application/json' });
    expect(update.request.rules.body.$?.matchers[0]).toEqual({ match: 'regex', regex: 'Pending|Fulfilling|Shipped' });
    expect(update.request.headers).toEqual({ 'Content-Type': ['application/json'] });
    const notFound = pact.interactions[1] as PactHttpInteraction;
    expect(notFound.response.status).toBe(404);
    expect(notFound.response.body).toBeUndefined();
    expect(pact.interactions[3]?.location).toBe('$.interactions[3]');
  });

  it('V3 query lists and comma-joined header strings become lists; provider state params survive', () => {
    const pact = readPact(join(corpus, 'v3/v3-consumer-integration.json'));
    const http = pact.interactions[0] as PactHttpInteraction;
    expect(http.request.query).toEqual({ param: ['value1', 'value2'] });
    expect(http.request.headers['X-Request']).toEqual(['request1, request2']);
    expect(http.providerStates[2]).toEqual({
      name: 'a provider state with params',
      params: { baz: 'bash', foo: 'bar' },
    });
    expect(http.request.rules.body['$.children']?.matchers[0]).toEqual({ match: 'type', min: 1 });
  });
});
