/**
 * Claimed rows between the relay-store worker and the relay's thread, in columns: one ArrayBuffer holds every
 * body (moved, not copied), attributes and headers travel as their JSON text. Rebuilding rows from this costs
 * the relay's thread ~2 us per row, against ~8 us for reading them from the database itself.
 */
import type { OutboxRow } from '../../outbox/port.js';
import { type ClaimedText, type TextRow, toOutboxRow } from '../claimed.js';

export interface PackedRows {
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

/** Packed rows and the buffers to move (not copy) with `postMessage`. */
export interface Packing {
  readonly packed: PackedRows;
  readonly transfer: ArrayBuffer[];
}

/** Empty columns for `n` rows, bodies in `bodies`; the packers fill them in. */
function columns(n: number, bodies: ArrayBuffer): Packing {
  const packed: PackedRows = {
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

/** Packs rows claimed with their JSON as text (`claimText`): the JSON goes as it is, bodies into one buffer. */
export function packTextRows(rows: readonly TextRow[]): Packing {
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
function fill(packed: PackedRows, i: number, row: ClaimedText, start: number, end: number): void {
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

/** The rows again, in order; bodies are views of the one transferred buffer. */
export function unpackRows(packed: PackedRows): OutboxRow[] {
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
