/**
 * AsyncAPI 3.x: two revisions of a catalog (one or more documents each) -> changes to channels, messages
 * (matched by event type and major version, decision 0002) and operations. Documents are read with the same
 * transforms `generate` uses, so `$ref`s, traits and `x-event-type`/`x-version` mean the same thing here.
 */
import { isObject, type Located, nodeId, type Workspace } from '../load/workspace.js';
import { type EventVersionModel, readAsyncApi, serviceName } from '../transform/asyncapi-document.js';
import { type ChannelModel, channelObject } from '../transform/channel-object.js';
import { type OperationModel, operationObject } from '../transform/operation-object.js';
import type { Affected, Change } from './classify.js';
import { diffSchema } from './schema-diff.js';
import { formatPath } from './spec-path.js';

/** The files of one revision and the workspace that reads them. */
export interface Revision {
  readonly ws: Workspace;
  readonly files: readonly string[];
}

interface OperationEntry {
  readonly op: OperationModel;
  readonly service: string;
  readonly channelKey: string;
  readonly messageKeys?: readonly string[];
}

interface Catalog {
  readonly events: Map<string, EventVersionModel>;
  readonly channels: Map<string, ChannelModel>;
  readonly channelMessages: Map<string, Set<string>>;
  readonly operations: Map<string, OperationEntry>;
  readonly users: Map<string, { producers: Set<string>; consumers: Set<string> }>;
}

const last = (node: Located) => node.path[node.path.length - 1] ?? '';
const eventKey = (e: { type: string; version: number }) => `${e.type}@${e.version}`;

function index(rev: Revision, qualifyOperations: boolean): Catalog {
  const { ws } = rev;
  const model = readAsyncApi(ws, rev.files);
  const events = new Map(model.events.map((e) => [eventKey(e), e]));
  const keyOf = new Map(model.events.map((e) => [nodeId(e.node), eventKey(e)]));
  const channels = new Map<string, ChannelModel>();
  const addChannel = (node: Located) => {
    const key = last(node);
    if (!channels.has(key)) channels.set(key, channelObject(ws, node, key));
    return key;
  };
  const operations = new Map<string, OperationEntry>();
  const users = new Map<string, { producers: Set<string>; consumers: Set<string> }>();
  for (const file of rev.files) {
    const source = ws.source(file);
    if (!source || !isObject(source.value) || !String(source.value.asyncapi ?? '').startsWith('3.')) continue;
    const root: Located = { file: source.file, path: [], value: source.value };
    const service = serviceName(source.file, source.value);
    const list = (key: string) => {
      const node = ws.child(root, key);
      return node && isObject(node.value) ? Object.keys(node.value).map((k) => [k, ws.child(node, k)!] as const) : [];
    };
    for (const [, ref] of list('channels')) {
      const node = ws.deref(ref);
      if (node) addChannel(node);
    }
    for (const [key, ref] of list('operations')) {
      const node = ws.deref(ref);
      const op = node && operationObject(ws, node);
      if (!op) continue;
      const channelKey = addChannel(op.channel);
      const messageKeys = op.messageIds?.flatMap((id) => keyOf.get(id) ?? []);
      operations.set(qualifyOperations ? `${service}/${key}` : key, {
        op,
        service,
        channelKey,
        ...(messageKeys && { messageKeys }),
      });
      if (!users.has(channelKey)) users.set(channelKey, { producers: new Set(), consumers: new Set() });
      users.get(channelKey)![op.action === 'send' ? 'producers' : 'consumers'].add(service);
    }
  }
  const channelMessages = new Map(
    [...channels].map(([key, c]) => [
      key,
      new Set([...c.messages.values()].flatMap((m) => keyOf.get(nodeId(m)) ?? [])),
    ]),
  );
  return { events, channels, channelMessages, operations, users };
}

/**
 * Changes between two AsyncAPI revisions. `label` turns a file into the spec name reports show. Operations are
 * matched by key, qualified by service when a revision has several documents.
 */
export function diffAsyncApi(before: Revision, after: Revision, label: (file: string) => string): Change[] {
  const qualify = before.files.length > 1 || after.files.length > 1;
  const a = index(before, qualify);
  const b = index(after, qualify);
  const out: Change[] = [];
  const base = { kind: 'asyncapi', role: 'data' } as const;
  const highest = (c: Catalog) => {
    const max = new Map<string, number>();
    for (const e of c.events.values()) max.set(e.type, Math.max(max.get(e.type) ?? 0, e.version));
    return max;
  };
  const oldMax = highest(a);
  const newMax = highest(b);
  const eventOf = (e: EventVersionModel) => {
    const top = newMax.get(e.type) ?? 0;
    return { type: e.type, version: e.version, ...(top > (oldMax.get(e.type) ?? 0) && { newMajor: top }) };
  };
  const channelAffected = (key: string): Affected => {
    const u = b.users.get(key) ?? a.users.get(key);
    return { producers: [...(u?.producers ?? [])].sort(), consumers: [...(u?.consumers ?? [])].sort() };
  };

  for (const [key, e] of a.events) {
    const n = b.events.get(key);
    const subject = `message ${e.type} v${e.version} (${e.name}V${e.version})`;
    const common = {
      ...base,
      spec: label((n ?? e).node.file),
      subject,
      event: eventOf(e),
      affected: { producers: (n ?? e).producers, consumers: (n ?? e).consumers },
    };
    if (!n) {
      out.push({
        ...common,
        rule: 'message-removed',
        path: '',
        message: 'message version removed',
        narrows: true,
        widens: false,
      });
      continue;
    }
    const push = (rule: string, message: string, path = '') =>
      out.push({ ...common, rule, path, message, narrows: true, widens: true });
    for (const [where, x, y] of [
      ['payload', e.payload, n.payload],
      ['headers', headersOf(before.ws, e.node), headersOf(after.ws, n.node)],
    ] as const) {
      for (const c of diffSchema(before.ws, x, after.ws, y))
        out.push({
          ...common,
          rule: c.rule,
          path: formatPath(where, c.path),
          message: c.message,
          narrows: c.narrows,
          widens: c.widens,
        });
    }
    if (e.contentType !== n.contentType)
      push('content-type-changed', `contentType ${e.contentType} -> ${n.contentType}`);
    if (e.partitionKey !== n.partitionKey)
      push(
        'partition-key-changed',
        `x-partition-key ${e.partitionKey ?? '(none)'} -> ${n.partitionKey ?? '(none)'}: ordering per key changes`,
      );
    if (last(e.channel.node) !== last(n.channel.node))
      push('message-channel-changed', `moved from channel ${e.channel.address} to ${n.channel.address}`);
  }
  for (const [key, n] of b.events) {
    if (a.events.has(key)) continue;
    out.push({
      ...base,
      spec: label(n.node.file),
      subject: `message ${n.type} v${n.version} (${n.name}V${n.version})`,
      event: eventOf(n),
      affected: { producers: n.producers, consumers: n.consumers },
      rule: 'message-added',
      path: '',
      message: 'message version added',
      narrows: false,
      widens: false,
    });
  }

  for (const [key, c] of a.channels) {
    const n = b.channels.get(key);
    const common = {
      ...base,
      spec: label((n ?? c).node.file),
      subject: `channel ${key}`,
      path: '',
      affected: channelAffected(key),
    };
    const push = (rule: string, message: string, narrows = true, widens = true) =>
      out.push({ ...common, rule, message, narrows, widens });
    if (!n) {
      push('channel-removed', `channel removed (address ${c.address}): its producers and consumers lose each other`);
      continue;
    }
    if (c.address !== n.address) push('channel-address-changed', `address ${c.address} -> ${n.address}`);
    // A topic that defaults to the address changed with it: the address change says it all.
    const derived = c.kafka?.topic === c.address && n.kafka?.topic === n.address;
    if (c.kafka?.topic !== n.kafka?.topic && !derived)
      push('kafka-topic-changed', `Kafka topic ${c.kafka?.topic ?? '(none)'} -> ${n.kafka?.topic ?? '(none)'}`);
    const amqp = (x: ChannelModel) =>
      x.amqp ? `${x.amqp.exchange} (${x.amqp.exchangeType}) key ${x.amqp.routingKey}` : '(none)';
    if (amqp(c) !== amqp(n)) push('amqp-binding-changed', `AMQP exchange ${amqp(c)} -> ${amqp(n)}`);
    const was = a.channelMessages.get(key)!;
    const now = b.channelMessages.get(key)!;
    for (const m of was)
      if (!now.has(m) && b.events.has(m))
        push('channel-message-removed', `message ${m.replace('@', ' v')} no longer on this channel`, true, false);
    for (const m of now)
      if (!was.has(m))
        push(
          'channel-message-added',
          `message ${m.replace('@', ' v')} added: readers of this channel may not know it`,
          false,
          true,
        );
  }
  for (const [key, n] of b.channels)
    if (!a.channels.has(key))
      out.push({
        ...base,
        spec: label(n.node.file),
        subject: `channel ${key}`,
        path: '',
        rule: 'channel-added',
        message: `channel added (address ${n.address})`,
        narrows: false,
        widens: false,
        affected: channelAffected(key),
      });

  for (const [key, o] of a.operations) {
    const n = b.operations.get(key);
    const sends = o.op.action === 'send';
    const common = {
      ...base,
      spec: label((n ?? o).op.node.file),
      subject: `operation ${key}`,
      path: '',
      affected: channelAffected(o.channelKey),
    };
    const push = (rule: string, message: string, breaking: boolean) =>
      out.push({ ...common, rule, message, narrows: breaking, widens: breaking });
    if (!n) {
      push(
        'operation-removed',
        `${o.service} no longer ${sends ? 'sends to' : 'receives from'} ${o.channelKey}`,
        sends,
      );
      continue;
    }
    if (o.op.action !== n.op.action) push('operation-action-changed', `action ${o.op.action} -> ${n.op.action}`, true);
    if (o.channelKey !== n.channelKey)
      push('operation-channel-changed', `channel ${o.channelKey} -> ${n.channelKey}`, true);
    const was = new Set(o.messageKeys ?? a.channelMessages.get(o.channelKey));
    const now = new Set(n.messageKeys ?? b.channelMessages.get(n.channelKey));
    for (const m of was)
      if (!now.has(m) && b.events.has(m))
        push(
          'operation-message-removed',
          `${o.service} no longer ${sends ? 'sends' : 'receives'} ${m.replace('@', ' v')}`,
          sends && n.op.action === 'send',
        );
    for (const m of now)
      if (!was.has(m))
        push(
          'operation-message-added',
          `${n.service} now ${n.op.action === 'send' ? 'sends' : 'receives'} ${m.replace('@', ' v')}`,
          false,
        );
  }
  for (const [key, n] of b.operations)
    if (!a.operations.has(key))
      out.push({
        ...base,
        spec: label(n.op.node.file),
        subject: `operation ${key}`,
        path: '',
        rule: 'operation-added',
        message: `${n.service} now ${n.op.action === 'send' ? 'sends to' : 'receives from'} ${n.channelKey}`,
        narrows: false,
        widens: false,
        affected: channelAffected(n.channelKey),
      });
  return out;
}

/** The message's headers schema (plain, or inside a Multi-Format Schema Object). */
function headersOf(ws: Workspace, message: Located): Located | undefined {
  const ref = ws.child(message, 'headers');
  const node = ref && ws.deref(ref);
  if (!node) return undefined;
  if (isObject(node.value) && typeof node.value.schemaFormat === 'string' && 'schema' in node.value)
    return ws.deref(ws.child(node, 'schema')!);
  return node;
}
