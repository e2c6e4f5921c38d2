/**
 * `x-pii` redaction: what the SDK prints, logs or writes into headers never carries a field the catalog marks
 * `x-pii: true`, and dead-letter error texts carry no payload values at all.
 */
import type { Catalog, CloudEvent } from '@humangov/events';
import type { LifecycleEvent } from '../lifecycle.js';

/** What replaces a redacted value. */
export const REDACTED = '[redacted]';

/**
 * A copy of `event` whose `x-pii` fields (the catalog's `pii` JSON pointers of its type and version, `*` for every
 * array item or map value) read `"[redacted]"`. Other fields are kept. An event the catalog does not know has its
 * whole `data` redacted: without a schema nothing is known to be safe. Never throws; `event` is not modified.
 */
export function redact<E extends CloudEvent>(event: E, catalog: Catalog): E {
  const pii = catalog[event.type]?.versions[event.version]?.pii;
  if (pii === undefined) return { ...event, data: REDACTED };
  if (pii.length === 0 || event.data === undefined) return event;
  const data = structuredClone(event.data) as unknown;
  let root: unknown = data;
  for (const pointer of pii) {
    if (pointer === '' || pointer === '/') {
      root = REDACTED;
      break;
    }
    redactAt(root, pointer.split('/').slice(1).map(unescapeToken));
  }
  return { ...event, data: root };
}

/** The same lifecycle event with every event it carries passed through `redact`: for logging one. */
export function redactLifecycleEvent(event: LifecycleEvent, catalog: Catalog): LifecycleEvent {
  return 'event' in event && event.event !== undefined
    ? ({ ...event, event: redact(event.event, catalog) } as LifecycleEvent)
    : event;
}

/**
 * `text` with every string or number value of `data` (3 characters or longer) replaced by `"[redacted]"`: for
 * error messages that leave the process (dead-letter headers), which handlers often build from payload values.
 */
export function scrubPayloadValues(text: string, data: unknown): string {
  const values = new Set<string>();
  collect(data, values, 0);
  // Longest first, so a value that contains another is replaced whole.
  let out = text;
  for (const value of [...values].sort((a, b) => b.length - a.length)) out = out.split(value).join(REDACTED);
  return out;
}

function collect(value: unknown, into: Set<string>, depth: number): void {
  if (depth > 64) return;
  if (typeof value === 'string' || typeof value === 'number') {
    const s = String(value);
    if (s.length >= 3) into.add(s);
  } else if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) collect(v, into, depth + 1);
  }
}

function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function redactAt(node: unknown, path: readonly string[]): void {
  if (typeof node !== 'object' || node === null || path.length === 0) return;
  const [head, ...rest] = path as [string, ...string[]];
  const record = node as Record<string, unknown>;
  const keys = head === '*' ? Object.keys(record) : Object.hasOwn(record, head) ? [head] : [];
  for (const key of keys) {
    if (rest.length === 0) record[key] = REDACTED;
    else redactAt(record[key], rest);
  }
}
