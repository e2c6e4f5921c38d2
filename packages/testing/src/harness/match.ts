/**
 * Partial matching of event data for `expectEvent` and `waitFor`, and the readable report of why nothing matched.
 */

/** Every field optional, at every depth: what `expectEvent` compares an event's data with. */
export type DeepPartial<T> = T extends readonly (infer E)[]
  ? readonly DeepPartial<E>[]
  : T extends object
    ? { readonly [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** One difference between what was expected and what an event has. */
export interface Mismatch {
  /** JSON Pointer into `data`, e.g. `/address/postcode`. */
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Where `actual` differs from `expected`, read as a pattern: an object matches when each of its fields matches (other
 * fields of `actual` are ignored; a field expected `undefined` must be absent); an array matches an array of the
 * same length whose elements match in order; anything else must be equal (`Object.is`).
 */
export function mismatches(actual: unknown, expected: unknown, path = ''): Mismatch[] {
  if (isRecord(expected)) {
    if (!isRecord(actual)) return [{ path: path || '/', expected, actual }];
    return Object.keys(expected).flatMap((key) =>
      mismatches(actual[key], expected[key], `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`),
    );
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [{ path: path || '/', expected, actual }];
    return expected.flatMap((item, i) => mismatches(actual[i], item, `${path}/${i}`));
  }
  return Object.is(actual, expected) ? [] : [{ path: path || '/', expected, actual }];
}

/** A value as JSON, cut to `max` characters. */
export function show(value: unknown, max = 80): string {
  const text = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The candidate with the fewest mismatches (the earliest on a tie), or undefined when there is none. */
export function closest<T>(
  candidates: readonly T[],
  diff: (candidate: T) => readonly Mismatch[],
): { readonly candidate: T; readonly index: number; readonly mismatches: readonly Mismatch[] } | undefined {
  let best: { candidate: T; index: number; mismatches: readonly Mismatch[] } | undefined;
  candidates.forEach((candidate, index) => {
    const found = diff(candidate);
    if (best === undefined || found.length < best.mismatches.length) best = { candidate, index, mismatches: found };
  });
  return best;
}
