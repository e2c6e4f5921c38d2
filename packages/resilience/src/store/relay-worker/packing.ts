/**
 * Claimed rows between the relay-store worker and the relay's thread. SQLite's go in columns: one ArrayBuffer holds
 * every body (moved, not copied), attributes and headers travel as their JSON text. PostgreSQL's go as the COPY
 * tuples they were read as, copied into one ArrayBuffer (moved), with their attempts: the worker decodes nothing of
 * the message, and the relay's thread decodes each row once, as the in-thread store would.
 */
import type { OutboxRow } from '../../outbox/port.js';
import type { LedgerEntry } from '../claim-ledger.js';
import { type ClaimedText, toOutboxRow } from '../claimed.js';
import { BinaryCopyReader } from '../pg-copy.js';
import { readOutboxTuple } from '../postgres-outbox.js';
import type { SqliteTextRow } from '../sqlite-outbox.js';

export interface PackedTextRows {
  readonly ids: string[];
  readonly channels: string[];
  readonly keys: (string | null)[];
  readonly attributes: string[];
  readonly contentTypes: (string | null)[];
  readonly headers: string[];
  readonly createdAt: Float64Array<ArrayBuffer>;
  readonly attempts: Float64Array<ArrayBuffer>;
  /** Holds every body: row i's from `starts[i]` to `ends[i]`. */
  readonly bodies: ArrayBuffer;
  readonly starts: Float64Array<ArrayBuffer>;
  readonly ends: Float64Array<ArrayBuffer>;
}

/** PostgreSQL rows: their COPY tuples one after another, and row i's attempts. */
export interface PackedTuples {
  readonly tuples: ArrayBuffer;
  readonly attempts: Float64Array<ArrayBuffer>;
}

export type PackedRows = PackedTextRows | PackedTuples;

/** Packed rows and the buffers to move (not copy) with `postMessage`. */
export interface Packing {
  readonly packed: PackedRows;
  readonly transfer: ArrayBuffer[];
}

/** Empty columns for `n` rows, bodies in `bodies`; the packers fill them in. */
function columns(n: number, bodies: ArrayBuffer): { packed: PackedTextRows; transfer: ArrayBuffer[] } {
  const packed: PackedTextRows = {
    ids: new Array<string>(n),
    channels: new Array<string>(n),
    keys: new Array<string | null>(n),
    attributes: new Array<string>(n),
    contentTypes: new Array<string | null>(n),
    headers: new Array<string>(n),
    createdAt: new Float64Array(n),
    attempts: new Float64Array(n),
    bodies,
    starts: new Float64Array(n),
    ends: new Float64Array(n),
  };
  const transfer = [bodies, packed.createdAt.buffer, packed.attempts.buffer, packed.starts.buffer, packed.ends.buffer];
  return { packed, transfer };
}

/** Packs rows claimed with their JSON as text (SQLite, `claimText`): the JSON goes as it is, bodies into one buffer. */
export function packTextRows(rows: readonly SqliteTextRow[]): Packing {
  let size = 0;
  for (const row of rows) size += row.body.byteLength;
  const packing = columns(rows.length, new ArrayBuffer(size));
  const { packed } = packing;
  const bodies = new Uint8Array(packed.bodies);
  let offset = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    bodies.set(row.body, offset);
    fill(packed, i, row, offset, offset + row.body.byteLength);
    offset += row.body.byteLength;
  }
  return packing;
}

/** Row `i` of the columns: its text fields, and where its body lies in the bodies' buffer. */
function fill(packed: PackedTextRows, i: number, row: ClaimedText, start: number, end: number): void {
  packed.ids[i] = row.id;
  packed.channels[i] = row.channel;
  packed.keys[i] = row.key;
  packed.attributes[i] = row.attributes;
  packed.contentTypes[i] = row.contentType;
  packed.headers[i] = row.headers;
  packed.createdAt[i] = row.createdMs;
  packed.attempts[i] = row.attempts;
  packed.starts[i] = start;
  packed.ends[i] = end;
}

/** Packs PostgreSQL rows as read (`claimEntries`): their tuples copied into one buffer. */
export function packTuples(entries: readonly LedgerEntry[]): Packing {
  let size = 0;
  for (const e of entries) size += e.end - e.start;
  const tuples = Buffer.from(new ArrayBuffer(size));
  const attempts = new Float64Array(entries.length);
  let offset = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    offset += e.src.copy(tuples, offset, e.start, e.end);
    attempts[i] = e.attempts;
  }
  return {
    packed: { tuples: tuples.buffer as ArrayBuffer, attempts },
    transfer: [tuples.buffer as ArrayBuffer, attempts.buffer],
  };
}

/** The rows again, in order; bodies are views of the one transferred buffer. */
export function unpackRows(packed: PackedRows): OutboxRow[] {
  if ('tuples' in packed) {
    const src = Buffer.from(packed.tuples);
    const reader = new BinaryCopyReader(src, 0);
    return Array.from(packed.attempts, (attempts) => readOutboxTuple(reader, src, attempts));
  }
  const n = packed.ids.length;
  const rows = new Array<OutboxRow>(n);
  for (let i = 0; i < n; i++) {
    const start = packed.starts[i]!;
    const text: ClaimedText = {
      id: packed.ids[i]!,
      channel: packed.channels[i]!,
      key: packed.keys[i]!,
      attributes: packed.attributes[i]!,
      contentType: packed.contentTypes[i]!,
      headers: packed.headers[i]!,
      createdMs: packed.createdAt[i]!,
      attempts: packed.attempts[i]!,
    };
    rows[i] = toOutboxRow(text, Buffer.from(packed.bodies, start, packed.ends[i]! - start));
  }
  return rows;
}
