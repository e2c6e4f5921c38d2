/**
 * The store conformance suite: the contracts of `OutboxStore` and `InboxStore` (outbox/port.ts, inbox/port.ts),
 * run against every implementation (memory, SQLite, PostgreSQL) by the test files that import it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboxStore } from '../src/inbox/port.js';
import { isOutboxNotifier, type NewOutboxRow, type OutboxStore, type Transactor } from '../src/outbox/port.js';

export interface StoreKit<Tx> extends Transactor<Tx> {
  readonly outbox: OutboxStore<Tx>;
  readonly inbox: InboxStore<Tx>;
  /** Lets `ms` pass for leases and retention (a fake clock, or a real wait where the database keeps the time). */
  advance(ms: number): Promise<void>;
  /** Empties the tables between tests. */
  reset(): Promise<void>;
}

export interface SuiteOptions<Tx> {
  readonly name: string;
  readonly setup: () => Promise<StoreKit<Tx>>;
  readonly teardown?: () => Promise<void>;
  /** Claims run truly in parallel (several connections), so the suite checks they never share a key. */
  readonly parallelClaims?: boolean;
}

const encoder = new TextEncoder();
export const row = (key: string | undefined, n: number, channel = 'test.channel'): NewOutboxRow => ({
  channel,
  ...(key !== undefined && { key }),
  attributes: { id: `${key ?? 'none'}-${n}`, seq: String(n) },
  contentType: 'application/json',
  headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
  body: encoder.encode(JSON.stringify({ n })),
});

const seqs = (rows: readonly { attributes: Readonly<Record<string, string>> }[]) => rows.map((r) => r.attributes.id);

export function storeSuite<Tx>(options: SuiteOptions<Tx>): void {
  describe(`${options.name} stores`, () => {
    let kit: StoreKit<Tx>;
    beforeAll(async () => {
      kit = await options.setup();
    });
    afterAll(async () => {
      await options.teardown?.();
    });
    const fresh = async () => {
      await kit.reset();
      return kit;
    };
    const addRows = (store: StoreKit<Tx>, rows: NewOutboxRow[]) =>
      store.transaction((tx) => store.outbox.add(tx, rows));

    it('never shows rows of a rolled-back transaction', async () => {
      const store = await fresh();
      await expect(
        store.transaction(async (tx) => {
          await store.outbox.add(tx, [row('a', 1)]);
          throw new Error('rollback');
        }),
      ).rejects.toThrow('rollback');
      expect(await store.outbox.claim(10, 10_000)).toEqual([]);
      expect(await store.outbox.lag()).toEqual({ pending: 0, oldestAgeMs: 0 });
    });

    it('claims committed rows in id order, with every field as written', async () => {
      const store = await fresh();
      await addRows(store, [row('a', 1), row(undefined, 2)]);
      await addRows(store, [row('b', 3)]);
      const claimed = await store.outbox.claim(10, 10_000);
      expect(seqs(claimed)).toEqual(['a-1', 'none-2', 'b-3']);
      const [first] = claimed;
      expect(first).toMatchObject({ channel: 'test.channel', key: 'a', contentType: 'application/json', attempts: 1 });
      expect(first?.headers).toEqual(row('a', 1).headers);
      expect(new TextDecoder().decode(first?.body)).toBe('{"n":1}');
      expect(first?.createdAt).toBeInstanceOf(Date);
      expect(typeof first?.id).toBe('string');
      expect(claimed[1]).not.toHaveProperty('key');
    });

    it('leases claimed rows: not claimed again until released, published rows never', async () => {
      const store = await fresh();
      await addRows(store, [row('a', 1), row('b', 1), row('c', 1)]);
      const first = await store.outbox.claim(2, 10_000);
      expect(seqs(first)).toEqual(['a-1', 'b-1']);
      expect(seqs(await store.outbox.claim(10, 10_000))).toEqual(['c-1']);
      expect((await store.outbox.lag()).pending).toBe(3);
      await store.outbox.markPublished([first[0]!.id]);
      await store.outbox.release([first[1]!.id]);
      const again = await store.outbox.claim(10, 10_000);
      expect(seqs(again)).toEqual(['b-1']);
      expect(again[0]?.attempts).toBe(2);
      expect((await store.outbox.lag()).pending).toBe(2);
    });

    it('keeps per-key order: a key waits while an older row of it is leased elsewhere', async () => {
      const store = await fresh();
      await addRows(store, [row('a', 1), row('b', 1), row('a', 2), row('a', 3), row(undefined, 9)]);
      const relayOne = await store.outbox.claim(1, 10_000);
      expect(seqs(relayOne)).toEqual(['a-1']);
      expect(seqs(await store.outbox.claim(10, 10_000))).toEqual(['b-1', 'none-9']);
      expect(await store.outbox.claim(10, 10_000)).toEqual([]);
      await store.outbox.markPublished(relayOne.map((r) => r.id));
      expect(seqs(await store.outbox.claim(10, 10_000))).toEqual(['a-2', 'a-3']);
    });

    it('lets another relay take over rows whose lease expired', async () => {
      const store = await fresh();
      await addRows(store, [row('a', 1), row('a', 2)]);
      expect(seqs(await store.outbox.claim(10, 200))).toEqual(['a-1', 'a-2']); // then this relay "crashes"
      expect(await store.outbox.claim(10, 200)).toEqual([]);
      await store.advance(300);
      const takenOver = await store.outbox.claim(10, 10_000);
      expect(seqs(takenOver)).toEqual(['a-1', 'a-2']);
      expect(takenOver.map((r) => r.attempts)).toEqual([2, 2]);
    });

    it('reports lag and cleans up published rows past retention', async () => {
      const store = await fresh();
      await addRows(store, [row('a', 1), row('b', 1)]);
      await store.advance(120);
      const lag = await store.outbox.lag();
      expect(lag.pending).toBe(2);
      expect(lag.oldestAgeMs).toBeGreaterThanOrEqual(100);
      const [a] = await store.outbox.claim(1, 10_000);
      await store.outbox.markPublished([a!.id]);
      expect(await store.outbox.cleanup(60_000)).toBe(0);
      await store.advance(150);
      expect(await store.outbox.cleanup(100)).toBe(1);
      expect((await store.outbox.lag()).pending).toBe(1);
      expect(seqs(await store.outbox.claim(10, 10_000))).toEqual(['b-1']);
    });

    it('inbox: an id counts as seen once its transaction committed, per group', async () => {
      const store = await fresh();
      expect(await store.transaction((tx) => store.inbox.seen(tx, 'g1', 'e1'))).toBe(false);
      expect(await store.transaction((tx) => store.inbox.seen(tx, 'g1', 'e1'))).toBe(true);
      expect(await store.transaction((tx) => store.inbox.seen(tx, 'g2', 'e1'))).toBe(false);
      await expect(
        store.transaction(async (tx) => {
          expect(await store.inbox.seen(tx, 'g1', 'e2')).toBe(false);
          throw new Error('handler failed');
        }),
      ).rejects.toThrow('handler failed');
      expect(await store.transaction((tx) => store.inbox.seen(tx, 'g1', 'e2'))).toBe(false);
    });

    it('inbox: a concurrent duplicate waits for the first transaction, and sees its outcome', async () => {
      const store = await fresh();
      let open!: () => void;
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      let firstRecorded!: () => void;
      const recorded = new Promise<void>((resolve) => {
        firstRecorded = resolve;
      });
      const first = store.transaction(async (tx) => {
        const seen = await store.inbox.seen(tx, 'g', 'e');
        firstRecorded();
        await gate;
        return seen;
      });
      await recorded;
      const second = store.transaction((tx) => store.inbox.seen(tx, 'g', 'e'));
      await new Promise((r) => setTimeout(r, 50));
      open();
      expect(await first).toBe(false);
      expect(await second).toBe(true);
    });

    it('inbox: cleanup forgets ids past retention', async () => {
      const store = await fresh();
      await store.transaction((tx) => store.inbox.seen(tx, 'g', 'old'));
      await store.advance(150);
      await store.transaction((tx) => store.inbox.seen(tx, 'g', 'new'));
      expect(await store.inbox.cleanup(100)).toBe(1);
      expect(await store.transaction((tx) => store.inbox.seen(tx, 'g', 'old'))).toBe(false);
      expect(await store.transaction((tx) => store.inbox.seen(tx, 'g', 'new'))).toBe(true);
    });

    it('notifies listeners of committed rows only (where the store can)', async () => {
      const store = await fresh();
      if (!isOutboxNotifier(store.outbox)) return;
      let notified = 0;
      const stop = await store.outbox.listen(() => notified++);
      try {
        await store
          .transaction(async (tx) => {
            await store.outbox.add(tx, [row('a', 1)]);
            throw new Error('rollback');
          })
          .catch(() => {});
        await new Promise((r) => setTimeout(r, 100));
        expect(notified).toBe(0);
        await addRows(store, [row('a', 2)]);
        const deadline = Date.now() + 2_000;
        while (notified === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        expect(notified).toBeGreaterThan(0);
      } finally {
        await stop();
      }
    });

    // A feature flag of the suite (STYLE.md rule 13): only stores with several connections claim in parallel.
    if (options.parallelClaims)
      it('parallel claims never share a row or a key', async () => {
        const store = await fresh();
        const rows = Array.from({ length: 400 }, (_, i) => row(`k${i % 16}`, i));
        await addRows(store, rows);
        const claims = await Promise.all(Array.from({ length: 6 }, () => store.outbox.claim(50, 10_000)));
        const ids = claims.flat().map((r) => r.id);
        expect(new Set(ids).size).toBe(ids.length);
        const owners = new Map<string, number>();
        claims.forEach((claim, relay) => {
          for (const r of claim) {
            expect(owners.get(r.key!) ?? relay).toBe(relay);
            owners.set(r.key!, relay);
          }
        });
        expect(ids.length).toBeGreaterThan(0);
      });
  });
}
