import { describe, expect, it } from 'vitest';
import { ClaimLedger, comparePositions, type LedgerEntry, MAX_HELD, WAITING } from './claim-ledger.js';

const entry = (id: number, key: string | null, pos = 7): LedgerEntry => ({
  pos: String(pos),
  id: String(id),
  key,
  attempts: 0,
  state: WAITING,
  until: 0,
  src: Buffer.from([id]),
  start: 0,
  end: 1,
});
const ids = (entries: readonly LedgerEntry[]) => entries.map((e) => Number(e.id));
const start = { pos: '0', id: '0' };

describe('ClaimLedger', () => {
  it('orders positions by pos, then id, numerically', () => {
    expect(comparePositions({ pos: '9', id: '100' }, { pos: '10', id: '1' })).toBeLessThan(0);
    expect(comparePositions({ pos: '10', id: '2' }, { pos: '10', id: '10' })).toBeLessThan(0);
    expect(comparePositions({ pos: '10', id: '10' }, { pos: '10', id: '10' })).toBe(0);
  });

  it('hands out rows in order; a key waits while an older row of it is out or left behind', () => {
    const ledger = new ClaimLedger(start, start);
    ledger.append([entry(1, 'a'), entry(2, 'b'), entry(3, 'a'), entry(4, null), entry(5, 'c')]);
    expect(ids(ledger.take(1, 1_000, 0))).toEqual([1]);
    expect(ids(ledger.take(10, 1_000, 0))).toEqual([2, 4, 5]); // 3 waits for 1
    expect(ledger.take(10, 1_000, 0)).toEqual([]);
    ledger.publish(['1']);
    expect(ids(ledger.take(10, 1_000, 0))).toEqual([3]);
    // A limit that leaves a key's older row behind holds back its later rows too.
    const limited = new ClaimLedger(start, start);
    limited.append([entry(1, 'a'), entry(2, 'b'), entry(3, 'b'), entry(4, 'a')]);
    expect(ids(limited.take(1, 1_000, 0))).toEqual([1]);
    expect(ids(limited.take(2, 1_000, 0))).toEqual([2, 3]);
  });

  it('takes back rows whose lease ended or that were released, counting each claim', () => {
    const ledger = new ClaimLedger(start, start);
    ledger.append([entry(1, 'a'), entry(2, 'a'), entry(3, 'b')]);
    expect(ledger.take(10, 100, 0).map((e) => e.attempts)).toEqual([1, 1, 1]);
    expect(ledger.take(10, 100, 99)).toEqual([]);
    const again = ledger.take(10, 100, 100); // leases ended
    expect(ids(again)).toEqual([1, 2, 3]);
    expect(again.map((e) => e.attempts)).toEqual([2, 2, 2]);
    ledger.release(['3']);
    expect(ledger.waiting).toBe(1);
    expect(ids(ledger.take(10, 100, 150))).toEqual([3]);
    expect(ledger.take(10, 100, 150)[0]).toBeUndefined();
  });

  it('counts one earlier claim for rows up to where a previous holder claimed', () => {
    const ledger = new ClaimLedger(start, { pos: '7', id: '2' });
    ledger.append([entry(1, null), entry(2, null), entry(3, null)]);
    expect(ledger.take(10, 100, 0).map((e) => e.attempts)).toEqual([2, 2, 1]);
  });

  it('moves the durable position over published rows only up to the first unpublished one', () => {
    const ledger = new ClaimLedger(start, start);
    ledger.append([entry(1, 'a'), entry(2, 'b'), entry(3, 'c')]);
    const [, , three] = ledger.take(10, 1_000, 0);
    expect(ledger.publish(['2', '3'])).toBeUndefined(); // 1 is still out
    expect(three?.src.byteLength).toBe(0); // published: its bytes are no longer held
    expect(ledger.publish(['1', 'unknown'])).toEqual({ pos: '7', id: '3' });
    expect(ledger.publish(['1'])).toBeUndefined();
    expect(ledger.scan).toEqual(expect.objectContaining({ id: '3' }));
  });

  it('stops wanting rows while too many are held behind one that is not published', () => {
    const ledger = new ClaimLedger(start, start);
    ledger.append([entry(0, 'stuck')]);
    ledger.take(1, 1_000, 0);
    const rest = Array.from({ length: MAX_HELD - 1 }, (_, i) => entry(i + 1, `k${i}`));
    ledger.append(rest);
    ledger.publish(ledger.take(MAX_HELD, 1_000, 0).map((e) => e.id));
    expect(ledger.waiting).toBe(0);
    expect(ledger.wants(1_000)).toBe(false);
    expect(ledger.publish(['0'])).toEqual({ pos: '7', id: String(MAX_HELD - 1) });
    expect(ledger.wants(1_000)).toBe(true);
  });
});
