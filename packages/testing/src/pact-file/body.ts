/**
 * Bodies and message contents. V1-V3 store the body itself (a JSON value, or a string for other content); V4 wraps
 * it as `{ content, contentType, encoded }`, where `encoded` is `false`, `"base64"` (binary or any content the
 * writer chose to encode) or `"json"` (JSON text stored as a string).
 */
import { isRecord, type JsonNode, type JsonReader } from './json-reader.js';
import type { PactBody } from './model.js';

/** Whether a content type is JSON: `application/json`, `text/json` or any `+json` suffix. */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const essence = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return essence === 'application/json' || essence === 'text/json' || essence.endsWith('+json');
}

const V4_KEYS = ['content', 'contentType', 'encoded'];

/**
 * Reads a body. `contentType` is the type named elsewhere (a `Content-Type` header, `contentType` metadata), used
 * when the body does not name its own. Absent bodies (and V4 bodies without `content`) give `undefined`.
 */
export function readBody(
  r: JsonReader,
  node: JsonNode,
  options: { readonly v4: boolean; readonly contentType?: string | undefined },
): PactBody | undefined {
  const value = node.value;
  if (value === undefined) return undefined;
  const wrapped = options.v4 && isRecord(value) && Object.keys(value).some((k) => V4_KEYS.includes(k));
  if (!wrapped) return withType({ content: value }, options.contentType);
  const contentType = r.optionalString(r.child(node, 'contentType'), 'contentType') ?? options.contentType;
  if (!('content' in value)) return undefined;
  const content = value.content;
  const encoded = value.encoded;
  const contentNode = r.child(node, 'content');
  if (encoded === undefined || encoded === false || encoded === null) return withType({ content }, contentType);
  if (typeof encoded !== 'string' && encoded !== true) {
    r.fail(
      r.child(node, 'encoded').path,
      `encoded must be false, "base64" or "json", found ${JSON.stringify(encoded)}`,
    );
  }
  const how = encoded === true ? 'json' : encoded.toLowerCase();
  const text = r.string(contentNode, `content encoded as ${how}`);
  if (how === 'base64') {
    if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(text)) r.fail(contentNode.path, 'content is not valid base64');
    const decoded = Buffer.from(text, 'base64').toString('utf8');
    if (isJsonContentType(contentType)) return withType({ content: parseJson(r, contentNode, decoded) }, contentType);
    if (contentType?.toLowerCase().startsWith('text/')) return withType({ content: decoded }, contentType);
    return withType({ content: text, encoded: 'base64' }, contentType);
  }
  if (how === 'json') return withType({ content: parseJson(r, contentNode, text) }, contentType);
  return r.fail(r.child(node, 'encoded').path, `unknown encoding "${encoded}": expected false, "base64" or "json"`);
}

function parseJson(r: JsonReader, node: JsonNode, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return r.fail(node.path, `content is not valid JSON (${(error as Error).message})`);
  }
}

const withType = (body: { content: unknown; encoded?: string }, contentType: string | undefined): PactBody =>
  contentType === undefined ? body : { ...body, contentType };
