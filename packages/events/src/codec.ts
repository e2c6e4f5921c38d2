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
import { deepFreeze } from './deep-freeze.js';
import { CLOUDEVENTS_JSON_CONTENT_TYPE, type CloudEvent, checkEnvelope, isJsonContentType } from './envelope.js';
import { EventValidationError, InvalidOptionsError, UnknownEventError, UpcastError } from './errors.js';
import { type Issue, issuesFromValidator, prefixIssues, type Result, readPointer } from './issue.js';
import { findUnsafe, type SafeJsonOptions, safeJsonParse } from './safe-json.js';
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
export type ParseOptions = SafeJsonOptions;

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

function partitionKeyOf(version: MessageVersion, data: unknown): string | undefined {
  if (version.partitionKey === undefined) return undefined;
  const key = readPointer(data, version.partitionKey);
  if (typeof key === 'string') return key;
  return typeof key === 'number' || typeof key === 'boolean' ? String(key) : undefined;
}

/**
 * Creates the codec of one generated catalog. `M` is the generated `EventMap`, given explicitly:
 * `createCodec<EventMap>(catalog, { source: '/humangov/citizen-registry', upcasters })`.
 */
export function createCodec<M extends EventMapShape>(catalog: CatalogOf<M>, options: CodecOptions<M> = {}): Codec<M> {
  const now = options.now ?? (() => new Date());
  const upcasters = (options.upcasters ?? {}) as UpcasterTable;
  const limits = (override?: ParseOptions): SafeJsonOptions => ({
    maxBytes: override?.maxBytes ?? options.maxBytes,
    maxDepth: override?.maxDepth ?? options.maxDepth,
  });

  function resolveVersion(entry: EventEntry, record: Record<string, unknown>): number | Issue {
    const known = Object.keys(entry.versions);
    if (typeof record.version === 'number') {
      if (own(entry.versions, record.version)) return record.version;
      const message = `${entry.type} has no version ${record.version} (known: ${known.join(', ')})`;
      return { path: '/version', message, code: 'HUMANGOV_VERSION_UNKNOWN' };
    }
    const bySchema = known.find((v) => own(entry.versions, v)?.dataschema === record.dataschema);
    if (bySchema !== undefined) return Number(bySchema);
    if (known.length === 1) return Number(known[0]);
    const message = `version is required: ${entry.type} has versions ${known.join(', ')} and dataschema names none`;
    return { path: '/version', message, code: 'HUMANGOV_VERSION_UNKNOWN' };
  }

  /** Checks a fresh (owned, mutable) event object and turns it into a frozen, normalized event. */
  function check(record: unknown, parseOptions?: ParseOptions): Result<CloudEvent> {
    const issues = checkEnvelope(record);
    if (issues.some((issue) => issue.path === '')) return { issues };
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

    const { data: inline, data_base64: base64, ...rest } = attributes;
    let data = inline;
    if (typeof base64 === 'string') {
      const bytes = Buffer.from(base64, 'base64');
      if (isJsonContentType(rest.datacontenttype as string | undefined)) {
        const decoded = safeJsonParse(new Uint8Array(bytes), limits(parseOptions));
        if (decoded.issues) return { issues: prefixIssues(decoded.issues, '/data_base64') };
        data = decoded.value;
      } else {
        data = new Uint8Array(bytes);
      }
    }
    if (!definition.validate(data)) return { issues: issuesFromValidator(definition.validate.errors, '/data') };

    const present = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== null));
    const event = {
      ...present,
      time: present.time ?? now().toISOString(),
      datacontenttype: present.datacontenttype ?? 'application/json',
      dataschema: present.dataschema ?? definition.dataschema,
      version,
      correlationid: present.correlationid ?? present.id,
      ...(present.partitionkey === undefined ? { partitionkey: partitionKeyOf(definition, data) } : {}),
      data,
    };
    if (event.partitionkey === undefined) delete event.partitionkey;
    return { value: deepFreeze(event) as unknown as CloudEvent };
  }

  function validate(event: unknown, parseOptions?: ParseOptions): Result<CloudEvent> {
    const unsafe = findUnsafe(event, limits(parseOptions).maxDepth);
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
      const unsafe = findUnsafe(data, limits().maxDepth);
      if (unsafe.length > 0) return { issues: prefixIssues(unsafe, '/data') };
      if (!target.validate(data)) {
        const issues = issuesFromValidator(target.validate.errors, '/data');
        return { issues: issues.map((i) => ({ ...i, message: `after upcasting to v${from + 1}: ${i.message}` })) };
      }
      current = deepFreeze({ ...current, version: from + 1, dataschema: target.dataschema, data }) as CloudEvent;
    }
    return { value: current };
  }

  function create(type: string, payload: unknown, createOptions: CreateOptions = {}): CloudEvent {
    const entry = own(catalog, type);
    if (!entry) throw new UnknownEventError({ type });
    const version = createOptions.version ?? entry.latest;
    const definition = own(entry.versions, version);
    if (!definition) throw new UnknownEventError({ type, version });
    const unsafe = findUnsafe(payload, options.maxDepth);
    if (unsafe.length > 0) throw new EventValidationError({ type, version, issues: prefixIssues(unsafe, '/data') });
    const data: unknown = structuredClone(payload);
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
    const optional = {
      subject: createOptions.subject,
      traceparent: createOptions.traceparent,
      tracestate: createOptions.tracestate,
      causationid: causedBy?.id,
      partitionkey: partitionKeyOf(definition, data),
    };
    return deepFreeze({
      specversion: '1.0',
      id,
      source,
      type,
      time: now().toISOString(),
      datacontenttype: definition.contentType,
      dataschema: definition.dataschema,
      version,
      correlationid: createOptions.correlationId ?? causedBy?.correlationid ?? id,
      ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
      data,
    }) as CloudEvent;
  }

  function serialize(event: CloudEvent): Uint8Array {
    const { data, ...attributes } = event as CloudEvent & Record<string, unknown>;
    const wire =
      data instanceof Uint8Array
        ? { ...attributes, data_base64: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') }
        : { ...attributes, data };
    return encoder.encode(JSON.stringify(wire));
  }

  function parse(input: unknown, parseOptions?: ParseOptions): Result<CloudEvent> {
    if (!(input instanceof Uint8Array) && typeof input !== 'string') return validate(input, parseOptions);
    const json = safeJsonParse(input, limits(parseOptions));
    return json.issues ? json : check(json.value, parseOptions);
  }

  // The generic signatures are enforced at the call sites; inside, events are plain CloudEvents.
  const validateOwned = (event: Record<string, unknown>): Result<CloudEvent> => check(event);
  return { catalog, create, serialize, parse, validate, validateOwned, upcast } as unknown as Codec<M>;
}
