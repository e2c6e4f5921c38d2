/**
 * `humangov diff OLD NEW` on AsyncAPI 3 and OpenAPI 3.1 documents: a given/want table of hand-made edits of the
 * fixtures in fixtures/diff/repo/specs, each judged under BACKWARD, FORWARD and FULL.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Mode } from '../src/diff/classify.js';
import { judge, writePair } from './fixtures/diff/helpers.js';
import { edit } from './fixtures.js';
import { scratch } from './helpers.js';

const fixtures = join(import.meta.dirname, 'fixtures/diff/repo/specs');
const things = readFileSync(join(fixtures, 'things.asyncapi.yaml'), 'utf8');
const api = readFileSync(join(fixtures, 'things.openapi.yaml'), 'utf8');

const B: Mode[] = ['BACKWARD', 'FULL'];
const F: Mode[] = ['FORWARD', 'FULL'];
const ALL: Mode[] = ['BACKWARD', 'FORWARD', 'FULL'];
const NONE: Mode[] = [];

interface Row {
  readonly name: string;
  /** Defaults to the fixture. */
  readonly before?: string;
  readonly after: string;
  readonly fails: Mode[];
  /** Rule, subject and path of the deciding change. */
  readonly want?: { rule: string; subject?: string; path?: string };
}

const removedChannel = edit(
  edit(
    things,
    `  thing.removed:
    address: thing.removed
    messages:
      ThingRemovedV1:
        $ref: '#/components/messages/ThingRemovedV1'
`,
    '',
  ),
  `  publishThingRemoved:
    action: send
    channel:
      $ref: '#/channels/thing.removed'
`,
  '',
);
const v2 = `    ThingHappenedV2:
      name: ThingHappened
      x-event-type: thing.happened
      x-version: 2
      payload:
        type: object
        required: [thing_id]
        properties:
          thing_id:
            type: string
  schemas:`;

const asyncRows: Row[] = [
  { name: 'no change', after: things, fails: NONE },
  {
    name: 'payload field made required',
    after: edit(things, '        - kind\n', '        - kind\n        - note\n'),
    fails: B,
    want: { rule: 'required-added', subject: 'message thing.happened v1 (ThingHappenedV1)', path: 'payload.note' },
  },
  {
    name: 'payload field removed (closed model)',
    after: edit(things, '        note:\n          type: string\n          maxLength: 200\n', ''),
    fails: B,
    want: { rule: 'property-removed', path: 'payload.note' },
  },
  {
    name: 'payload field added (closed model)',
    after: edit(
      things,
      '          maxLength: 200\n',
      '          maxLength: 200\n        colour:\n          type: string\n',
    ),
    fails: F,
    want: { rule: 'property-added', path: 'payload.colour' },
  },
  {
    name: 'payload enum value added',
    after: edit(things, '            - large\n', '            - large\n            - huge\n'),
    fails: F,
    want: { rule: 'enum-value-added', path: 'payload.kind' },
  },
  {
    name: 'payload enum value removed',
    after: edit(things, '            - small\n', ''),
    fails: B,
    want: { rule: 'enum-value-removed', path: 'payload.kind' },
  },
  {
    name: 'payload type changed',
    after: edit(things, '          maxLength: 200\n', '          maxLength: 200\n          type: integer\n').replace(
      '        note:\n          type: string\n',
      '        note:\n',
    ),
    fails: ALL,
    want: { rule: 'type-changed', path: 'payload.note' },
  },
  {
    name: 'payload bound added',
    after: things.replace(/(thing_id:\n {10}type: string\n)$/, '$1          minLength: 36\n'),
    fails: B,
    want: { rule: 'minLength-added', subject: 'message thing.removed v1 (ThingRemovedV1)', path: 'payload.thing_id' },
  },
  {
    name: 'channel removed',
    after: removedChannel.replace(/ {4}ThingRemovedV1:\n {6}name[\s\S]*?RemovedV1'\n/, ''),
    fails: ALL,
    want: { rule: 'channel-removed', subject: 'channel thing.removed' },
  },
  {
    name: 'channel address changed',
    after: edit(things, 'address: thing.happened', 'address: things.happened'),
    fails: ALL,
    want: { rule: 'channel-address-changed' },
  },
  {
    name: 'Kafka topic changed',
    after: edit(things, 'topic: fixture.thing.happened', 'topic: fixture.things'),
    fails: ALL,
    want: { rule: 'kafka-topic-changed' },
  },
  {
    name: 'message version removed (channel kept)',
    after: edit(
      edit(things, "      ThingRemovedV1:\n        $ref: '#/components/messages/ThingRemovedV1'\n", ''),
      "    ThingRemovedV1:\n      name: ThingRemoved\n      x-event-type: thing.removed\n      x-version: 1\n      payload:\n        $ref: '#/components/schemas/ThingRemovedV1'\n",
      '',
    ),
    fails: B,
    want: { rule: 'message-removed' },
  },
  {
    name: 'new message version on the same channel',
    after: edit(
      edit(things, '  schemas:', v2),
      "        $ref: '#/components/messages/ThingHappenedV1'\n    bindings",
      "        $ref: '#/components/messages/ThingHappenedV1'\n      ThingHappenedV2:\n        $ref: '#/components/messages/ThingHappenedV2'\n    bindings",
    ),
    fails: F,
    want: { rule: 'channel-message-added' },
  },
  {
    name: 'channel added',
    after: edit(things, 'operations:\n', 'operations:\n').replace(
      'channels:\n',
      'channels:\n  thing.archived:\n    address: thing.archived\n',
    ),
    fails: NONE,
    want: { rule: 'channel-added' },
  },
  {
    name: 'send operation removed',
    after: edit(
      things,
      "  publishThingRemoved:\n    action: send\n    channel:\n      $ref: '#/channels/thing.removed'\n",
      '',
    ),
    fails: ALL,
    want: { rule: 'operation-removed', subject: 'operation publishThingRemoved' },
  },
  {
    name: 'receive operation added',
    after: edit(
      things,
      'components:\n',
      "  onThingRemoved:\n    action: receive\n    channel:\n      $ref: '#/channels/thing.removed'\ncomponents:\n",
    ),
    fails: NONE,
    want: { rule: 'operation-added' },
  },
  {
    name: 'partition key changed',
    after: edit(things, 'x-partition-key: /thing_id', 'x-partition-key: /kind'),
    fails: ALL,
    want: { rule: 'partition-key-changed' },
  },
  {
    name: 'content type changed',
    after: edit(things, 'defaultContentType: application/json', 'defaultContentType: application/cloudevents+json'),
    fails: ALL,
    want: { rule: 'content-type-changed' },
  },
  {
    name: 'required header added',
    after: edit(
      things,
      '      x-partition-key: /thing_id\n',
      '      x-partition-key: /thing_id\n      headers:\n        type: object\n        required: [tenant]\n        properties:\n          tenant:\n            type: string\n',
    ),
    fails: B,
    want: { rule: 'type-added', path: 'headers' },
  },
];

const withDefault = edit(
  api,
  "        '200':\n          description: The thing.",
  "        default:\n          description: Anything else.\n        '200':\n          description: The thing.",
);

const apiRows: Row[] = [
  { name: 'no change', after: api, fails: NONE },
  {
    name: 'operation removed',
    after: edit(api, '  /things/{thingId}:\n    get:', '  /things/{thingId}:\n    put:'),
    fails: ALL,
    want: { rule: 'operation-removed', subject: 'GET /things/{thingId}' },
  },
  { name: 'path parameter renamed (same template)', after: api.replaceAll('thingId', 'id'), fails: NONE },
  {
    name: 'query parameter made required',
    after: edit(api, '          in: query\n', '          in: query\n          required: true\n'),
    fails: B,
    want: { rule: 'parameter-required-added', path: 'parameters.query.limit' },
  },
  {
    name: 'required query parameter added',
    after: edit(
      api,
      '      parameters:\n        - name: limit',
      '      parameters:\n        - name: owner\n          in: query\n          required: true\n          schema:\n            type: string\n        - name: limit',
    ),
    fails: ALL,
    want: { rule: 'parameter-added' },
  },
  {
    name: 'optional query parameter added',
    after: edit(
      api,
      '      parameters:\n        - name: limit',
      '      parameters:\n        - name: owner\n          in: query\n          schema:\n            type: string\n        - name: limit',
    ),
    fails: F,
    want: { rule: 'parameter-added' },
  },
  {
    name: 'parameter bound tightened',
    after: edit(api, 'maximum: 100', 'maximum: 50'),
    fails: B,
    want: { rule: 'maximum-tightened', path: 'parameters.query.limit' },
  },
  {
    name: 'request field made required',
    after: edit(
      api,
      '      required:\n        - kind\n      properties:\n        kind:\n          type: string\n          enum:\n            - small\n            - large\n        note:\n          type: string\n    Thing:',
      '      required:\n        - kind\n        - note\n      properties:\n        kind:\n          type: string\n          enum:\n            - small\n            - large\n        note:\n          type: string\n    Thing:',
    ),
    fails: B,
    want: { rule: 'required-added', subject: 'POST /things', path: 'requestBody.body.note' },
  },
  {
    name: 'request enum value added (request widened)',
    after: edit(
      api,
      '            - large\n        note:\n          type: string\n    Thing:',
      '            - large\n            - huge\n        note:\n          type: string\n    Thing:',
    ),
    fails: F,
    want: { rule: 'enum-value-added' },
  },
  {
    name: 'response enum value added (response widened)',
    after: api.replace(/( {4}Thing:[\s\S]*?- large\n)/, '$1            - huge\n'),
    fails: B,
    want: { rule: 'enum-value-added', path: 'responses.201.body.kind' },
  },
  {
    name: 'required response field removed',
    after: api
      .replace(/( {4}Thing:[\s\S]*?required:\n {8}- id\n) {8}- kind\n/, '$1')
      .replace(/( {4}Thing:[\s\S]*?) {8}kind:\n {10}type: string\n {10}enum:\n {12}- small\n {12}- large\n/, '$1'),
    fails: ALL,
    want: { rule: 'property-removed', path: 'responses.200.body.kind' },
  },
  {
    name: 'response field made required (response narrowed)',
    after: api.replace(/( {4}Thing:[\s\S]*?required:\n {8}- id\n {8}- kind\n)/, '$1        - note\n'),
    fails: F,
    want: { rule: 'required-added' },
  },
  {
    name: 'status code added, no default response',
    after: edit(
      api,
      "        '404':\n          description: Not found.\n",
      "        '404':\n          description: Not found.\n        '410':\n          description: Gone.\n",
    ),
    fails: B,
    want: { rule: 'status-code-added', path: 'responses.410' },
  },
  {
    name: 'status code removed',
    after: edit(api, "        '404':\n          description: Not found.\n", ''),
    fails: F,
    want: { rule: 'status-code-removed', path: 'responses.404' },
  },
  {
    name: 'status code added under a default response',
    before: withDefault,
    after: edit(
      withDefault,
      "        '404':\n          description: Not found.\n",
      "        '404':\n          description: Not found.\n        '410':\n          description: Gone.\n",
    ),
    fails: NONE,
  },
  {
    name: 'default response added',
    after: withDefault,
    fails: B,
    want: { rule: 'status-code-added', path: 'responses.default' },
  },
  {
    name: 'request media type removed',
    after: edit(
      api,
      '      requestBody:\n        required: true\n        content:\n          application/json:',
      '      requestBody:\n        required: true\n        content:\n          application/xml:',
    ),
    fails: ALL,
    want: { rule: 'media-type-removed', subject: 'POST /things' },
  },
  {
    name: 'response header removed',
    after: edit(
      api,
      '          headers:\n            X-Total:\n              schema:\n                type: integer\n',
      '',
    ),
    fails: B,
    want: { rule: 'response-header-removed', path: 'responses.200.headers.x-total' },
  },
  {
    name: 'request body made optional',
    after: edit(api, '      requestBody:\n        required: true', '      requestBody:\n        required: false'),
    fails: F,
    want: { rule: 'request-body-required-removed' },
  },
];

describe.each([
  ['AsyncAPI', 'asyncapi.yaml', things, asyncRows],
  ['OpenAPI', 'openapi.yaml', api, apiRows],
] as const)('humangov diff OLD NEW: %s', (_, ext, before, rows) => {
  const dir = scratch('diff-specs');
  it.each(rows.map((r, i) => [r.name, r, i] as const))('%s', (_, row, i) => {
    const { fails, report } = judge(dir, writePair(dir, `row${i}`, row.before ?? before, row.after, ext));
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    if (row.want) expect(report.changes).toContainEqual(expect.objectContaining(row.want));
    else expect(report.changes.filter((c) => c.narrows || c.widens)).toEqual([]);
    expect(fails).toEqual(row.fails);
  });
});
