/**
 * Interactions of every kind and version: V1-V3 HTTP interactions, V3 messages, and the V4 interaction types
 * `Synchronous/HTTP`, `Asynchronous/Messages` and `Synchronous/Messages`.
 */
import { readBody } from './body.js';
import type { JsonNode, JsonReader } from './json-reader.js';
import { readMatchingRules, ruleSet } from './matching-rules.js';
import type {
  PactHttpInteraction,
  PactHttpRequest,
  PactHttpResponse,
  PactInteraction,
  PactInteractionBase,
  PactMessage,
  PactProviderState,
  PactSpecificationMajor,
} from './model.js';

/** The V4 `type` of each interaction kind. */
export const V4_TYPES = {
  'Synchronous/HTTP': 'http',
  'Asynchronous/Messages': 'message',
  'Synchronous/Messages': 'synchronous-message',
} as const;

/**
 * Reads one interaction. `section` says which top-level array it came from: V3 `messages` hold only messages;
 * `interactions` hold HTTP interactions (V1-V3) or typed V4 interactions.
 */
export function readInteraction(
  r: JsonReader,
  node: JsonNode,
  major: PactSpecificationMajor,
  section: 'interactions' | 'messages',
): PactInteraction {
  const value = r.record(node, 'an interaction');
  const v4 = major >= 4;
  if (value.type !== undefined) {
    const type = r.string(r.child(node, 'type'), 'type');
    const kind = Object.hasOwn(V4_TYPES, type) ? V4_TYPES[type as keyof typeof V4_TYPES] : undefined;
    if (kind === undefined) {
      r.fail(
        r.child(node, 'type').path,
        `unknown interaction type "${type}": expected one of ${Object.keys(V4_TYPES).join(', ')}`,
      );
    }
    if (kind === 'http') return readHttp(r, node, true);
    if (kind === 'message') return { kind, ...base(r, node), ...readMessage(r, node, true) };
    return {
      kind,
      ...base(r, node),
      request: readMessage(r, r.child(node, 'request'), true),
      responses: r.optionalArray(r.child(node, 'response'), 'response').map((n) => readMessage(r, n, true)),
    };
  }
  if (section === 'messages' || ('contents' in value && !('request' in value))) {
    return { kind: 'message', ...base(r, node), ...readMessage(r, node, v4) };
  }
  if (!('request' in value) && !('response' in value)) {
    r.fail(node.path, 'an interaction needs a request and a response (HTTP), contents (a message) or a V4 "type"');
  }
  return readHttp(r, node, v4);
}

function base(r: JsonReader, node: JsonNode): PactInteractionBase {
  const description = r.string(r.child(node, 'description'), 'description');
  const pendingNode = r.child(node, 'pending');
  if (pendingNode.value !== undefined && typeof pendingNode.value !== 'boolean') {
    r.fail(pendingNode.path, 'pending must be true or false');
  }
  const key = r.optionalString(r.child(node, 'key'), 'key');
  return {
    description,
    providerStates: providerStates(r, node),
    pending: pendingNode.value === true,
    ...(key !== undefined && { key }),
    location: node.path,
  };
}

function providerStates(r: JsonReader, node: JsonNode): PactProviderState[] {
  const list = r.child(node, 'providerStates');
  if (list.value !== undefined) {
    return r.array(list, 'providerStates').map((state) => {
      r.record(state, 'a provider state');
      const name = r.string(r.child(state, 'name'), 'a provider state name');
      const params = r.child(state, 'params');
      if (params.value === undefined || params.value === null) return { name };
      return { name, params: r.record(params, 'provider state params') };
    });
  }
  // V1-V2: one state as a string (`provider_state` in V1).
  const single = r.optionalString(r.either(node, 'providerState', 'provider_state'), 'providerState');
  return single === undefined ? [] : [{ name: single }];
}

function readHttp(r: JsonReader, node: JsonNode, v4: boolean): PactHttpInteraction {
  return {
    kind: 'http',
    ...base(r, node),
    request: readRequest(r, r.child(node, 'request'), v4),
    response: readResponse(r, r.child(node, 'response'), v4),
  };
}

function readRequest(r: JsonReader, node: JsonNode, v4: boolean): PactHttpRequest {
  r.record(node, 'request');
  const method = r.string(r.child(node, 'method'), 'request method').toUpperCase();
  const path = r.optionalString(r.child(node, 'path'), 'request path') ?? '/';
  const headers = readHeaders(r, r.child(node, 'headers'));
  const rules = readMatchingRules(r, r.child(node, 'matchingRules'));
  const body = readBody(r, r.child(node, 'body'), { v4, contentType: headerValue(headers, 'content-type') });
  return {
    method,
    path,
    query: readQuery(r, r.child(node, 'query')),
    headers,
    ...(body !== undefined && { body }),
    rules: {
      body: ruleSet(rules, 'body'),
      header: ruleSet(rules, 'header'),
      query: ruleSet(rules, 'query'),
      path: ruleSet(rules, 'path'),
    },
  };
}

function readResponse(r: JsonReader, node: JsonNode, v4: boolean): PactHttpResponse {
  r.record(node, 'response');
  const statusNode = r.child(node, 'status');
  const status = statusNode.value ?? 200;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    r.fail(statusNode.path, `status must be an HTTP status code (100 to 599), found ${JSON.stringify(status)}`);
  }
  const headers = readHeaders(r, r.child(node, 'headers'));
  const rules = readMatchingRules(r, r.child(node, 'matchingRules'));
  const body = readBody(r, r.child(node, 'body'), { v4, contentType: headerValue(headers, 'content-type') });
  return {
    status,
    headers,
    ...(body !== undefined && { body }),
    rules: { body: ruleSet(rules, 'body'), header: ruleSet(rules, 'header'), status: ruleSet(rules, 'status') },
  };
}

/** Reads a message (or one side of a synchronous message): contents, `metadata` or `metaData`, rules. */
export function readMessage(r: JsonReader, node: JsonNode, v4: boolean): PactMessage {
  r.record(node, 'a message');
  const metadataNode = r.either(node, 'metadata', 'metaData');
  const metadata = r.optionalRecord(metadataNode, 'message metadata');
  const declared = ['contentType', 'content-type', 'Content-Type'].map((k) => metadata[k]);
  const contentType = declared.find((v): v is string => typeof v === 'string');
  const contents = readBody(r, r.child(node, 'contents'), { v4, contentType });
  const rules = readMatchingRules(r, r.child(node, 'matchingRules'));
  return {
    ...(contents !== undefined && { contents }),
    metadata,
    rules: { body: ruleSet(rules, 'body'), metadata: ruleSet(rules, 'metadata') },
  };
}

function readHeaders(r: JsonReader, node: JsonNode): Record<string, readonly string[]> {
  const raw = r.optionalRecord(node, 'headers');
  const out: Record<string, readonly string[]> = {};
  for (const name of Object.keys(raw)) {
    out[name] = stringList(r, r.child(node, name), `header ${name}`);
  }
  return out;
}

function readQuery(r: JsonReader, node: JsonNode): Record<string, readonly string[]> {
  if (typeof node.value === 'string') {
    // V1-V2: the query string itself.
    const out: Record<string, string[]> = {};
    for (const [name, value] of new URLSearchParams(node.value)) out[name] = [...(out[name] ?? []), value];
    return out;
  }
  const raw = r.optionalRecord(node, 'query');
  const out: Record<string, readonly string[]> = {};
  for (const name of Object.keys(raw)) out[name] = stringList(r, r.child(node, name), `query parameter ${name}`);
  return out;
}

function stringList(r: JsonReader, node: JsonNode, what: string): string[] {
  const v = node.value;
  if (typeof v === 'string') return [v];
  if (typeof v === 'number' || typeof v === 'boolean') return [String(v)];
  if (Array.isArray(v)) return r.array(node, what).map((item) => r.string(item, `a value of ${what}`));
  return r.fail(node.path, `${what} must be a string or a list of strings`);
}

/** First value of a header, by case-insensitive name. */
export function headerValue(headers: Readonly<Record<string, readonly string[]>>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, values] of Object.entries(headers)) if (key.toLowerCase() === lower) return values[0];
  return undefined;
}
