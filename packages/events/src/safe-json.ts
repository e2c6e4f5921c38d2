import { Buffer } from 'node:buffer';
import { escapePointerToken, type Issue, type Result } from './issue.js';

/** Default byte limit of one serialized event: 1 MiB. */
export const DEFAULT_MAX_BYTES = 1_048_576;
/** Default nesting limit of parsed JSON. */
export const DEFAULT_MAX_DEPTH = 100;

/** Keys that could reach `Object.prototype` if a later merge assigned them; rejected wherever they appear. */
const HOSTILE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Options of {@link safeJsonParse}. */
export interface SafeJsonOptions {
  /** Largest accepted input, in UTF-8 bytes. Not applied to already-parsed values. @default 1_048_576 */
  readonly maxBytes?: number;
  /** Deepest accepted nesting of objects and arrays. @default 100 */
  readonly maxDepth?: number;
  /**
   * Deep-freeze what was parsed from bytes or a string, in the same walk as the checks (an already-parsed value
   * is never frozen: it belongs to the caller). @default false
   */
  readonly freeze?: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses untrusted JSON without throwing and without letting hostile keys through.
 *
 * - `Uint8Array`/`Buffer`: decoded as strict UTF-8 (a leading BOM is dropped), then parsed.
 * - `string`: parsed. Its size is counted in UTF-8 bytes.
 * - anything else: taken as already parsed and only walked.
 *
 * Promises: never throws on any input; inputs over `maxBytes` are rejected before decoding; invalid UTF-8,
 * invalid JSON, nesting over `maxDepth`, cycles, and the keys `__proto__`, `constructor` and `prototype` at any
 * depth (as own properties, the way `JSON.parse` creates them) become issues with a JSON pointer. A result with
 * issues carries no value, so nothing hostile reaches a caller. The value of a success is the parsed JSON
 * (the same object for an already-parsed input).
 */
export function safeJsonParse(input: unknown, options: SafeJsonOptions = {}): Result<unknown> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  let text: string;
  if (input instanceof Uint8Array) {
    if (input.byteLength > maxBytes) return tooLarge(input.byteLength, maxBytes);
    try {
      text = utf8.decode(input);
    } catch {
      return { issues: [{ path: '', message: 'input is not valid UTF-8', code: 'HUMANGOV_JSON_INVALID' }] };
    }
  } else if (typeof input === 'string') {
    // UTF-8 never takes fewer bytes than UTF-16 code units, so a long string is rejected without measuring it.
    if (input.length > maxBytes) return tooLarge(input.length, maxBytes, 'at least ');
    const bytes = Buffer.byteLength(input, 'utf8');
    if (bytes > maxBytes) return tooLarge(bytes, maxBytes);
    text = input;
  } else {
    const issues = findUnsafe(input, maxDepth);
    return issues.length > 0 ? { issues } : { value: input };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { issues: [{ path: '', message: `input is not valid JSON: ${reason}`, code: 'HUMANGOV_JSON_INVALID' }] };
  }
  // JSON.parse makes trees (no cycles, no shared objects), so this walk needs no ancestor list.
  let safe = false;
  try {
    safe = isParsedSafe(value, 0, maxDepth, options.freeze === true);
  } catch {
    // Out of stack (only with a very large maxDepth): the iterative walk below reports the problem.
  }
  if (safe) return { value };
  const issues = findUnsafe(value, maxDepth);
  if (issues.length > 0) return { issues };
  // Only when the recursive walk ran out of stack under a very large maxDepth.
  const message = `nesting is too deep to check on this stack; lower maxDepth (${maxDepth})`;
  return { issues: [{ path: '', message, code: 'HUMANGOV_JSON_TOO_DEEP' }] };
}

/** True when a tree from `JSON.parse` has no hostile key and no nesting past `maxDepth`; freezes it on request. */
function isParsedSafe(value: unknown, depth: number, maxDepth: number, freeze: boolean): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (depth >= maxDepth) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isParsedSafe(value[i], depth + 1, maxDepth, freeze)) return false;
  } else {
    for (const key of Object.keys(value)) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') return false;
      if (!isParsedSafe((value as Record<string, unknown>)[key], depth + 1, maxDepth, freeze)) return false;
    }
  }
  if (freeze) Object.freeze(value);
  return true;
}

function tooLarge(size: number, maxBytes: number, qualifier = ''): Result<never> {
  const message = `input is ${qualifier}${size} bytes, over the limit of ${maxBytes}`;
  return { issues: [{ path: '', message, code: 'HUMANGOV_PAYLOAD_TOO_LARGE' }] };
}

/**
 * Runs a recursive check; false when it ran out of stack (only possible with a very large `maxDepth`), so the
 * caller falls back to the iterative walk of `findUnsafe`, which reports the problem.
 */
function fits(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}

/** True when `value` has no hostile key, no cycle and no nesting past `maxDepth` (recursion bounded by it). */
function isPlainSafe(value: unknown, depth: number, maxDepth: number, ancestors: object[]): boolean {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return true;
  if (depth >= maxDepth || ancestors.includes(value)) return false;
  ancestors.push(value);
  if (Array.isArray(value)) {
    for (const item of value) if (!isPlainSafe(item, depth + 1, maxDepth, ancestors)) return false;
  } else {
    for (const key of Object.keys(value)) {
      if (HOSTILE_KEYS.has(key)) return false;
      if (!isPlainSafe((value as Record<string, unknown>)[key], depth + 1, maxDepth, ancestors)) return false;
    }
  }
  ancestors.pop();
  return true;
}

/**
 * Walks a JSON-like value and reports hostile own keys, nesting deeper than `maxDepth`, and cycles, each with its
 * JSON pointer; `[]` when there is none. Typed arrays are leaves. The report comes from an iterative walk (no
 * recursion, so deep input cannot overflow the stack).
 */
export function findUnsafe(root: unknown, maxDepth: number = DEFAULT_MAX_DEPTH): Issue[] {
  // Hot path: plain, safe data is confirmed by a walk that builds no paths; only a hit pays for the report.
  if (fits(() => isPlainSafe(root, 0, maxDepth, []))) return [];
  const issues: Issue[] = [];
  const ancestors = new Set<object>();
  type Frame = { value: unknown; path: string; depth: number; leave?: true };
  const stack: Frame[] = [{ value: root, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth, leave } = stack.pop()!;
    if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) continue;
    if (leave) {
      ancestors.delete(value);
      continue;
    }
    if (ancestors.has(value)) {
      issues.push({ path, message: 'value contains a cycle', code: 'HUMANGOV_JSON_INVALID' });
      continue;
    }
    if (depth >= maxDepth) {
      issues.push({ path, message: `nesting is deeper than ${maxDepth}`, code: 'HUMANGOV_JSON_TOO_DEEP' });
      continue;
    }
    ancestors.add(value);
    stack.push({ value, path, depth, leave: true });
    for (const key of Object.keys(value)) {
      const child = `${path}/${escapePointerToken(key)}`;
      if (HOSTILE_KEYS.has(key)) {
        issues.push({ path: child, message: `key '${key}' is not allowed`, code: 'HUMANGOV_JSON_UNSAFE_KEY' });
        continue;
      }
      stack.push({ value: (value as Record<string, unknown>)[key], path: child, depth: depth + 1 });
    }
  }
  // The stack visits keys last-first; sort so the report is stable.
  return issues.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
