/**
 * What the docs site shows, read from the specs with the same loader and transforms as `humangov generate`:
 * services (one per AsyncAPI document), channels, messages grouped by event type with all their versions, and the
 * HTTP APIs (OpenAPI documents). Everything is sorted, so the same specs always give the same site.
 */
import { basename } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { isObject, type Located, nodeId, Workspace } from '../load/workspace.js';
import { type EventVersionModel, readAsyncApi, serviceName } from '../transform/asyncapi-document.js';
import type { ChannelModel } from '../transform/channel-object.js';
import { NameAllocator } from '../transform/names.js';
import { SchemaTransform } from '../transform/schema-object.js';
import { type FieldRow, fieldRows, typeName } from './fields.js';
import { type ApiModel, readOpenApi } from './openapi.js';

export interface ServiceDoc {
  readonly name: string;
  readonly slug: string;
  readonly file: string;
  readonly title: string;
  readonly version?: string;
  readonly description?: string;
  /** Message versions the service sends / receives. */
  readonly sends: readonly EventVersionModel[];
  readonly receives: readonly EventVersionModel[];
}

export interface ChannelDoc {
  /** Anchor of the channel's section on the index page. */
  readonly slug: string;
  readonly channel: ChannelModel;
  readonly title?: string;
  readonly description?: string;
  /** Event types carried (sorted). */
  readonly types: readonly string[];
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
}

export interface ExampleDoc {
  readonly name?: string;
  readonly summary?: string;
  /** The example payload as indented JSON. */
  readonly json: string;
}

export interface VersionDoc {
  readonly event: EventVersionModel;
  readonly fields: readonly FieldRow[];
  readonly headers: readonly FieldRow[];
  readonly examples: readonly ExampleDoc[];
  /** Message bindings as (protocol, setting, value) rows: the Kafka key schema, AMQP message settings. */
  readonly bindings: readonly (readonly [string, string, string])[];
}

export interface MessageDoc {
  readonly type: string;
  readonly name: string;
  readonly slug: string;
  /** Oldest first. */
  readonly versions: readonly VersionDoc[];
}

export interface ApiDoc extends ApiModel {
  readonly slug: string;
}

export interface SiteModel {
  readonly services: readonly ServiceDoc[];
  readonly channels: readonly ChannelDoc[];
  readonly messages: readonly MessageDoc[];
  readonly apis: readonly ApiDoc[];
}

/** Reads the specs; the diagnostics hold every problem found (the site is only written when none is an error). */
export function readSite(
  asyncapi: readonly string[],
  openapi: readonly string[],
): {
  site: SiteModel;
  diagnostics: readonly Diagnostic[];
} {
  const ws = new Workspace();
  const schemas = new SchemaTransform(ws, new NameAllocator());
  const model = asyncapi.length > 0 ? readAsyncApi(ws, asyncapi) : { events: [], services: [] };
  const serviceSlug = slugger();
  const services: ServiceDoc[] = [];
  for (const file of asyncapi) {
    const source = ws.source(file);
    const doc = source && isObject(source.value) ? source.value : undefined;
    if (!doc || typeof doc.asyncapi !== 'string' || !doc.asyncapi.startsWith('3.')) continue;
    const name = serviceName(source!.file, doc);
    const info = isObject(doc.info) ? doc.info : {};
    services.push({
      name,
      slug: serviceSlug(name),
      file: basename(file),
      title: typeof info.title === 'string' ? info.title : name,
      ...(typeof info.version === 'string' && { version: info.version }),
      ...(typeof info.description === 'string' && { description: info.description }),
      sends: model.events.filter((e) => e.producers.includes(name)),
      receives: model.events.filter((e) => e.consumers.includes(name)),
    });
  }
  services.sort((a, b) => compare(a.name, b.name));

  const channelSlug = slugger();
  const byChannel = new Map<string, EventVersionModel[]>();
  for (const event of model.events) {
    const id = nodeId(event.channel.node);
    byChannel.set(id, [...(byChannel.get(id) ?? []), event]);
  }
  const channels = [...byChannel.values()]
    .map((events) => events[0]!.channel)
    .sort((a, b) => compare(a.address, b.address))
    .map((channel): ChannelDoc => {
      const events = byChannel.get(nodeId(channel.node))!;
      const v = isObject(channel.node.value) ? channel.node.value : {};
      const collect = (pick: (e: EventVersionModel) => readonly string[]) =>
        [...new Set(events.flatMap(pick))].sort(compare);
      return {
        slug: channelSlug(channel.address),
        channel,
        ...(typeof v.title === 'string' && { title: v.title }),
        ...(typeof v.description === 'string' && { description: v.description }),
        types: collect((e) => [e.type]),
        producers: collect((e) => e.producers),
        consumers: collect((e) => e.consumers),
      };
    });

  const messageSlug = slugger();
  const byType = new Map<string, EventVersionModel[]>();
  for (const event of model.events) byType.set(event.type, [...(byType.get(event.type) ?? []), event]);
  const messages = [...byType.entries()].map(
    ([type, events]): MessageDoc => ({
      type,
      name: events[events.length - 1]!.name,
      slug: messageSlug(type),
      versions: events.map((event) => versionDoc(ws, schemas, event)),
    }),
  );

  const apiSlug = slugger();
  const apis = openapi.flatMap((file): ApiDoc[] => {
    const api = readOpenApi(ws, file);
    return api ? [{ ...api, slug: apiSlug(basename(file).replace(/\.(openapi\.)?(ya?ml|json)$/i, '')) }] : [];
  });
  return { site: { services, channels, messages, apis }, diagnostics: ws.diagnostics };
}

function versionDoc(ws: Workspace, schemas: SchemaTransform, event: EventVersionModel): VersionDoc {
  const headersNode = ws.child(event.node, 'headers');
  const headers = headersNode && ws.deref(headersNode);
  const examples = event.examples.map((payload): ExampleDoc => {
    // `examples[i].payload`: the example object around the payload holds its name and summary.
    const example = ws.at(payload.file, payload.path.slice(0, -1))?.value;
    const meta = isObject(example) ? example : {};
    return {
      ...(typeof meta.name === 'string' && { name: meta.name }),
      ...(typeof meta.summary === 'string' && { summary: meta.summary }),
      json: JSON.stringify(payload.value, null, 2),
    };
  });
  return {
    event,
    fields: event.payload ? fieldRows(ws, schemas, event.payload) : [],
    headers: headers ? fieldRows(ws, schemas, headers) : [],
    examples,
    bindings: messageBindings(ws, event.node),
  };
}

/** Kafka (0.5.0) and AMQP (0.3.0) message bindings, as rows. */
function messageBindings(ws: Workspace, message: Located): [string, string, string][] {
  const rows: [string, string, string][] = [];
  const bindings = ws.child(message, 'bindings');
  const kafkaRef = bindings && ws.child(bindings, 'kafka');
  const kafka = kafkaRef && ws.deref(kafkaRef);
  if (kafka) {
    const keyRef = ws.child(kafka, 'key');
    const key = keyRef && ws.deref(keyRef);
    if (key) {
      const format = isObject(key.value) && typeof key.value.format === 'string' ? ` (${key.value.format})` : '';
      rows.push(['Kafka', 'key', `${typeName(ws, key, 0)}${format}`]);
    }
  }
  const amqpRef = bindings && ws.child(bindings, 'amqp');
  const amqp = amqpRef && ws.deref(amqpRef);
  if (amqp && isObject(amqp.value)) {
    for (const key of ['contentEncoding', 'messageType']) {
      const value = amqp.value[key];
      if (typeof value === 'string') rows.push(['AMQP', key, value]);
    }
  }
  return rows;
}

/** Hands out file-name-safe, unique, lower-case slugs (`Citizen Registered` -> `citizen-registered`). */
function slugger(): (name: string) => string {
  const taken = new Set<string>();
  return (name) => {
    const base =
      name
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')
        .replace(/^[.-]+|-+$/g, '') || 'unnamed';
    let slug = base;
    for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
    taken.add(slug);
    return slug;
  };
}

export const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
