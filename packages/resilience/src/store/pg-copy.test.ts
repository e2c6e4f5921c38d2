import type { Pool } from 'pg';
import { describe, expect, it } from 'vitest';
import { BinaryCopyReader, copyOut } from './pg-copy.js';

/** A binary COPY as PostgreSQL writes it: signature, flags, no header extension, tuples, trailer. */
const copyOf = (...tuples: Buffer[]) =>
  Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8), ...tuples, Buffer.from([0xff, 0xff])]);
const field = (bytes: Buffer | null) => {
  const size = Buffer.alloc(4);
  size.writeInt32BE(bytes === null ? -1 : bytes.length);
  return bytes === null ? size : Buffer.concat([size, bytes]);
};
const tuple = (...fields: Buffer[]) => {
  const count = Buffer.alloc(2);
  count.writeInt16BE(fields.length);
  return Buffer.concat([count, ...fields]);
};

describe('BinaryCopyReader', () => {
  it('reads text, NULLs, spans and timestamps in order, and stops at the trailer', () => {
    // PostgreSQL's binary timestamp: microseconds since 2000-01-01, negative before it.
    const micros = (iso: string, extra = 0) => {
      const bytes = Buffer.alloc(8);
      bytes.writeBigInt64BE(BigInt(Date.parse(iso) - Date.parse('2000-01-01T00:00:00Z')) * 1000n + BigInt(extra));
      return bytes;
    };
    const later = micros('2026-11-27T08:15:30.123Z', 456);
    const earlier = micros('1969-07-20T20:17:40.000Z');
    const reader = new BinaryCopyReader(
      copyOf(
        tuple(field(Buffer.from('é 🌍')), field(null), field(Buffer.from([0, 255])), field(later), field(earlier)),
      ),
    );
    expect(reader.nextRow(5)).toBe(true);
    expect(reader.text()).toBe('é 🌍');
    expect(reader.text()).toBeNull();
    expect(reader.span()).toEqual([40, 42]); // 19 header, 2 count, 4 + 7 text, 4 NULL, 4 size
    expect(reader.timestampMs()).toBeCloseTo(Date.parse('2026-11-27T08:15:30.123Z') + 0.456, 6);
    expect(new Date(reader.timestampMs()).toISOString()).toBe('1969-07-20T20:17:40.000Z');
    expect(reader.nextRow(5)).toBe(false);
  });

  it('refuses bytes that are not a binary COPY, and fields that run past the data, with a RangeError', () => {
    expect(() => new BinaryCopyReader(Buffer.from('id,name\n1,a\n'))).toThrow(/PGCOPY signature/);
    const cut = copyOf(tuple(field(Buffer.from('abcdef')))).subarray(0, 24);
    const reader = new BinaryCopyReader(cut);
    expect(reader.nextRow(1)).toBe(true);
    expect(() => reader.text()).toThrow(RangeError);
    const wrongSize = new BinaryCopyReader(copyOf(tuple(field(Buffer.from('ab')))));
    wrongSize.nextRow(1);
    expect(() => wrongSize.timestampMs()).toThrow(/timestamp/);
    const wrongCount = new BinaryCopyReader(copyOf(tuple(field(null), field(null))));
    expect(() => wrongCount.nextRow(3)).toThrow(/2 fields, expected 3/);
  });
});

describe('copyOut', () => {
  it("refuses pg's native client with a clear error, and gives its connection back to the pool", async () => {
    let released = 0;
    // What pg.native's pool hands out: a client without the JavaScript client's protocol connection.
    const pool = { connect: async () => ({ release: () => void released++, query: () => undefined }) };
    await expect(copyOut(pool as unknown as Pool, 'SELECT 1')).rejects.toThrow(/JavaScript client/);
    expect(released).toBe(1);
  });
});
