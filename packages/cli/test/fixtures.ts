/** Small AsyncAPI fixtures written into scratch folders, and helpers to find lines in them. */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { specs } from './helpers.js';

/** The HumanGov AsyncAPI service documents (not the shared `common.yaml`), sorted. */
export const humangovAsyncApi = (): string[] => {
  const dir = join(specs, 'asyncapi');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.asyncapi.yaml'))
    .sort()
    .map((f) => join(dir, f));
};

/** Writes `text` to `dir/name` and returns the absolute path. */
export function writeSpec(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** 1-based line of the first line containing `needle`; throws when absent so a fixture typo fails loudly. */
export function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  if (index === -1) throw new Error(`fixture has no line containing ${needle}`);
  return index + 1;
}

/** Replaces one exact snippet of a fixture; throws when it is missing so variants cannot silently drift. */
export function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`fixture has no ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

/**
 * One service, one channel, one message that passes every HumanGov lint rule. Tests derive variants with `edit`.
 * The `payload` schema is the `ThingHappenedV1` component.
 */
export const cleanDoc = `asyncapi: 3.0.0
id: urn:fixture:service:things
info:
  title: Things
  version: 1.0.0
channels:
  thing.happened:
    address: thing.happened
    messages:
      ThingHappenedV1:
        $ref: '#/components/messages/ThingHappenedV1'
operations:
  sendThingHappened:
    action: send
    channel:
      $ref: '#/channels/thing.happened'
components:
  messages:
    ThingHappenedV1:
      name: ThingHappened
      x-event-type: thing.happened
      x-version: 1
      payload:
        $ref: '#/components/schemas/ThingHappenedV1'
      examples:
        - payload:
            thing_id: t-1
  schemas:
    ThingHappenedV1:
      type: object
      required: [thing_id]
      properties:
        thing_id:
          type: string
        note:
          type: string
`;

/** `cleanDoc` on a Kafka channel, with a key schema and a partition key: still clean. */
export const cleanKafkaDoc = edit(
  edit(
    cleanDoc,
    "        $ref: '#/components/messages/ThingHappenedV1'\n",
    "        $ref: '#/components/messages/ThingHappenedV1'\n    bindings:\n      kafka:\n        topic: fixture.thing.happened\n",
  ),
  '      x-version: 1\n',
  '      x-version: 1\n      x-partition-key: /thing_id\n      bindings:\n        kafka:\n          key:\n            type: string\n',
);

/** A document whose only content is a payload schema (a flow or block YAML snippet indented for `payload:`). */
export function payloadDoc(schema: string, messageExtra = ''): string {
  return `asyncapi: 3.0.0
info:
  title: Fixture
  version: 1.0.0
channels:
  thing.happened:
    address: thing.happened
    messages:
      ThingHappenedV1:
        $ref: '#/components/messages/ThingHappenedV1'
components:
  messages:
    ThingHappenedV1:
      name: ThingHappened
      x-event-type: thing.happened
      x-version: 1${messageExtra}
      payload:
${schema}
`;
}
