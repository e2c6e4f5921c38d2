/**
 * Reads Pact files (specification V1 to V4, as the Rust core behind pact-js, pact-jvm and the pact-specification
 * test cases write them) into one typed model. Pure TypeScript: no Pact JS, no native core.
 */
import { readFileSync } from 'node:fs';
import { PactFileError } from '../errors.js';
import { readInteraction, readMessage } from './interactions.js';
import { isRecord, type JsonNode, JsonReader } from './json-reader.js';
import type { Pact, PactInteraction, PactMessageTestCase, PactSpecificationMajor } from './model.js';

/** Options of `readPact`, `parsePact` and `readPactTestCase`. */
export interface ReadPactOptions {
  /**
   * The file name errors and `Pact.file` show when the pact is given as a value or text.
   * @default the path, when a path is given; otherwise none
   */
  readonly file?: string;
}

/**
 * Reads a pact from a file path (a string) or from already-parsed JSON (any other value) and normalises it.
 * Throws `PactFileError` (`HUMANGOV_PACT_UNREADABLE` for a missing file or invalid JSON, `HUMANGOV_PACT_INVALID`
 * for anything that is not a pact) naming the file and the JSON path of the problem. Never mutates its input.
 */
export function readPact(pathOrJson: unknown, options: ReadPactOptions = {}): Pact {
  if (typeof pathOrJson === 'string') {
    const file = options.file ?? pathOrJson;
    return pactFromJson(parseJson(readText(pathOrJson, file), file), file);
  }
  return pactFromJson(pathOrJson, options.file);
}

/** Reads a pact from JSON text (see `readPact`). */
export function parsePact(text: string, options: ReadPactOptions = {}): Pact {
  return pactFromJson(parseJson(text, options.file), options.file);
}

/**
 * Reads a pact-specification message test case (`{ match, comment, expected, actual }`, as in the
 * `testcases/message` folders of pact-foundation/pact-specification) from a path or a parsed value. Both sides are
 * read with the same rules as messages in a pact file; V4 test cases are recognised by their V4 `contents`.
 */
export function readPactTestCase(pathOrJson: unknown, options: ReadPactOptions = {}): PactMessageTestCase {
  const path = typeof pathOrJson === 'string' ? pathOrJson : undefined;
  const file = options.file ?? path;
  const json = path === undefined ? pathOrJson : parseJson(readText(path, file), file);
  const r = new JsonReader(file);
  const root: JsonNode = { value: json, path: '$' };
  r.record(root, 'a pact test case');
  const matchNode = r.child(root, 'match');
  const match = matchNode.value;
  if (typeof match !== 'boolean') return r.fail(matchNode.path, 'match must be true or false');
  const side = (name: string) => {
    const node = r.child(root, name);
    r.record(node, name);
    return readMessage(r, node, isV4Contents(r.child(node, 'contents').value));
  };
  return {
    ...(file !== undefined && { file }),
    match,
    comment: r.optionalString(r.child(root, 'comment'), 'comment') ?? '',
    expected: side('expected'),
    actual: side('actual'),
  };
}

function readText(path: string, file: string | undefined): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : String(error);
    throw new PactFileError({ code: 'HUMANGOV_PACT_UNREADABLE', file, path: '$', problem }, { cause: error });
  }
}

function parseJson(text: string, file: string | undefined): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (error) {
    throw new PactFileError(
      { code: 'HUMANGOV_PACT_UNREADABLE', file, path: '$', problem: `not JSON (${(error as Error).message})` },
      { cause: error },
    );
  }
}

function pactFromJson(json: unknown, file: string | undefined): Pact {
  const r = new JsonReader(file);
  const root: JsonNode = { value: json, path: '$' };
  const value = r.record(root, 'a pact file');
  const party = (role: 'consumer' | 'provider') => {
    const node = r.child(root, role);
    r.record(node, role);
    return r.string(r.child(node, 'name'), `${role} name`);
  };
  const consumer = party('consumer');
  const provider = party('provider');
  const metadataNode = r.either(root, 'metadata', 'metaData');
  const metadata = r.optionalRecord(metadataNode, 'metadata');
  const interactionsNode = r.child(root, 'interactions');
  const messagesNode = r.child(root, 'messages');
  if (interactionsNode.value === undefined && messagesNode.value === undefined) {
    r.fail('$', 'a pact needs "interactions" (HTTP, or any V4 interaction) or "messages" (V3 message pact)');
  }
  const specification = specificationOf(r, metadataNode, value);
  const interactions: PactInteraction[] = [
    ...r
      .optionalArray(interactionsNode, 'interactions')
      .map((n) => readInteraction(r, n, specification.major, 'interactions')),
    ...r.optionalArray(messagesNode, 'messages').map((n) => readInteraction(r, n, specification.major, 'messages')),
  ];
  return {
    ...(file !== undefined && { file }),
    consumer,
    provider,
    specification,
    interactions,
    metadata,
  };
}

/** `metadata.pactSpecification.version` (V2+), `metadata['pact-specification'].version` or V1.1's `pactSpecificationVersion`. */
function specificationOf(r: JsonReader, metadata: JsonNode, root: Record<string, unknown>): Pact['specification'] {
  const candidates = [
    r.child(r.child(metadata, 'pactSpecification'), 'version'),
    r.child(r.child(metadata, 'pact-specification'), 'version'),
    r.child(metadata, 'pactSpecificationVersion'),
  ];
  const found = candidates.find((c) => c.value !== undefined);
  if (found) {
    const version = r.string(found, 'the pact specification version');
    const major = Number(/^v?(\d+)/i.exec(version)?.[1]);
    if (!(major >= 1 && major <= 4)) {
      r.fail(found.path, `pact specification version "${version}" is not supported: this reader knows 1.x to 4.x`);
    }
    return { version, major: major as PactSpecificationMajor, declared: true };
  }
  const major = inferMajor(root);
  return { version: String(major), major, declared: false };
}

/** A file that names no version: typed interactions are V4, messages or rule categories V3, anything else V2. */
function inferMajor(root: Record<string, unknown>): PactSpecificationMajor {
  const list = Array.isArray(root.interactions) ? root.interactions : [];
  if (list.some((i) => isRecord(i) && typeof i.type === 'string')) return 4;
  if (root.messages !== undefined) return 3;
  const categorised = list.some((i) =>
    ['request', 'response'].some((part) => {
      const rules = isRecord(i) && isRecord(i[part]) ? (i[part] as Record<string, unknown>).matchingRules : undefined;
      return isRecord(rules) && Object.keys(rules).some((k) => !k.startsWith('$'));
    }),
  );
  return categorised ? 3 : 2;
}

function isV4Contents(contents: unknown): boolean {
  return isRecord(contents) && 'content' in contents && ('contentType' in contents || 'encoded' in contents);
}
