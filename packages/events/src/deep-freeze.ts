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
