import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type {
  Catalog,
  DataOf,
  EventEntry,
  EventMapShape,
  EventTypeOf,
  LatestVersionOf,
  MessageVersion,
  VersionOf,
} from './catalog.js';
import { deepFreeze, frozenCopy, NOT_PLAIN } from './deep-freeze.js';
import { CLOUDEVENTS_JSON_CONTENT_TYPE, type CloudEvent, checkEnvelope, isJsonContentType } from './envelope.js';
import { EventValidationError, InvalidOptionsError, UnknownEventError, UpcastError } from './errors.js';
import { type Issue, issuesFromValidator, prefixIssues, type Result } from './issue.js';
import { DEFAULT_MAX_DEPTH, findUnsafe, type SafeJsonOptions, safeJsonParse } from './safe-json.js';
import type { AnyEventOf, EventOf, Upcasters, UpcasterTable } from './upcast.js';

/** A catalog that declares at least every event type of `M` (the generated `catalog` for the generated `EventMap`). */
export type CatalogOf<M extends EventMapShape> = Catalog & { readonly [T in EventTypeOf<M>]: EventEntry };

/** Options of {@link createCodec}. */
export interface CodecOptions<M extends EventMapShape> {
  /** `source` of created events when `create` is given none. @default none: `create` then requires `source` */
  readonly source?: string;
  /** Clock for `time` of created events (and of parsed events that carry none). @default () => new Date() */
  readonly now?: () => Date;
  /** Byte limit of `parse` input. @default 1_048_576 */
  readonly maxBytes?: number;
  /** Nesting limit of parsed JSON. @default 100 */
  readonly maxDepth?: number;
  /** Upcasters used by `upcast`. @default none: every upcast across versions reports HUMANGOV_UPCASTER_MISSING */
  readonly upcasters?: Upcasters<M>;
}

/** Options of `create`. */
export interface CreateOptions<V extends number = number> {
  /** Version of `data`. @default the latest version of the event type */
  readonly version?: V;
  /** @default the codec's `source` */
  readonly source?: string;
  /** Give an id only to make creation idempotent (e.g. derived from a command id). @default crypto.randomUUID() */
  readonly id?: string;
  readonly subject?: string;
  /** @default `causedBy.correlationid`, else the new event's own `id` */
  readonly correlationId?: string;
  /** The event being handled when this one is created: sets `causationid` and the default `correlationid`. */
  readonly causedBy?: CloudEvent;
  readonly traceparent?: string;
  readonly tracestate?: string;
}

/** Options of `parse`; each overrides the codec's option of the same name for one call. */
export type ParseOptions = Pick<SafeJsonOptions, 'maxBytes' | 'maxDepth'>;

/** Creates, serializes, parses, validates and upcasts the events of one catalog. Stateless; safe to share. */
export interface Codec<M extends EventMapShape> {
  readonly catalog: CatalogOf<M>;
  /**
   * Builds a deep-frozen event of `type` at the latest version (or `options.version`). The compiler checks
   * `data`; at run time the catalog validator checks it again and an invalid payload THROWS
   * `EventValidationError` (so does a hostile key); an unknown type or version throws `UnknownEventError`, a
   * missing source `InvalidOptionsError`. `data` is copied, so the caller's object stays mutable.
   */
  create<T extends EventTypeOf<M>, V extends VersionOf<M, T> = LatestVersionOf<M, T>>(
    type: T,
    data: DataOf<M, T, V>,
    options?: CreateOptions<V>,
  ): EventOf<M, T, V>;
  /** Encodes a structured-mode CloudEvents JSON message ({@link CLOUDEVENTS_JSON_CONTENT_TYPE}); bytes -> `data_base64`. */
  serialize(event: CloudEvent): Uint8Array;
  /**
   * Decodes untrusted input (bytes, string, or an already-parsed object) into a deep-frozen event; never throws.
   * Rejects, as issues: oversized or malformed input, hostile keys, malformed CloudEvents attributes, unknown
   * type or version, and data the catalog validator refuses (paths under `/data`). Accepts valid events of other
   * producers and fills what they may omit: `version` (from a matching `dataschema`, else the type's only
   * version), `datacontenttype` (`application/json`), `dataschema` (the catalog's), `correlationid` (the `id`),
   * `partitionkey` (from `data`), `time` (the codec clock, as the CloudEvents JS SDK does).
   */
  parse(input: unknown, options?: ParseOptions): Result<AnyEventOf<M>>;
  /** The checks of `parse` for an event object already in memory; returns a deep-frozen copy. Never throws. */
  validate(event: unknown): Result<AnyEventOf<M>>;
  /**
   * `validate` for an event object the caller has just built and hands over, whose `data` came out of
   * `safeJsonParse` (so hostile keys and depth were checked): skips the copy and the hostile-key scan, and freezes
   * the object in place. Transports' binary-mode decoders use it; anything else should call `validate`.
   */
  validateOwned(event: Record<string, unknown>): Result<AnyEventOf<M>>;
  /**
   * Validates `event`, then applies the upcasters step by step up to `toVersion`, validating after each step.
   * The result keeps every attribute but `version`, `dataschema` and `data`. Missing upcasters, unknown or lower
   * target versions, and invalid upcaster output are issues; an upcaster that throws raises `UpcastError`.
   */
  upcast<T extends EventTypeOf<M>, V extends VersionOf<M, T>>(
    event: CloudEvent<T, number, unknown>,
    toVersion: V,
  ): Result<EventOf<M, T, V>>;
}

const encoder = new TextEncoder();

function own<T>(
  table: { readonly [key: string]: T } | { readonly [key: number]: T } | undefined,
  key: string | number,
) {
  return table !== undefined && Object.hasOwn(table, key) ? (table as Record<string, T>)[key] : undefined;
}

function fail(path: string, message: string, code: Issue['code']): { issues: Issue[] } {
  return { issues: [{ path, message, code }] };
}

// Reference tokens of each partition-key pointer, split once (the catalog has a few dozen).
const pointerTokens = new Map<string, readonly string[]>();

/** `readPointer` with the pointer's tokens split once per pointer. */
function readKey(data: unknown, pointer: string): unknown {
  let tokens = pointerTokens.get(pointer);
  if (!tokens) {
    tokens =
      pointer === ''
        ? []
        : pointer
            .slice(1)
            .split('/')
            .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
    pointerTokens.set(pointer, tokens);
  }
  let current = data;
  for (const token of tokens) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, token)) return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}

function partitionKeyOf(version: MessageVersion, data: unknown): string | undefined {
  if (version.partitionKey === undefined) return undefined;
  const key = readKey(data, version.partitionKey);
  if (typeof key === 'string') return key;
  return typeof key === 'number' || typeof key === 'boolean' ? String(key) : undefined;
}

/**
 * Creates the codec of one generated catalog. `M` is the generated `EventMap`, given explicitly:
 * `createCodec<EventMap>(catalog, { source: '/humangov/citizen-registry', upcasters })`.
 */
export function createCodec<M extends EventMapShape>(catalog: CatalogOf<M>, options: CodecOptions<M> = {}): Codec<M> {
  const upcasters = (options.upcasters ?? {}) as UpcasterTable;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  // Data the codec parses is its own: frozen in the walk that checks it.
  const limits = (override?: ParseOptions): SafeJsonOptions => ({
    maxBytes: override?.maxBytes ?? options.maxBytes,
    maxDepth: override?.maxDepth ?? options.maxDepth,
    freeze: true,
  });
  const clock = options.now;
  // The default clock formats one timestamp per millisecond, not one per event.
  let lastMs = Number.NaN;
  let lastIso = '';
  const isoNow = (): string => {
    if (clock) return clock().toISOString();
    const ms = Date.now();
    if (ms !== lastMs) {
      lastMs = ms;
      lastIso = new Date(ms).toISOString();
    }
    return lastIso;
  };

  function resolveVersion(entry: EventEntry, record: Record<string, unknown>): number | Issue {
    if (typeof record.version === 'number') {
      if (own(entry.versions, record.version)) return record.version;
      const known = Object.keys(entry.versions);
      const message = `${entry.type} has no version ${record.version} (known: ${known.join(', ')})`;
      return { path: '/version', message, code: 'HUMANGOV_VERSION_UNKNOWN' };
    }
    const known = Object.keys(entry.versions);
    const bySchema = known.find((v) => own(entry.versions, v)?.dataschema === record.dataschema);
    if (bySchema !== undefined) return Number(bySchema);
    if (known.length === 1) return Number(known[0]);
    const message = `version is required: ${entry.type} has versions ${known.join(', ')} and dataschema names none`;
    return { path: '/version', message, code: 'HUMANGOV_VERSION_UNKNOWN' };
  }

  /**
   * Checks an event object the codec owns (fresh from `JSON.parse`, a copy, or handed over; no one else holds it)
   * and turns it, in place, into the frozen, normalized event. `data` is frozen too (a no-op when it already is).
   */
  function check(record: unknown, parseOptions?: ParseOptions): Result<CloudEvent> {
    const issues = checkEnvelope(record);
    if (issues.length > 0 && issues.some((issue) => issue.path === '')) return { issues };
    const attributes = record as Record<string, unknown>;
    const type = attributes.type;
    const entry = typeof type === 'string' ? own(catalog, type) : undefined;
    if (typeof type === 'string' && entry === undefined) {
      issues.push({ path: '/type', message: `unknown event type '${type}'`, code: 'HUMANGOV_EVENT_UNKNOWN' });
    }
    const version = entry && resolveVersion(entry, attributes);
    if (typeof version === 'object') issues.push(version);
    const definition = entry && typeof version === 'number' ? own(entry.versions, version) : undefined;
    if (issues.length > 0 || !definition) return { issues };

    let data = attributes.data;
    const base64 = attributes.data_base64;
    if (typeof base64 === 'string') {
      const bytes = Buffer.from(base64, 'base64');
      if (isJsonContentType(attributes.datacontenttype as string | undefined)) {
        const decoded = safeJsonParse(new Uint8Array(bytes), limits(parseOptions));
        if (decoded.issues) return { issues: prefixIssues(decoded.issues, '/data_base64') };
        data = decoded.value;
      } else {
        data = new Uint8Array(bytes);
      }
    }
    if (!definition.validate(data)) return { issues: issuesFromValidator(definition.validate.errors, '/data') };

    // Normalized in place (the record is the codec's own): nulls dropped (absent, JSON format 1.0.2 §2.4),
    // defaults filled in, data decoded from data_base64.
    const event = attributes;
    for (const name of Object.keys(event)) if (event[name] === null) delete event[name];
    if (event.time === undefined) event.time = isoNow();
    if (event.datacontenttype === undefined) event.datacontenttype = 'application/json';
    if (event.dataschema === undefined) event.dataschema = definition.dataschema;
    event.version = version;
    if (event.correlationid === undefined) event.correlationid = event.id;
    if (event.partitionkey === undefined) {
      const key = partitionKeyOf(definition, data);
      if (key !== undefined) event.partitionkey = key;
      else delete event.partitionkey;
    }
    if (base64 !== undefined) delete event.data_base64;
    event.data = deepFreeze(data);
    return { value: Object.freeze(event) as unknown as CloudEvent };
  }

  function validate(event: unknown, parseOptions?: ParseOptions): Result<CloudEvent> {
    const depth = limits(parseOptions).maxDepth ?? DEFAULT_MAX_DEPTH;
    // Plain data: checked, copied and frozen in one walk. Anything else: reported, or copied by structuredClone.
    const copied = frozenCopy(event, depth, { root: false });
    if (copied !== NOT_PLAIN) return check(copied, parseOptions);
    const unsafe = findUnsafe(event, depth);
    if (unsafe.length > 0) return { issues: unsafe };
    let copy: unknown;
    try {
      copy = structuredClone(event);
    } catch (error) {
      return fail('', `event is not plain data: ${(error as Error).message}`, 'HUMANGOV_ENVELOPE_INVALID');
    }
    return check(copy, parseOptions);
  }

  function upcast(event: CloudEvent, toVersion: number): Result<CloudEvent> {
    const checked = validate(event);
    if (checked.issues) return checked;
    let current = checked.value;
    const entry = own(catalog, current.type)!;
    if (!own(entry.versions, toVersion)) {
      return fail('/version', `${current.type} has no version ${toVersion}`, 'HUMANGOV_VERSION_UNKNOWN');
    }
    if (toVersion < current.version) {
      const message = `cannot downcast ${current.type} from v${current.version} to v${toVersion}`;
      return fail('/version', message, 'HUMANGOV_DOWNCAST');
    }
    while (current.version < toVersion) {
      const from = current.version;
      const target = own(entry.versions, from + 1);
      const step = own(own(upcasters, current.type), from) as ((data: unknown, e: CloudEvent) => unknown) | undefined;
      if (!target || !step) {
        const message = `no upcaster for ${current.type} v${from} -> v${from + 1}`;
        return fail('/version', message, 'HUMANGOV_UPCASTER_MISSING');
      }
      let data: unknown;
      try {
        data = step(current.data, current);
      } catch (cause) {
        throw new UpcastError({ type: current.type, fromVersion: from, toVersion: from + 1 }, { cause });
      }
      // An upcaster's output may share objects with its input (already frozen) or with the upcaster's own state,
      // so it is copied (and checked) like a caller's payload.
      let next = frozenCopy(data, maxDepth);
      if (next === NOT_PLAIN) {
        const unsafe = findUnsafe(data, maxDepth);
        if (unsafe.length > 0) return { issues: prefixIssues(unsafe, '/data') };
        next = deepFreeze(data);
      }
      if (!target.validate(next)) {
        const issues = issuesFromValidator(target.validate.errors, '/data');
        return { issues: issues.map((i) => ({ ...i, message: `after upcasting to v${from + 1}: ${i.message}` })) };
      }
      current = Object.freeze({
        ...current,
        version: from + 1,
        dataschema: target.dataschema,
        data: next,
      }) as CloudEvent;
    }
    return { value: current };
  }

  /** The payload of `create`: a deep-frozen copy, or an `EventValidationError` for unsafe data. */
  function copyPayload(type: string, version: number, payload: unknown): unknown {
    const copied = frozenCopy(payload, maxDepth);
    if (copied !== NOT_PLAIN) return copied;
    const unsafe = findUnsafe(payload, maxDepth);
    if (unsafe.length > 0) throw new EventValidationError({ type, version, issues: prefixIssues(unsafe, '/data') });
    return deepFreeze(structuredClone(payload));
  }

  function create(type: string, payload: unknown, createOptions: CreateOptions = {}): CloudEvent {
    const entry = own(catalog, type);
    if (!entry) throw new UnknownEventError({ type });
    const version = createOptions.version ?? entry.latest;
    const definition = own(entry.versions, version);
    if (!definition) throw new UnknownEventError({ type, version });
    const data = copyPayload(type, version, payload);
    if (!definition.validate(data)) {
      throw new EventValidationError({
        type,
        version,
        issues: issuesFromValidator(definition.validate.errors, '/data'),
      });
    }
    const source = createOptions.source ?? options.source;
    if (!source) {
      const message = `no source for ${type}: pass options.source to create() or a default source to createCodec()`;
      throw new InvalidOptionsError({ option: 'source', message });
    }
    const id = createOptions.id ?? randomUUID();
    const { causedBy } = createOptions;
    const event: Record<string, unknown> = {
      specversion: '1.0',
      id,
      source,
      type,
      time: isoNow(),
      datacontenttype: definition.contentType,
      dataschema: definition.dataschema,
      version,
      correlationid: createOptions.correlationId ?? causedBy?.correlationid ?? id,
    };
    if (createOptions.subject !== undefined) event.subject = createOptions.subject;
    if (createOptions.traceparent !== undefined) event.traceparent = createOptions.traceparent;
    if (createOptions.tracestate !== undefined) event.tracestate = createOptions.tracestate;
    if (causedBy?.id !== undefined) event.causationid = causedBy.id;
    const partitionkey = partitionKeyOf(definition, data);
    if (partitionkey !== undefined) event.partitionkey = partitionkey;
    event.data = data;
    return Object.freeze(event) as unknown as CloudEvent;
  }

  function serialize(event: CloudEvent): Uint8Array {
    const { data } = event;
    // JSON data: the event is its own wire form (no copy of its attributes).
    if (!(data instanceof Uint8Array)) return encoder.encode(JSON.stringify(event));
    const { data: _bytes, ...attributes } = event as CloudEvent & Record<string, unknown>;
    const base64 = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
    return encoder.encode(JSON.stringify({ ...attributes, data_base64: base64 }));
  }

  function parse(input: unknown, parseOptions?: ParseOptions): Result<CloudEvent> {
    if (!(input instanceof Uint8Array) && typeof input !== 'string') return validate(input, parseOptions);
    // Not frozen while parsing: `check` normalizes the envelope in place, then freezes it and its data.
    const json = safeJsonParse(input, { ...limits(parseOptions), freeze: false });
    return json.issues ? json : check(json.value, parseOptions);
  }

  // The generic signatures are enforced at the call sites; inside, events are plain CloudEvents.
  const validateOwned = (event: Record<string, unknown>): Result<CloudEvent> => check(event);
  return { catalog, create, serialize, parse, validate, validateOwned, upcast } as unknown as Codec<M>;
}
