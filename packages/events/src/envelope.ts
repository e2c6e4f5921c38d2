import { escapePointerToken, type Issue } from './issue.js';

/** Deeply readonly view of a payload: objects, arrays and tuples at every level. */
export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends Uint8Array
    ? T
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

/**
 * A CloudEvents 1.0 event as HumanGov produces and hands to handlers. Every instance this package returns is
 * deep-frozen. Context attributes follow the CloudEvents spec; `version`, `correlationid`, `causationid`,
 * `partitionkey`, `traceparent` and `tracestate` are extension attributes. Extension attributes of other
 * producers that `parse` accepted stay on the object as further own properties and are serialized again.
 */
export interface CloudEvent<TType extends string = string, TVersion extends number = number, TData = unknown> {
  readonly specversion: '1.0';
  /** Unique per `source`; consumers deduplicate on `source` + `id`. */
  readonly id: string;
  /** URI-reference of the producing context, e.g. `/humangov/citizen-registry`. */
  readonly source: string;
  readonly type: TType;
  /** When the occurrence happened, RFC 3339. */
  readonly time: string;
  readonly subject?: string;
  readonly datacontenttype: string;
  /** URI of the schema `data` adheres to (the catalog's `dataschema` of `version`). */
  readonly dataschema: string;
  /** Major version of `data`: an extension attribute of CloudEvents type Integer. */
  readonly version: TVersion;
  /** W3C trace context of the producing span. */
  readonly traceparent?: string;
  readonly tracestate?: string;
  /** Shared by every event of one business flow; a root event's `correlationid` is its own `id`. */
  readonly correlationid: string;
  /** `id` of the event whose handling produced this one. */
  readonly causationid?: string;
  /** Value of the catalog's partition-key field of `data`, when the catalog declares one. */
  readonly partitionkey?: string;
  readonly data: DeepReadonly<TData>;
}

/** Media type of a structured-mode CloudEvents JSON message. */
export const CLOUDEVENTS_JSON_CONTENT_TYPE = 'application/cloudevents+json';

/** Context attributes defined by the CloudEvents 1.0 spec, plus the two JSON-format data members. */
const SPEC_MEMBERS: ReadonlySet<string> = new Set([
  'specversion',
  'id',
  'source',
  'type',
  'datacontenttype',
  'dataschema',
  'subject',
  'time',
  'data',
  'data_base64',
]);

/** CloudEvents 1.0: attribute names are lowercase a-z and 0-9; names SHOULD NOT exceed 20 characters. */
const ATTRIBUTE_NAME = /^[a-z0-9]{1,20}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/** Whether `name` may be a CloudEvents extension attribute name (lowercase a-z, 0-9, 1 to 20 characters). */
export function isValidAttributeName(name: string): boolean {
  return ATTRIBUTE_NAME.test(name);
}

// Events of one burst share their `time`: the last valid timestamp is remembered (Date.parse is the costly part).
let lastValidTime = '';

/** Whether `value` is an RFC 3339 timestamp that names a real instant. */
export function isRfc3339(value: string): boolean {
  if (value === lastValidTime) return true;
  if (!RFC3339.test(value) || Number.isNaN(Date.parse(value))) return false;
  lastValidTime = value;
  return true;
}

/** Whether `value` is a content type of JSON (`application/json`, `text/json`, or any `+json` suffix). */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return true; // JSON format: an absent datacontenttype means application/json
  const essence = (value.split(';')[0] ?? '').trim().toLowerCase();
  return essence === 'application/json' || essence === 'text/json' || essence.endsWith('+json');
}

const NON_EMPTY = 'must be a non-empty string';
const nonEmpty = (v: unknown) => typeof v === 'string' && v.length > 0;
/** What `checkAttribute` returns for a name that is not a known attribute (an extension, checked by its type). */
const EXTENSION: unique symbol = Symbol('extension');

/** The problem with a known attribute's value, `undefined` when it is fine, or EXTENSION for any other name. */
function checkAttribute(name: string, v: unknown): string | undefined | typeof EXTENSION {
  // A switch of string constants: no table lookup or function call per attribute on the consume path.
  switch (name) {
    case 'specversion':
      return v === '1.0' ? undefined : "must be '1.0'";
    case 'id':
    case 'source':
    case 'type':
    case 'subject':
    case 'datacontenttype':
    case 'correlationid':
    case 'causationid':
    case 'partitionkey':
    case 'traceparent':
      return nonEmpty(v) ? undefined : NON_EMPTY;
    case 'dataschema':
      if (!nonEmpty(v)) return NON_EMPTY;
      return URI_SCHEME.test(v as string) ? undefined : 'must be an absolute URI';
    case 'time':
      return typeof v === 'string' && isRfc3339(v) ? undefined : 'must be an RFC 3339 timestamp';
    case 'data_base64':
      return typeof v === 'string' && BASE64.test(v) ? undefined : 'must be base64 (RFC 4648)';
    case 'version':
      return Number.isInteger(v) && (v as number) >= 1 && (v as number) <= INT32_MAX
        ? undefined
        : 'must be an integer >= 1';
    case 'tracestate':
      return typeof v === 'string' ? undefined : 'must be a string';
    default:
      return EXTENSION;
  }
}

const REQUIRED = ['specversion', 'id', 'source', 'type'] as const;

/** CloudEvents type system in JSON: String, Boolean, or Integer (signed 32-bit); never a decimal, object or array. */
function checkExtensionValue(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return `must be a CloudEvents Integer, got the decimal ${value}`;
    return value >= INT32_MIN && value <= INT32_MAX ? undefined : 'must be a 32-bit signed integer';
  }
  return 'must be a string, boolean or integer';
}

/**
 * Checks the context attributes of a structured-mode event object against CloudEvents 1.0 and the HumanGov
 * extensions. Returns one issue per offending attribute (path `/<name>`, code `HUMANGOV_ENVELOPE_INVALID`); an
 * empty array means the attributes are well-formed. A `null` attribute counts as absent (JSON format 1.0.2 §2.4).
 * Does not look at `data` or the catalog.
 */
export function checkEnvelope(event: unknown): Issue[] {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    return [{ path: '', message: 'event must be a JSON object', code: 'HUMANGOV_ENVELOPE_INVALID' }];
  }
  const record = event as Readonly<Record<string, unknown>>;
  const issues: Issue[] = [];
  for (const name of REQUIRED) {
    if (record[name] === undefined || record[name] === null) report(issues, name, 'is required');
  }
  if (record.data !== undefined && record.data_base64 !== undefined && record.data_base64 !== null) {
    report(issues, 'data_base64', 'must not appear together with data');
  }
  for (const name of Object.keys(record)) {
    if (name === 'data') continue;
    const value = record[name];
    if (value === null || value === undefined) continue;
    const problem = checkAttribute(name, value);
    if (problem === EXTENSION) {
      if (SPEC_MEMBERS.has(name)) continue;
      if (!isValidAttributeName(name)) {
        report(issues, name, 'is not a valid extension attribute name (1-20 characters of a-z and 0-9)');
        continue;
      }
      const extension = checkExtensionValue(value);
      if (extension) report(issues, name, extension);
    } else if (problem) {
      report(issues, name, problem);
    }
  }
  return issues;
}

function report(issues: Issue[], name: string, message: string): void {
  issues.push({
    path: `/${escapePointerToken(name)}`,
    message: `${name} ${message}`,
    code: 'HUMANGOV_ENVELOPE_INVALID',
  });
}
