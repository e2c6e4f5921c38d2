/**
 * Freezes `value` and every object and array reachable from it, in place, and returns it. Typed arrays are left
 * as they are (they cannot be frozen); cycles and shared references are handled. Recursive: only call it on values
 * whose depth was bounded first (`safeJsonParse`, `findUnsafe`), as the codec does.
 */
export function deepFreeze<T>(value: T): T {
  freeze(value);
  return value;
}

// Recursive: callers freeze data that passed the depth limit of `findUnsafe`. An object already frozen is not
// entered again, which also ends cycles.
function freeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || Object.isFrozen(value)) return;
  Object.freeze(value);
  if (Array.isArray(value)) for (const item of value) freeze(item);
  else for (const key of Object.keys(value)) freeze((value as Record<string, unknown>)[key]);
}

/** What {@link frozenCopy} returns for a value it does not copy. */
export const NOT_PLAIN: unique symbol = Symbol('not plain data');

/**
 * One walk that checks, copies and freezes JSON-like data: the deep-frozen copy of `value` (plain objects and
 * arrays copied, primitives as they are), or {@link NOT_PLAIN} when anything else is reachable (a hostile key
 * `__proto__`/`constructor`/`prototype`, nesting deeper than `maxDepth`, a cycle, a typed array, a Date, a class
 * instance, a function, a symbol or a bigint), so the caller takes the slow path that reports the problem or copies
 * exotic values (`findUnsafe`, `structuredClone`). The input is never modified. Shared references are copied once
 * per reference (as JSON would). Not exported from the package.
 */
export function frozenCopy(value: unknown, maxDepth: number, options: FrozenCopyOptions = {}): unknown {
  return copy(value, 0, maxDepth, [], options.root !== false);
}

/** Options of {@link frozenCopy}. */
export interface FrozenCopyOptions {
  /** Freeze the copy of the root too; `false` leaves the root copy mutable for its new owner. @default true */
  readonly root?: boolean;
}

// Recursive, bounded by `maxDepth`; `ancestors` is the path from the root (short, so `includes` beats a Set).
function copy(value: unknown, depth: number, maxDepth: number, ancestors: object[], freeze = true): unknown {
  if (typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint' ? NOT_PLAIN : value;
  }
  if (value === null) return value;
  if (depth >= maxDepth || ancestors.includes(value)) return NOT_PLAIN;
  ancestors.push(value);
  let out: unknown[] | Record<string, unknown>;
  if (Array.isArray(value)) {
    const length = value.length;
    out = new Array(length);
    for (let i = 0; i < length; i++) {
      const item = copy(value[i], depth + 1, maxDepth, ancestors);
      if (item === NOT_PLAIN) return NOT_PLAIN;
      out[i] = item;
    }
  } else {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return NOT_PLAIN;
    out = {};
    for (const key of Object.keys(value)) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') return NOT_PLAIN;
      const item = copy((value as Record<string, unknown>)[key], depth + 1, maxDepth, ancestors);
      if (item === NOT_PLAIN) return NOT_PLAIN;
      out[key] = item;
    }
  }
  ancestors.pop();
  return freeze ? Object.freeze(out) : out;
}
