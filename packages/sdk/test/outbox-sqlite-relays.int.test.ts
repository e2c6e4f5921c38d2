/**
 * Several relay processes on one SQLite file (WAL): the store's leases give each key's rows to one relay at a time.
 * Every row is published, each key in id order, also when a relay is killed with -9 mid-stream and another takes
 * its rows over after the lease. Relays run on the built packages, in processes of their own.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutbox } from '../src/outbox/outbox.js';
import { ensureBuilt } from './fixtures/built.js';
import { type Child, startChild } from './fixtures/child.js';
import { citizens, eventId, orderReport, registered, sqliteStore, waitFor } from './outbox-fixtures.js';

type Store = Awaited<ReturnType<typeof sqliteStore>>;
let store: Store;
const children: Child[] = [];
const published: { id: string; at: number }[] = [];

beforeAll(async () => {
  await ensureBuilt();
  store = await sqliteStore();
}, 300_000);
afterAll(async () => {
  await Promise.all(children.map((c) => c.kill9()));
  await store?.drop();
});

function relay(leaseMs: number): Child {
  const child = startChild(
    './sqlite-relay-child.mjs',
    {
      SQLITE_FILE: (store.db as unknown as { name: string }).name,
      OUTBOX_PREFIX: store.tables.outbox.slice(0, -'outbox'.length),
      LEASE_MS: String(leaseMs),
    },
    (line) => {
      if (line.kind === 'published') published.push({ id: String(line.id), at: Number(line.at) });
    },
  );
  children.push(child);
  return child;
}

async function write(run: string, keys: readonly string[], perKey: number, batch = 50): Promise<number> {
  const outbox = createOutbox({ store: store.outbox, source: '/humangov/sqlite-relays' });
  let written = 0;
  for (let seq = 0; seq < perKey; seq++) {
    for (let i = 0; i < keys.length; i += batch) {
      await store.transaction(async (tx) => {
        for (const key of keys.slice(i, i + batch)) {
          await outbox.add(
            tx,
            'citizen.registered',
            { ...registered, citizen_id: key },
            { id: eventId(run, key, seq) },
          );
          written++;
        }
      });
    }
  }
  return written;
}

/** What this run's relays published, in the order it happened across processes. */
const publishedIds = (run: string) =>
  published
    .filter((p) => p.id.startsWith(`${run}.`))
    .sort((a, b) => a.at - b.at)
    .map((p) => p.id);

/** Waits until every written row of `run` is published; a timeout says how far it got and what the relays logged. */
async function everyRowPublished(run: string, written: number, relays: readonly Child[]): Promise<void> {
  try {
    await waitFor('every row published', () => new Set(publishedIds(run)).size >= written, 60_000);
  } catch (error) {
    const logs = relays.map((r) => `relay ${r.process.pid}:\n${r.stderr()}`).join('\n');
    const got = new Set(publishedIds(run)).size;
    throw new Error(`${(error as Error).message}: ${got} of ${written} published\n${logs}`);
  }
}

describe('outbox relays in several processes on one SQLite file', () => {
  it('two relays at once publish every row, each key in order', async () => {
    const run = randomUUID().slice(0, 8);
    const relays = [relay(5_000), relay(5_000)];
    await Promise.all(relays.map((r) => r.waitFor('ready')));
    const written = await write(run, citizens(40), 25);
    await everyRowPublished(run, written, relays);
    const report = orderReport(publishedIds(run));
    console.log(`[sqlite relays] two relays: ${JSON.stringify(report)} of ${written}`);
    expect(report).toMatchObject({ distinct: written, outOfOrder: 0 });
    await Promise.all(relays.map((r) => r.kill9()));
  }, 120_000);

  it('a relay killed with -9 mid-stream: its leased rows go out after the lease, nothing lost, no key reordered', async () => {
    const run = randomUUID().slice(0, 8);
    const doomed = relay(1_000);
    await doomed.waitFor('ready');
    const writing = write(run, citizens(30), 40);
    await waitFor('the first relay is publishing', () => publishedIds(run).length > 200, 60_000);
    await doomed.kill9();
    const successor = relay(1_000);
    await successor.waitFor('ready');
    const written = await writing;
    await everyRowPublished(run, written, [doomed, successor]);
    const report = orderReport(publishedIds(run));
    console.log(`[sqlite relays] kill -9: ${JSON.stringify(report)} of ${written}`);
    expect(report.distinct).toBe(written);
    expect(report.outOfOrder).toBe(0);
    await successor.kill9();
  }, 120_000);
});
