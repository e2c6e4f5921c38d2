/**
 * AsyncAPI 3.x documents -> the event model: every message version with its channel, bindings, producers and
 * consumers. Several documents (one per service) are read together; a channel or message reached through
 * `$ref`s from several documents is one channel or message.
 */
import { basename } from 'node:path';
import { isObject, type Located, nodeId, type Workspace } from '../load/workspace.js';
import { type ChannelModel, channelObject } from './channel-object.js';
import { type MessageModel, messageObject } from './message-object.js';
import { type OperationModel, operationObject } from './operation-object.js';

export interface EventVersionModel extends MessageModel {
  readonly channel: ChannelModel;
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
}

export interface AsyncApiModel {
  /** Sorted by event type, then version. */
  readonly events: readonly EventVersionModel[];
  /** Service name of each document read. */
  readonly services: readonly string[];
}

/** The service a document describes: the last segment of its `id`, or its file name. */
export function serviceName(file: string, doc: Record<string, unknown>): string {
  if (typeof doc.id === 'string') {
    const last = doc.id.split(/[:/]/).filter(Boolean).pop();
    if (last) return last;
  }
  return basename(file).replace(/\.(asyncapi\.)?(ya?ml|json)$/, '');
}

export function readAsyncApi(ws: Workspace, files: readonly string[]): AsyncApiModel {
  const channels = new Map<string, ChannelModel>();
  const messages = new Map<string, { message: MessageModel; channel: ChannelModel }>();
  const operations: { service: string; op: OperationModel }[] = [];
  const services: string[] = [];

  const addChannel = (node: Located, key: string): ChannelModel => {
    const id = nodeId(node);
    const known = channels.get(id);
    if (known) return known;
    const contentType = ws.at(node.file, ['defaultContentType'])?.value;
    const channel = channelObject(ws, node, key);
    channels.set(id, channel);
    for (const [messageKey, messageNode] of channel.messages) {
      const messageId = nodeId(messageNode);
      if (messages.has(messageId)) continue;
      const dct = typeof contentType === 'string' ? contentType : 'application/json';
      messages.set(messageId, { message: messageObject(ws, messageNode, messageKey, dct), channel });
    }
    return channel;
  };

  for (const file of files) {
    const source = ws.source(file);
    if (!source) continue;
    const root: Located = { file: source.file, path: [], value: source.value };
    const doc = isObject(source.value) ? source.value : {};
    const version = doc.asyncapi;
    if (typeof version !== 'string' || !version.startsWith('3.')) {
      ws.report(
        ws.child(root, 'asyncapi') ?? root,
        'error',
        'asyncapi-version',
        `only AsyncAPI 3.x documents are supported (found ${typeof version === 'string' ? version : 'no asyncapi field'}); convert it with \`asyncapi convert\``,
      );
      continue;
    }
    const service = serviceName(source.file, doc);
    services.push(service);
    const channelList = ws.child(root, 'channels');
    if (channelList && isObject(channelList.value)) {
      for (const key of Object.keys(channelList.value)) {
        const node = ws.deref(ws.child(channelList, key)!);
        if (node) addChannel(node, node.path[node.path.length - 1] ?? key);
      }
    }
    const operationList = ws.child(root, 'operations');
    if (operationList && isObject(operationList.value)) {
      for (const key of Object.keys(operationList.value)) {
        const node = ws.deref(ws.child(operationList, key)!);
        const op = node && operationObject(ws, node);
        if (op) {
          addChannel(op.channel, op.channel.path[op.channel.path.length - 1] ?? key);
          operations.push({ service, op });
        }
      }
    }
  }

  const producers = new Map<string, Set<string>>();
  const consumers = new Map<string, Set<string>>();
  for (const { service, op } of operations) {
    const channel = channels.get(nodeId(op.channel))!;
    const ids = op.messageIds ?? [...channel.messages.values()].map((m) => nodeId(m));
    const table = op.action === 'send' ? producers : consumers;
    for (const id of ids) {
      if (!table.has(id)) table.set(id, new Set());
      table.get(id)!.add(service);
    }
  }

  const byKey = new Map<string, EventVersionModel>();
  for (const [id, { message, channel }] of messages) {
    const key = `${message.type}@${message.version}`;
    const earlier = byKey.get(key);
    if (earlier) {
      const at = ws.at(earlier.node.file, []) ? `${basename(earlier.node.file)}#/${earlier.node.path.join('/')}` : '';
      ws.report(
        message.node,
        'error',
        'message-duplicate',
        `${message.type} v${message.version} is declared twice (also at ${at}): give one of them another \`x-version\` or \`x-event-type\``,
      );
      continue;
    }
    byKey.set(key, {
      ...message,
      channel,
      producers: [...(producers.get(id) ?? [])].sort(),
      consumers: [...(consumers.get(id) ?? [])].sort(),
    });
  }
  const events = [...byKey.values()].sort((a, b) =>
    a.type < b.type ? -1 : a.type > b.type ? 1 : a.version - b.version,
  );
  return { events, services };
}
