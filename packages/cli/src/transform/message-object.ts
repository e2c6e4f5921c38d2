/**
 * Message Object (AsyncAPI 3.0 section "Message Object", with Message Traits merged as the spec describes:
 * the message's own fields win). HumanGov extensions: `x-event-type` (CloudEvents type; default: the message
 * name), `x-version` (major version; default 1), `x-partition-key` (JSON pointer into the payload).
 */
import { isObject, type Located, type Workspace } from '../load/workspace.js';
import { pascalCase } from './names.js';

export interface MessageModel {
  readonly node: Located;
  readonly type: string;
  readonly version: number;
  readonly name: string;
  readonly summary?: string;
  readonly description?: string;
  readonly deprecated: boolean;
  readonly contentType: string;
  /** The payload schema, or undefined when it has none or is in a schema format we do not read. */
  readonly payload?: Located;
  readonly partitionKey?: string;
  readonly examples: readonly Located[];
}

/** JSON Schema / AsyncAPI schema formats: anything else (Avro, RAML, protobuf) is not ours to read. */
const JSON_SCHEMA_FORMAT = /^application\/(vnd\.aai\.asyncapi|schema)(\+json|\+yaml)?(;|$)/;

export function messageObject(ws: Workspace, node: Located, key: string, defaultContentType: string): MessageModel {
  const traits = traitsOf(ws, node);
  const field = (name: string): Located | undefined => {
    const own = ws.child(node, name);
    if (own) return own;
    for (const trait of traits) {
      const found = ws.child(trait, name);
      if (found) return found;
    }
    return undefined;
  };
  const str = (name: string) => {
    const v = field(name)?.value;
    return typeof v === 'string' ? v : undefined;
  };
  const name = str('name') ?? key;
  const versionNode = field('x-version');
  let version = 1;
  if (versionNode) {
    const v = versionNode.value;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 1) version = v;
    else
      ws.report(versionNode, 'error', 'message-version', '`x-version` must be a positive integer (the major version)');
  }
  const partitionKey = str('x-partition-key');
  if (partitionKey !== undefined && !partitionKey.startsWith('/')) {
    ws.report(
      field('x-partition-key')!,
      'error',
      'partition-key',
      '`x-partition-key` must be a JSON pointer such as /citizen_id',
    );
  }
  const summary = str('summary') ?? str('title');
  const description = str('description');
  return {
    node,
    type: str('x-event-type') ?? name,
    version,
    name: pascalCase(name),
    ...(summary !== undefined && { summary }),
    ...(description !== undefined && { description }),
    deprecated: field('deprecated')?.value === true,
    contentType: str('contentType') ?? defaultContentType,
    ...payloadOf(ws, field('payload')),
    ...(partitionKey?.startsWith('/') && { partitionKey }),
    examples: examplesOf(ws, node, traits),
  };
}

function traitsOf(ws: Workspace, node: Located): Located[] {
  return ws.items(node, 'traits').flatMap((item) => ws.deref(item) ?? []);
}

function examplesOf(ws: Workspace, node: Located, traits: readonly Located[]): Located[] {
  const owner = [node, ...traits].find((n) => ws.child(n, 'examples'));
  return owner
    ? ws.items(owner, 'examples').flatMap((item) => {
        const example = ws.deref(item);
        return (example && ws.child(example, 'payload')) ?? [];
      })
    : [];
}

function payloadOf(ws: Workspace, payload: Located | undefined): { payload?: Located } {
  if (!payload) return {};
  const target = ws.deref(payload);
  if (!target) return {};
  const v = target.value;
  if (isObject(v) && typeof v.schemaFormat === 'string' && 'schema' in v) {
    if (!JSON_SCHEMA_FORMAT.test(v.schemaFormat)) {
      ws.report(
        target,
        'warning',
        'payload-format',
        `schema format ${v.schemaFormat} is not supported; the payload is typed as unknown and not validated`,
      );
      return {};
    }
    const schema = ws.deref(ws.child(target, 'schema')!);
    return schema ? { payload: schema } : {};
  }
  return { payload: target };
}
