/**
 * The audit log: an append-only chain of records `audit/<zero-padded seq>` in the service's database. Each record
 * holds one event, the previous record's hash and its own hash (SHA-256 of the record's canonical JSON without
 * `hash`), so changing, removing or reordering any record breaks a link that `verifyChain` reports.
 *
 * Personal data never enters the log: every field the catalog marks `x-pii` is replaced by the SHA-256 of its value
 * before the record is hashed. An erasure therefore never has to touch the log, and the chain stays valid
 * (DOMAIN.md process 3). The hashes still let an investigator confirm a value they already hold.
 */
import { createHash } from 'node:crypto';
import { type Catalog, type CloudEvent, catalog } from '@humangov/events';
import type { Records, Tx } from '@humangov-examples/kit';
import { ChainContentionError } from './errors.js';

/** Record kinds: the chain, and its head (the last seq and hash, the lock every append takes). */
export const KINDS = { record: 'audit', head: 'audit-head' } as const;
const HEAD_ID = 'chain';

/** `prev_hash` of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** The event as the log keeps it: its envelope, with `data`'s personal fields hashed. */
export interface AuditedEvent {
  readonly id: string;
  readonly type: string;
  readonly version: number;
  readonly source: string;
  readonly time: string;
  readonly correlationid: string;
  readonly causationid?: string;
  readonly data: unknown;
}

export interface AuditRecord {
  readonly seq: number;
  readonly event: AuditedEvent;
  /** JSON pointers of the `x-pii` fields whose values were replaced by `sha256:<hex>`. */
  readonly hashed: readonly string[];
  readonly recorded_at: string;
  readonly prev_hash: string;
  readonly hash: string;
}

interface Head {
  readonly seq: number;
  readonly hash: string;
}

/** The id of record `seq`: 12 digits, so that id order is seq order. */
export const recordId = (seq: number): string => String(seq).padStart(12, '0');

/** JSON with object keys sorted at every depth: the same value always hashes the same (jsonb reorders keys). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The hash a record must carry: SHA-256 of its canonical JSON without `hash`. */
export function hashOf(record: Omit<AuditRecord, 'hash'> & { hash?: string }): string {
  const { hash: _, ...content } = record;
  return sha256(canonicalJson(content));
}

/** `event` as the log keeps it: `x-pii` fields of its type and version replaced by `sha256:<hex>` of their value. */
export function auditedEvent(event: CloudEvent): { event: AuditedEvent; hashed: string[] } {
  const entry = (catalog as Catalog)[event.type];
  const pii = entry?.versions[event.version]?.pii;
  const hashed: string[] = [];
  let data: unknown = structuredClone(event.data);
  if (pii === undefined) {
    data = `sha256:${sha256(canonicalJson(data))}`; // unknown to the catalog: nothing is known to be safe
    hashed.push('');
  } else {
    for (const pointer of pii) {
      const path = pointer
        .split('/')
        .slice(1)
        .map((t: string) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
      if (path.length === 0) {
        data = `sha256:${sha256(canonicalJson(data))}`;
        hashed.push(pointer);
      } else if (hashAt(data, path)) hashed.push(pointer);
    }
  }
  return {
    event: {
      id: event.id,
      type: event.type,
      version: event.version,
      source: event.source,
      time: event.time,
      correlationid: event.correlationid,
      ...(event.causationid !== undefined && { causationid: event.causationid }),
      data,
    },
    hashed,
  };
}

function hashAt(node: unknown, path: readonly string[]): boolean {
  if (typeof node !== 'object' || node === null || path.length === 0) return false;
  const [head, ...rest] = path as [string, ...string[]];
  const record = node as Record<string, unknown>;
  const keys = head === '*' ? Object.keys(record) : Object.hasOwn(record, head) ? [head] : [];
  let changed = false;
  for (const key of keys) {
    const value = record[key];
    if (rest.length > 0) changed = hashAt(value, rest) || changed;
    else if (typeof value !== 'string' || !value.startsWith('sha256:')) {
      record[key] = `sha256:${sha256(canonicalJson(value))}`;
      changed = true;
    }
  }
  return changed;
}

/**
 * Appends `event` in `tx`: reads the head, writes record `head.seq + 1` and moves the head. The head's store
 * version is the lock: if another transaction moved it in between (another process), this throws
 * `ChainContentionError` and `tx` rolls back, so the chain never forks.
 */
export async function append(records: Records, tx: Tx, event: CloudEvent, now = new Date()): Promise<AuditRecord> {
  const head = await records.get<Head>(KINDS.head, HEAD_ID, tx);
  const seq = head ? head.value.seq + 1 : 0;
  const { event: audited, hashed } = auditedEvent(event);
  const content = {
    seq,
    event: audited,
    hashed,
    recorded_at: now.toISOString(),
    prev_hash: head?.value.hash ?? GENESIS_HASH,
  };
  const record: AuditRecord = { ...content, hash: hashOf(content) };
  await records.put(tx, KINDS.record, recordId(seq), record);
  const version = await records.put<Head>(tx, KINDS.head, HEAD_ID, { seq, hash: record.hash });
  if (version !== (head?.version ?? 0) + 1) throw new ChainContentionError();
  return record;
}

/** The first broken link: `expected` is what the chain requires there, `actual` what is stored. */
export interface BrokenLink {
  readonly seq: number;
  readonly expected: string;
  readonly actual: string;
}

export interface ChainVerification {
  readonly ok: boolean;
  /** Records checked. */
  readonly records: number;
  /** Hash of the last record checked (GENESIS_HASH for an empty log). */
  readonly headHash: string;
  readonly firstBroken?: BrokenLink;
}

/**
 * Walks the whole chain in seq order (pages of `pageSize`): each record must sit at its seq, link to the
 * previous record's hash and carry its own hash; the last must be the head. Stops at the first broken link.
 * Read-only.
 */
export async function verifyChain(records: Records, pageSize = 500): Promise<ChainVerification> {
  let expectedSeq = 0;
  let previous = GENESIS_HASH;
  let after = '';
  const broken = (link: BrokenLink): ChainVerification => ({
    ok: false,
    records: expectedSeq,
    headHash: previous,
    firstBroken: link,
  });
  for (;;) {
    const page = await records.list<AuditRecord>(KINDS.record, { after, limit: pageSize });
    for (const { id, value } of page) {
      if (id !== recordId(expectedSeq) || value.seq !== expectedSeq) {
        return broken({ seq: expectedSeq, expected: `record ${expectedSeq}`, actual: `record ${Number(id)}` });
      }
      if (value.prev_hash !== previous)
        return broken({ seq: expectedSeq, expected: previous, actual: value.prev_hash });
      const hash = hashOf(value);
      if (value.hash !== hash) return broken({ seq: expectedSeq, expected: hash, actual: value.hash });
      previous = value.hash;
      expectedSeq++;
    }
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.id;
  }
  // Records removed from the end leave the head pointing past the last one.
  const head = await records.get<Head>(KINDS.head, HEAD_ID);
  if (head && (head.value.seq !== expectedSeq - 1 || head.value.hash !== previous)) {
    return broken({
      seq: expectedSeq,
      expected: `record ${head.value.seq} (${head.value.hash})`,
      actual: 'end of log',
    });
  }
  return { ok: true, records: expectedSeq, headHash: previous };
}
