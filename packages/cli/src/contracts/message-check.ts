/**
 * A message interaction against its provider's AsyncAPI document. The message is read the way the SDK puts an
 * event on the wire (CloudEvents binary content mode, `packages/sdk/src/binary-mode.ts`): `contents` is the event's
 * `data`, `metadata` its attributes (`type`, `version`, `dataschema`, `specversion`, `id`, `source`, `time`,
 * `correlationid`...), bare as the Pact helpers write them, or with the transport prefixes `ce_`/`ce-` (Kafka) or
 * `cloudEvents:` (AMQP). A structured-mode event (`contents` holding `specversion`, `type` and `data`) works too.
 *
 * The event type comes from the `type` attribute; the version from `version`, else from `dataschema`
 * (`urn:humangov:event:<type>:v<n>`), else from the type having one version only.
 */
import { isRfc3339 } from '@humangov/events';
import { appendPactPath, type PactMessage } from '@humangov/testing';
import { isObject, type Located } from '../load/workspace.js';
import type { EventVersionModel } from '../transform/asyncapi-document.js';
import { type Entry, pickVersion } from './event-version.js';
import type { Problem } from './finding.js';
import { RuleIndex } from './rules.js';
import type { SchemaChecker } from './schema-check.js';
import type { SpecDocument, SpecIndex } from './spec-index.js';

const PREFIXES = ['', 'ce_', 'ce-', 'cloudevents:', 'cloudevents_'];
const CONTENT_TYPE_KEYS = new Set([
  'contenttype',
  'content-type',
  'content_type',
  'datacontenttype',
  'ce_datacontenttype',
]);
/** CloudEvents attributes and HumanGov extensions the envelope carries (events `envelope.ts`). */
const ATTRIBUTES = new Set([
  'specversion',
  'id',
  'source',
  'type',
  'time',
  'subject',
  'dataschema',
  'version',
  'partitionkey',
  'correlationid',
  'causationid',
  'traceparent',
  'tracestate',
]);

/** Checks one message (contents + metadata) that `service` is to publish. */
export function checkMessage(
  index: SpecIndex,
  checker: SchemaChecker,
  service: SpecDocument,
  message: PactMessage,
  at: string,
): Problem[] {
  const problems: Problem[] = [];
  const content = message.contents?.content;
  const structured =
    isObject(content) &&
    typeof content.specversion === 'string' &&
    typeof content.type === 'string' &&
    'data' in content;
  const entries: Entry[] = structured
    ? Object.entries(content).flatMap(([key, value]) =>
        key === 'data' || key === 'data_base64' ? [] : [{ name: key, key, value }],
      )
    : Object.entries(message.metadata).map(([key, value]) => ({ name: attributeName(key), key, value }));
  const entryPath = (e: Entry) => appendPactPath(structured ? `${at}.contents` : `${at}.metadata`, e.key);
  const attribute = (name: string) => entries.find((e) => e.name === name);

  const typeEntry = attribute('type');
  const channels = { file: service.file, path: ['channels'] };
  if (typeEntry === undefined || typeof typeEntry.value !== 'string') {
    return [
      {
        path: `${at}.metadata`,
        at: channels,
        message:
          'the message does not say which event it is: add the CloudEvents "type" to its metadata (e.g. type: citizen.registered), as the SDK sends it',
      },
    ];
  }
  const type = typeEntry.value;
  const declared = index.eventsOf(service);
  const published = declared.filter((e) => publishers(e, index).includes(service.name));
  const versions = published.filter((e) => e.type === type);
  if (versions.length === 0) {
    const elsewhere = declared.find((e) => e.type === type);
    const list = [...new Set(published.map((e) => e.type))].join(', ') || 'nothing';
    return [
      elsewhere
        ? {
            path: entryPath(typeEntry),
            at: elsewhere.node,
            message: `${service.name} does not publish ${type} (its spec has ${publishers(elsewhere, index).join(', ') || 'no service'} send it): ask the publishing service for it instead`,
          }
        : {
            path: entryPath(typeEntry),
            at: channels,
            message: `${service.name} publishes no event "${type}" (it publishes: ${list}): fix the type, or add the event to the spec first`,
          },
    ];
  }

  const picked = pickVersion(versions, attribute('version'), attribute('dataschema'), entryPath, type, at);
  if ('problem' in picked) return [picked.problem];
  const event = picked.event;

  const contentType =
    message.contents?.contentType ?? entries.find((e) => CONTENT_TYPE_KEYS.has(e.key.toLowerCase()))?.value;
  if (typeof contentType === 'string' && essence(contentType) !== essence(event.contentType) && !structured) {
    problems.push({
      path: `${at}.metadata.contentType`,
      at: ws(index, event.node, 'contentType'),
      message: `content type ${contentType} is not the spec's ${event.contentType}: ${fix}`,
    });
  }

  if (message.contents && event.payload) {
    if (message.contents.encoded !== undefined) {
      problems.push({
        path: `${at}.contents`,
        at: event.payload,
        message: `the contents are not JSON; the spec declares ${event.contentType} with a payload schema: ${fix}`,
      });
    } else {
      problems.push(
        ...checker.check({
          schema: event.payload,
          value: structured ? (content as Record<string, unknown>).data : content,
          rules: new RuleIndex(message.rules.body),
          at: structured ? `${at}.contents.data` : `${at}.contents`,
          rulePrefix: structured ? ['data'] : [],
          partial: true,
        }),
      );
    }
  }

  problems.push(...checkMetadata(index, checker, event, entries, message, at, structured, entryPath));
  return problems;
}

const fix = 'change the pact, or change the spec first';

function checkMetadata(
  index: SpecIndex,
  checker: SchemaChecker,
  event: EventVersionModel,
  entries: readonly Entry[],
  message: PactMessage,
  at: string,
  structured: boolean,
  entryPath: (e: Entry) => string,
): Problem[] {
  const problems: Problem[] = [];
  const headersRef = index.ws.child(event.node, 'headers');
  const headers = headersRef && index.ws.deref(headersRef);
  const declaredHeaders =
    headers && isObject(headers.value) && isObject(headers.value.properties)
      ? Object.keys(headers.value.properties)
      : [];
  const rules = new RuleIndex(message.rules.metadata);
  const toHeaders: Record<string, unknown> = {};
  for (const entry of entries) {
    if (
      CONTENT_TYPE_KEYS.has(entry.key.toLowerCase()) ||
      entry.name === 'type' ||
      entry.name === 'version' ||
      entry.name === 'dataschema'
    )
      continue;
    if (declaredHeaders.includes(entry.name) || !ATTRIBUTES.has(entry.name)) {
      if (!structured) toHeaders[entry.name] = entry.value;
      continue;
    }
    const mode = rules.at([entry.key]).mode;
    const problem = attributeProblem(entry, mode === 'shape');
    if (problem) problems.push({ path: entryPath(entry), at: event.node, message: problem });
  }
  if (Object.keys(toHeaders).length === 0) return problems;
  if (!headers) {
    for (const name of Object.keys(toHeaders)) {
      problems.push({
        path: appendPactPath(`${at}.metadata`, name),
        at: event.node,
        message: `metadata "${name}" is neither a CloudEvents attribute nor a header the message declares (it has no headers schema): remove it from the pact, or declare the header in the spec first`,
      });
    }
    return problems;
  }
  // Metadata rules are keyed by name; the headers check walks an object, so key them as paths of that object.
  const byPath = Object.fromEntries(
    Object.entries(message.rules.metadata).map(([k, r]) => [`$['${attributeName(k)}']`, r]),
  );
  problems.push(
    ...checker.check({
      schema: headers,
      value: toHeaders,
      rules: new RuleIndex(byPath),
      at: `${at}.metadata`,
      partial: true,
    }),
  );
  return problems;
}

function attributeProblem(entry: Entry, shapeOnly: boolean): string | undefined {
  const v = entry.value;
  if (typeof v !== 'string' && !(entry.name === 'version' && typeof v === 'number')) {
    return `CloudEvents attribute ${entry.name} travels as a string header; the pact has ${JSON.stringify(v)}: ${fix}`;
  }
  if (shapeOnly) return undefined;
  if (entry.name === 'specversion' && v !== '1.0')
    return `specversion must be "1.0" (CloudEvents 1.0), the pact has ${JSON.stringify(v)}`;
  if (entry.name === 'time' && !isRfc3339(String(v)))
    return `time must be an RFC 3339 timestamp, the pact has ${JSON.stringify(v)}`;
  if (String(v) === '') return `${entry.name} must not be empty`;
  return undefined;
}

/** Who publishes a message: the sending services of the document's operations, else the document that declares it. */
function publishers(event: EventVersionModel, index: SpecIndex): readonly string[] {
  if (event.producers.length > 0) return event.producers;
  const owner = index.asyncapi.find((d) => d.file === event.node.file);
  return owner ? [owner.name] : [];
}

function attributeName(key: string): string {
  const lower = key.toLowerCase();
  const prefix = PREFIXES.filter((p) => p !== '' && lower.startsWith(p)).sort((a, b) => b.length - a.length)[0];
  return prefix ? lower.slice(prefix.length) : key;
}

const essence = (contentType: string): string => (contentType.split(';')[0] ?? '').trim().toLowerCase();

function ws(index: SpecIndex, node: Located, key: string): Located {
  return index.ws.child(node, key) ?? node;
}
