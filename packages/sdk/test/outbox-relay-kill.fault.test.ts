/**
 * An outbox relay in a child process (built packages), PostgreSQL -> Kafka, killed with SIGKILL mid-batch three
 * times while 20,000 events are committed to the outbox in transactions of 50, and restarted each time. A consumer
 * group reads the topic all along: every committed event must arrive (duplicates are allowed and reported, as are
 * per-key order violations).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaKit, kafkaKit } from './brokers.js';
import { ensureBuilt } from './fixtures/built.js';
import { type Child, startChild } from './fixtures/child.js';
import { sink, tally } from './fixtures/kafka-sink.js';
import { OUTBOX_CHANNEL, writeOutbox } from './fixtures/outbox-load.js';
import { brokers } from './kafka-broker.js';
import { DATABASE_URL, orderReport, postgresStore, requirePostgres, waitFor } from './outbox-fixtures.js';

const TOTAL = 20_000;
const KILLS = 3;

let pool: Awaited<ReturnType<typeof requirePostgres>>;
let store: Awaited<ReturnType<typeof postgresStore>>;
let kit: KafkaKit;
const children: Child[] = [];

beforeAll(async () => {
  await ensureBuilt();
  pool = await requirePostgres();
  pool.on('error', () => {});
  store = await postgresStore(pool, 'relaykill');
  kit = await kafkaKit(OUTBOX_CHANNEL);
}, 300_000);

afterAll(async () => {
  for (const c of children) await c.kill9();
  await kit?.cleanup();
  await store?.drop();
  await pool?.end();
}, 60_000);

describe('outbox relay killed with -9 mid-batch', () => {
  it(`delivers every one of ${TOTAL} committed events across ${KILLS} kills`, async () => {
    let published = 0;
    let batchesSinceStart = 0;
    const start = async (): Promise<Child> => {
      batchesSinceStart = 0;
      const child = startChild(
        './relay-child.mjs',
        {
          DATABASE_URL,
          KAFKA_BROKERS: brokers.join(','),
          OUTBOX_PREFIX: store.tables.outbox.replace(/outbox$/, ''),
          CHANNEL: OUTBOX_CHANNEL,
          TOPIC: kit.topic,
          LEASE_MS: '4000',
        },
        (line) => {
          if (line.kind === 'batch') {
            published += Number(line.published);
            if (Number(line.claimed) > 0) batchesSinceStart++;
          }
        },
      );
      children.push(child);
      await child.waitFor('ready');
      return child;
    };

    const consumer = await sink(kit.transport, OUTBOX_CHANNEL, kit.group('relay-kill'));
    const started = performance.now();
    let relay = await start();
    const writing = writeOutbox({
      store,
      run: 'kill',
      keys: 200,
      total: TOTAL,
      writers: 4,
      txSize: 50,
      pauseMs: 40,
    });
    const kills: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      // A random point once the relay is busy: some batches published, the next one in flight.
      const after = 8 + Math.floor(Math.random() * 20);
      await waitFor(`${after} batches`, () => batchesSinceStart >= after, 60_000);
      await new Promise((r) => setTimeout(r, Math.random() * 40));
      kills.push(published);
      await relay.kill9();
      relay = await start();
    }
    const written = await writing;
    const writtenMs = performance.now() - started;
    await waitFor(
      'every committed event consumed',
      () => tally(written.committed, consumer.ids).lost === 0,
      120_000,
    ).catch(() => {});
    await new Promise((r) => setTimeout(r, 1_000)); // late duplicates
    const t = tally(written.committed, consumer.ids);
    const order = orderReport(consumer.ids);
    console.log(
      `outbox relay kill -9 x${KILLS}: committed ${t.committed}, consumed ${t.delivered}, lost ${t.lost}, ` +
        `duplicated ${t.duplicated}, unknown ${t.unknown}, per-key order violations ${order.outOfOrder}; ` +
        `killed after ${kills.join('/')} published; written in ${(writtenMs / 1000).toFixed(1)} s, ` +
        `total ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    await consumer.close();
    expect(t.committed).toBe(TOTAL);
    expect(t.lost).toBe(0);
    expect(t.unknown).toBe(0);
    expect(order.outOfOrder).toBe(0);
  }, 240_000);
});
