import type { DataOf, EventMapShape, EventTypeOf, LatestVersionOf, VersionOf } from './catalog.js';
import type { CloudEvent, DeepReadonly } from './envelope.js';

/** The envelope of one event type at one version of an event map. */
export type EventOf<
  M extends EventMapShape,
  T extends EventTypeOf<M>,
  V extends VersionOf<M, T> = LatestVersionOf<M, T>,
> = CloudEvent<T, V, DataOf<M, T, V>>;

/**
 * Every event of an event map, as a union discriminated by `type` and `version`:
 * `if (e.type === 'citizen.registered' && e.version === 2) e.data.given_name`.
 */
export type AnyEventOf<M extends EventMapShape> = {
  [T in EventTypeOf<M>]: { [V in VersionOf<M, T>]: EventOf<M, T, V> }[VersionOf<M, T>];
}[EventTypeOf<M>];

/** Version arithmetic for upcaster keys: `Next[n]` is `n + 1`, for versions 1 to 20. */
export interface Next {
  1: 2;
  2: 3;
  3: 4;
  4: 5;
  5: 6;
  6: 7;
  7: 8;
  8: 9;
  9: 10;
  10: 11;
  11: 12;
  12: 13;
  13: 14;
  14: 15;
  15: 16;
  16: 17;
  17: 18;
  18: 19;
  19: 20;
  20: 21;
}

/** `V + 1` when that is also a declared version of `T`, else `never`. */
type NextVersion<M extends EventMapShape, T extends EventTypeOf<M>, V> = V extends keyof Next
  ? Next[V] extends VersionOf<M, T>
    ? Next[V]
    : never
  : never;

/**
 * Turns a valid payload of version `V` into a valid payload of version `V + 1`. Receives the deep-readonly
 * payload and its whole envelope (for `time`, `subject`...); returns a new object and must not throw for valid
 * input. Its result is validated against version `V + 1`.
 */
export type Upcaster<M extends EventMapShape, T extends EventTypeOf<M>, V extends VersionOf<M, T>> = (
  data: DeepReadonly<DataOf<M, T, V>>,
  event: EventOf<M, T, V>,
) => M[T]['versions'][NextVersion<M, T, V>];

/** The single-step upcasters of one event type: a required function for every version `n` whose `n + 1` exists. */
export type UpcastersOf<M extends EventMapShape, T extends EventTypeOf<M>> = {
  [V in VersionOf<M, T> as NextVersion<M, T, V> extends never ? never : V]: Upcaster<M, T, V>;
};

/**
 * The upcaster table of an event map, keyed `{ 'citizen.registered': { 1: fn } }`. Every event type with more
 * than one version is a required key, and every step `n -> n + 1` a required function, so a missing upcaster
 * does not compile. Event types with a single version have no key.
 */
export type Upcasters<M extends EventMapShape> = {
  [T in EventTypeOf<M> as [keyof UpcastersOf<M, T>] extends [never] ? never : T]: UpcastersOf<M, T>;
};

/**
 * Declares an upcaster table with full inference: `defineUpcasters<EventMap>()({ ... })`. Returns the table
 * unchanged; the curried form lets `M` be given while the table's functions are typed from context.
 */
export function defineUpcasters<M extends EventMapShape>(): (table: Upcasters<M>) => Upcasters<M> {
  return (table) => table;
}

/** The upcaster table as the runtime sees it. */
export type UpcasterTable = {
  readonly [type: string]: { readonly [version: number]: (data: never, event: never) => unknown } | undefined;
};
