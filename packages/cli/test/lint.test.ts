import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../src/diagnostics.js';
import { lint } from '../src/lint/lint.js';
import { main } from '../src/main.js';
import { cleanDoc, cleanKafkaDoc, edit, humangovAsyncApi, lineOf, writeSpec } from './fixtures.js';
import { recordingIo, scratch } from './helpers.js';

/** HumanGov's own findings (the parser's `asyncapi/*` ones left out): what each fixture is about. */
const own = (list: readonly Diagnostic[]) => list.filter((d) => !d.rule.startsWith('asyncapi/'));

describe('lint', () => {
  it('finds no errors in the HumanGov specs', async () => {
    const diagnostics = await lint(humangovAsyncApi());
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  }, 30_000);

  it.each([
    ['plain', cleanDoc],
    ['on Kafka', cleanKafkaDoc],
  ])('finds nothing in a clean fixture (%s)', async (_name, text) => {
    const file = writeSpec(scratch('lint'), 'things.asyncapi.yaml', text);
    expect((await lint([file])).filter((d) => d.severity === 'error')).toEqual([]);
  });

  /** A finding about a whole message points at its first line. */
  const messageLine = (t: string) => lineOf(t, 'name: ThingHappened');
  const cases: readonly {
    readonly rule: string;
    readonly name: string;
    readonly text: string;
    /** The line the finding must point at. */
    readonly at: (text: string) => number;
    readonly says: string;
  }[] = [
    {
      rule: 'message-version',
      name: 'a message without x-version',
      text: edit(cleanDoc, '      x-version: 1\n', ''),
      at: messageLine,
      says: 'add `x-version',
    },
    {
      rule: 'message-example',
      name: 'a message without examples',
      text: edit(cleanDoc, '      examples:\n        - payload:\n            thing_id: t-1\n', ''),
      at: messageLine,
      says: 'add at least one example',
    },
    {
      rule: 'example-valid',
      name: 'an example that breaks the payload schema',
      text: edit(cleanDoc, 'thing_id: t-1', 'thing_id: 42'),
      at: (t) => lineOf(t, 'thing_id: 42'),
      says: 'example /thing_id must be string',
    },
    {
      rule: 'kafka-key',
      name: 'a Kafka message without a key schema',
      text: edit(cleanKafkaDoc, '      bindings:\n        kafka:\n          key:\n            type: string\n', ''),
      at: messageLine,
      says: 'needs `bindings.kafka.key`',
    },
    {
      rule: 'kafka-key',
      name: 'a Kafka message without x-partition-key',
      text: edit(cleanKafkaDoc, '      x-partition-key: /thing_id\n', ''),
      at: messageLine,
      says: 'add `x-partition-key`',
    },
    {
      rule: 'kafka-key',
      name: 'an x-partition-key naming an optional property',
      text: edit(cleanKafkaDoc, 'x-partition-key: /thing_id', 'x-partition-key: /note'),
      at: (t) => lineOf(t, 'x-partition-key: /note'),
      says: 'x-partition-key /note must name a required payload property',
    },
    {
      rule: 'no-anonymous-schema',
      name: 'an inline object schema without a title',
      text: edit(
        cleanDoc,
        '        note:\n',
        '        detail:\n          type: object\n          properties:\n            a: { type: string }\n        note:\n',
      ),
      at: (t) => lineOf(t, 'detail:') + 1,
      says: 'name this object schema',
    },
    {
      rule: 'pii-marked',
      name: 'a personal-data field without x-pii',
      text: edit(cleanDoc, '        note:\n', '        email:\n          type: string\n        note:\n'),
      at: (t) => lineOf(t, 'email:') + 1,
      says: '"email" holds personal data',
    },
  ];

  it.each(cases)('$rule: $name', async ({ rule, text, at, says }) => {
    const file = writeSpec(scratch('lint'), 'things.asyncapi.yaml', text);
    const found = own(await lint([file]));
    expect(found).toEqual([
      expect.objectContaining({
        file,
        rule,
        severity: 'error',
        line: at(text),
        message: expect.stringContaining(says),
      }),
    ]);
  });

  it('pii-marked: `x-pii: false` says a field is not personal data', async () => {
    const text = edit(
      cleanDoc,
      '        note:\n',
      '        name:\n          type: string\n          x-pii: false\n        note:\n',
    );
    const file = writeSpec(scratch('lint'), 'things.asyncapi.yaml', text);
    expect(own(await lint([file]))).toEqual([]);
  });

  it('main(["lint", file]) exits 1 and prints the finding when there are errors, 0 when clean', async () => {
    const dir = scratch('lint-cli');
    writeSpec(dir, 'bad.asyncapi.yaml', edit(cleanDoc, 'thing_id: t-1', 'thing_id: 42'));
    writeSpec(dir, 'good.asyncapi.yaml', cleanDoc);
    const bad = recordingIo(dir);
    expect(await main(['lint', 'bad.asyncapi.yaml'], bad)).toBe(1);
    expect(bad.stdout).toContainEqual(expect.stringMatching(/^bad\.asyncapi\.yaml:\d+:\d+ error example-valid /));
    expect(bad.stdout.at(-1)).toMatch(/^lint: 1 files, 1 errors/);
    const good = recordingIo(dir);
    expect(await main(['lint', join(dir, 'good.asyncapi.yaml')], good)).toBe(0);
    expect(good.stdout.at(-1)).toMatch(/^lint: 1 files, 0 errors/);
  });
});
