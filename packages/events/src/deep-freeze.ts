/**
 * Freezes `value` and every object and array reachable from it, in place, and returns it. Typed arrays are left
 * as they are (they cannot be frozen); cycles and shared references are handled. Iterative, so deep values
 * cannot overflow the stack.
 */
export function deepFreeze<T>(value: T): T {
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== 'object' || ArrayBuffer.isView(current) || seen.has(current)) continue;
    seen.add(current);
    Object.freeze(current);
    for (const key of Object.keys(current)) stack.push((current as Record<string, unknown>)[key]);
  }
  return value;
}
