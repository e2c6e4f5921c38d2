/** Typed access to parsed JSON that fails with a `PactFileError` naming the file and the JSON path. */
import { PactFileError } from '../errors.js';
import { appendPactPath } from './pact-path.js';

/** A value and where it is in the file. `value` is `undefined` for an absent member. */
export interface JsonNode {
  readonly value: unknown;
  readonly path: string;
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const describe = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'an array'
      : typeof v === 'object'
        ? 'an object'
        : `the ${typeof v} ${JSON.stringify(v)}`;

/** Reads one file; every failure names `file` and the path. */
export class JsonReader {
  constructor(readonly file: string | undefined) {}

  fail(path: string, problem: string): never {
    throw new PactFileError({ code: 'HUMANGOV_PACT_INVALID', file: this.file, path, problem });
  }

  child(node: JsonNode, key: string | number): JsonNode {
    const v = node.value;
    const value =
      typeof key === 'number'
        ? Array.isArray(v)
          ? v[key]
          : undefined
        : isRecord(v) && Object.hasOwn(v, key)
          ? v[key]
          : undefined;
    return { value, path: appendPactPath(node.path, key) };
  }

  /** The first present member among `keys` (for spellings that differ between writers). */
  either(node: JsonNode, ...keys: string[]): JsonNode {
    for (const key of keys) {
      const found = this.child(node, key);
      if (found.value !== undefined) return found;
    }
    return this.child(node, keys[0]!);
  }

  record(node: JsonNode, what: string): Record<string, unknown> {
    if (!isRecord(node.value)) this.fail(node.path, `${what} must be a JSON object, found ${describe(node.value)}`);
    return node.value;
  }

  /** An object, or `{}` when absent (or null). */
  optionalRecord(node: JsonNode, what: string): Record<string, unknown> {
    return node.value === undefined || node.value === null ? {} : this.record(node, what);
  }

  array(node: JsonNode, what: string): JsonNode[] {
    if (!Array.isArray(node.value)) this.fail(node.path, `${what} must be a JSON array, found ${describe(node.value)}`);
    return node.value.map((_, i) => this.child(node, i));
  }

  optionalArray(node: JsonNode, what: string): JsonNode[] {
    return node.value === undefined || node.value === null ? [] : this.array(node, what);
  }

  string(node: JsonNode, what: string): string {
    if (typeof node.value !== 'string') {
      const found = node.value === undefined ? 'it is missing' : `found ${describe(node.value)}`;
      this.fail(node.path, `${what} must be a string; ${found}`);
    }
    return node.value;
  }

  optionalString(node: JsonNode, what: string): string | undefined {
    return node.value === undefined || node.value === null ? undefined : this.string(node, what);
  }
}
