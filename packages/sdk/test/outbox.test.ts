/** The outbox and its relay on the memory store and the memory transport. */
import { createMemoryStore, type MemoryTransaction } from '@humangov/resilience';
import { afterEach, describe, expect, it } from 'vitest';
import { fromTransportMessage } from '../src/binary-mode.js';
import { createOutbox } from '../src/outbox/outbox.js';
import { createOutboxRelay, type OutboxRelay } from '../src/outbox/relay.js';
import type { OutboxRelayEvent } from '../src/outbox/relay-events.js';
import { createMemoryTransport, type MemoryTransport } from '../src/transport/memory.js';
import type { BatchPublisher, PublisherPort, TransportMessage } from '../src/transport/port.js';
import { addRegistrations, citizens, collect, idOf, orderReport, registered, waitFor } from './outbox-fixtures.js';

const source = '/humangov/outbox-test';
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

function setup(transport: PublisherPort = createMemoryTransport()) {
  const store = createMemoryStore();
  const outbox = createOutbox({ store: store.outbox, source });
  const events: OutboxRelayEvent[] = [];
  const relay = (options: Partial<Parameters<typeof createOutboxRelay>[0]> = {}): OutboxRelay => {
    const r = createOutboxRelay({
      store: store.outbox,
      transport,
      pollMs: 20,
      onEvent: (e) => events.push(e),
      ...options,
    });
    open.push(r);
    return r;
  };
  const addEvents = (run: string, keys: readonly string[], rounds: number) =>
    addRegistrations(store, outbox, run, keys, rounds);
  return { store, outbox, relay, events, addEvents };
}

/**
 * Relays `rounds` events for each of three keys through `publisher`, which writes to `inner`, until every event
 * arrived at least once; resolves with the arrival order's report, the relay's events and the keys.
 */
async function relayThrough(publisher: PublisherPort, inner: MemoryTransport, run: string, rounds: number) {
  const { relay, events, addEvents } = setup(publisher);
  const sink = await collect(inner, 'citizen.registered', 'check');
  open.push(sink);
  const keys = citizens(3);
  await addEvents(run, keys, rounds);
  await relay({ pollMs: 5 }).start();
  const total = keys.length * rounds;
  await waitFor(`${total} events`, () => orderReport(sink.received.map(idOf)).distinct === total);
  return { report: orderReport(sink.received.map(idOf)), events, keys };
}

describe('outbox.add', () => {
  it('stores the event the publisher would send, typed and validated, only when the transaction commits', async () => {
    const { store, outbox } = setup();
    const event = await store.transaction((tx) => outbox.add(tx, 'citizen.registered', registered));
    expect(event).toMatchObject({
      type: 'citizen.registered',
      version: 2,
      source,
      partitionkey: registered.citizen_id,
    });
    const [row] = await store.outbox.claim(10, 1_000);
    expect(row).toMatchObject({ channel: 'citizen.registered', key: registered.citizen_id });
    const decoded = fromTransportMessage({ ...row!, headers: row!.headers });
    expect(decoded.value).toMatchObject({ id: event.id, data: registered });

    await expect(
      store.transaction(async (tx) => {
        await outbox.add(tx, 'citizen.registered', registered);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await store.outbox.claim(10, 1_000)).toEqual([]);
  });

  it('refuses invalid data before writing anything; wrong names and payloads do not compile', async () => {
    const { store, outbox } = setup();
    await store.transaction(async (tx: MemoryTransaction) => {
      await expect(
        // @ts-expect-error citizen_id is required
        outbox.add(tx, 'citizen.registered', { ...registered, citizen_id: undefined }),
      ).rejects.toMatchObject({ code: 'HUMANGOV_EVENT_INVALID' });
      // @ts-expect-error not an event of the catalog
      await expect(outbox.add(tx, 'citizen.nope', {})).rejects.toThrow();
      // @ts-expect-error the transaction of another store type
      await outbox.add('not a transaction', 'citizen.registered', registered).catch(() => {});
    });
    expect((await store.outbox.lag()).pending).toBe(0);
  });
});

describe('outbox relay', () => {
  it('publishes committed rows in per-key order, marks them, and reports lag', async () => {
    const transport = createMemoryTransport();
    const { relay, events, addEvents } = setup(transport);
    const keys = citizens(5);
    const sink = await collect(transport, 'citizen.registered', 'check');
    open.push(sink);
    await addEvents('r', keys, 40);
    expect((await relay({ batchSize: 37 }).lag()).pending).toBe(200);
    const r = relay({ batchSize: 37 });
    await r.start();
    await waitFor('200 events', () => sink.received.length >= 200);
    expect(orderReport(sink.received.map(idOf))).toEqual({ duplicates: 0, outOfOrder: 0, distinct: 200 });
    await waitFor('lag 0', () => events.some((e) => e.kind === 'batch' && e.claimed < 37));
    expect(await r.lag()).toEqual({ pending: 0, oldestAgeMs: 0 });
  });

  it('a failed publish stops its key, retries later, and never reorders it', async () => {
    const inner = createMemoryTransport();
    let failures = 3;
    const flaky: PublisherPort = {
      publish: (message: TransportMessage, options) => {
        if (message.attributes.id?.endsWith('.1') && failures-- > 0) return Promise.reject(new Error('broker hiccup'));
        return inner.publish(message, options);
      },
      close: () => inner.close(),
    };
    const { report, events } = await relayThrough(flaky, inner, 'f', 5);
    expect(report).toMatchObject({ outOfOrder: 0, duplicates: 0 });
    expect(events.filter((e) => e.kind === 'publish-failed')).toHaveLength(3);
  });

  it('through a batch publisher: one call per batch; a failed call goes out again whole, never reordered', async () => {
    const inner = createMemoryTransport();
    let failures = 1;
    const calls: number[] = [];
    const batching: PublisherPort & BatchPublisher = {
      publish: () => Promise.reject(new Error('the relay should publish through publishBatch')),
      async publishBatch(messages, options) {
        calls.push(messages.length);
        // The first call writes half the batch, then fails: the broker kept a part.
        const kept = failures-- > 0 ? Math.floor(messages.length / 2) : messages.length;
        for (const message of messages.slice(0, kept)) await inner.publish(message, options);
        if (kept < messages.length) throw new Error('broker hiccup');
      },
      close: () => inner.close(),
    };
    const { report, events, keys } = await relayThrough(batching, inner, 'b', 4);
    expect(report).toMatchObject({ outOfOrder: 0, duplicates: 6 });
    expect(calls.slice(0, 2)).toEqual([12, 12]);
    const failed = events.filter((e) => e.kind === 'publish-failed');
    expect(failed.map((e) => e.kind === 'publish-failed' && e.key).sort()).toEqual([...keys].sort());
  });

  it('wakes on a commit without waiting for the poll interval, and close() finishes the batch in flight', async () => {
    const transport = createMemoryTransport();
    const { store, outbox, relay } = setup(transport);
    const sink = await collect(transport, 'citizen.registered', 'check');
    open.push(sink);
    const r = relay({ pollMs: 60_000 });
    await r.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = performance.now();
    await store.transaction((tx) => outbox.add(tx, 'citizen.registered', registered));
    await waitFor('the event', () => sink.received.length === 1, 2_000);
    expect(performance.now() - started).toBeLessThan(500);
    await r.close();
    await r.close();
    await expect(r.start()).rejects.toMatchObject({ code: 'HUMANGOV_TRANSPORT_CLOSED' });
  });

  it('claims the next batch while one publishes, keeps every key in order, and close() hands back a batch claimed ahead', async () => {
    const inner = createMemoryTransport();
    const slow: PublisherPort = {
      publish: async (message: TransportMessage, options) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return inner.publish(message, options);
      },
      close: () => inner.close(),
    };
    const { store, addEvents } = setup(slow);
    const sink = await collect(inner, 'citizen.registered', 'check');
    open.push(sink);
    const keys = citizens(30);
    await addEvents('p', keys, 4);
    // Rows claimed and not yet marked or released: a claim while some are out overlaps another batch.
    let outstanding = 0;
    let claimsBesideABatch = 0;
    const watched = {
      ...store.outbox,
      claim: async (limit: number, leaseMs: number) => {
        if (outstanding > 0) claimsBesideABatch++;
        const rows = await store.outbox.claim(limit, leaseMs);
        outstanding += rows.length;
        return rows;
      },
      markPublished: async (ids: readonly string[]) => {
        await store.outbox.markPublished(ids);
        outstanding -= ids.length;
      },
      release: async (ids: readonly string[]) => {
        await store.outbox.release(ids);
        outstanding -= ids.length;
      },
    };
    const options = { store: watched, transport: slow, batchSize: 10, leaseMs: 60_000, pollMs: 20 };
    const first = createOutboxRelay(options);
    await first.start();
    await waitFor('some events', () => sink.received.length >= 30);
    await first.close();
    expect(claimsBesideABatch).toBeGreaterThan(0);
    // Rows claimed ahead but not published were released: another relay takes them long before their 60 s lease.
    const second = createOutboxRelay(options);
    open.push(second);
    await second.start();
    await waitFor('120 events', () => orderReport(sink.received.map(idOf)).distinct === 120, 5_000);
    expect(orderReport(sink.received.map(idOf))).toEqual({ duplicates: 0, outOfOrder: 0, distinct: 120 });
  });

  it('deletes published rows after the retention and emits lag events', async () => {
    const { store, outbox, relay, events } = setup();
    await store.transaction((tx) => outbox.add(tx, 'citizen.registered', registered));
    await relay({ retentionMs: 1, cleanupEveryMs: 30, lagEveryMs: 10 }).start();
    await waitFor('cleanup', () => events.some((e) => e.kind === 'cleanup' && e.deleted === 1));
    expect(events.some((e) => e.kind === 'lag')).toBe(true);
  });

  it("hands back a leasing store's lease on close, and reports a failed hand-back", async () => {
    const { store, relay, events } = setup();
    let resigned = 0;
    const leasing = Object.assign(Object.create(store.outbox) as typeof store.outbox, {
      resign: async () => {
        resigned++;
        if (resigned > 1) throw new Error('database gone');
      },
    });
    const first = relay({ store: leasing });
    await first.start();
    await first.close();
    await first.close(); // idempotent: one hand-back
    expect(resigned).toBe(1);
    expect(events.filter((e) => e.kind === 'store-failed')).toEqual([]);

    const second = relay({ store: leasing });
    await second.start();
    await second.close();
    expect(
      events.filter((e) => e.kind === 'store-failed').map((e) => e.kind === 'store-failed' && e.operation),
    ).toEqual(['resign']);
  });

  it('validates its options', () => {
    const { store } = setup();
    expect(() => createOutboxRelay({ store: store.outbox, transport: createMemoryTransport(), batchSize: 0 })).toThrow(
      'batchSize',
    );
  });
});
