/**
 * An outbox relay in a child process (built packages), PostgreSQL -> Kafka, while Kafka, then PostgreSQL, is
 * restarted (kill -9 + up) under it. The relay is never restarted by the test: it must resume by itself, and every
 * committed event must reach the consumer group. Prints lost, duplicated, and how long publishing stood still.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaKit, kafkaKit } from './brokers.js';
import { longestGap } from './event-load.js';
import { ensureBuilt } from './fixtures/built.js';
import { type Child, startChild } from './fixtures/child.js';
import { sink, tally } from './fixtures/kafka-sink.js';
import { OUTBOX_CHANNEL, writeOutbox } from './fixtures/outbox-load.js';
import { restartOwned, type Service } from './fixtures/services.js';
import { brokers } from './kafka-broker.js';
import { DATABASE_URL, orderReport, postgresStore, requirePostgres, waitFor } from './outbox-fixtures.js';

const TOTAL = 6_000;

let pool: Awaited<ReturnType<typeof requirePostgres>>;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  await ensureBuilt();
  pool = await requirePostgres();
  pool.on('error', () => {}); // idle clients die with the PostgreSQL restart
}, 300_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  await pool?.end();
}, 90_000);

async function restartUnderRelay(name: Service): Promise<void> {
  const store = await postgresStore(pool, `relay${name}`);
  cleanups.push(() => store.drop());
  const kit: KafkaKit = await kafkaKit(OUTBOX_CHANNEL);
  cleanups.push(() => kit.cleanup());

  const publishedAt: number[] = [];
  const failures = new Map<string, number>();
  let published = 0;
  const relay: Child = startChild(
    './relay-child.mjs',
    {
      DATABASE_URL,
      KAFKA_BROKERS: brokers.join(','),
      OUTBOX_PREFIX: store.tables.outbox.replace(/outbox$/, ''),
      CHANNEL: OUTBOX_CHANNEL,
      TOPIC: kit.topic,
      LEASE_MS: '10000',
    },
    (line, at) => {
      if (line.kind === 'batch' && Number(line.published) > 0) {
        published += Number(line.published);
        publishedAt.push(at);
      } else if (line.kind !== 'batch' && line.kind !== 'ready') {
        const k = `${line.kind}${line.operation ? `:${String(line.operation)}` : ''}`;
        failures.set(k, (failures.get(k) ?? 0) + 1);
      }
    },
  );
  cleanups.push(() => relay.kill9());
  await relay.waitFor('ready');
  const consumer = await sink(kit.transport, OUTBOX_CHANNEL, kit.group(`relay-${name}`));
  cleanups.push(() => consumer.close());

  const started = performance.now();
  const writing = writeOutbox({ store, run: name, keys: 100, total: TOTAL, writers: 2, txSize: 50, pauseMs: 40 });
  await waitFor('a third published', () => published >= TOTAL / 3, 60_000);
  const restartAt = performance.now();
  const restartMs = await restartOwned(name);
  const written = await writing;
  await waitFor(
    'every committed event consumed',
    () => tally(written.committed, consumer.ids).lost === 0,
    120_000,
  ).catch(() => {});
  const resumedAt = publishedAt.find((t) => t > restartAt + restartMs);
  await new Promise((r) => setTimeout(r, 1_000));
  const t = tally(written.committed, consumer.ids);
  const order = orderReport(consumer.ids);
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(
    `outbox relay, ${name} restarted: committed ${t.committed}, consumed ${t.delivered}, lost ${t.lost}, ` +
      `duplicated ${t.duplicated}, unknown ${t.unknown}, per-key order violations ${order.outOfOrder}; ` +
      `restart (kill -9 + up) ${s(restartMs)}, relay publishing stalled ${s(longestGap(publishedAt, restartAt))} ` +
      (resumedAt === undefined
        ? '(the last events went out before the restart script saw the service up), '
        : `(first publish ${s(resumedAt - restartAt)} after the restart began, ` +
          `${s(resumedAt - restartAt - restartMs)} after it was up), `) +
      `consuming stalled ${s(longestGap(consumer.at, restartAt))}; writer transactions retried ` +
      `${written.failedTransactions}; relay reported ${JSON.stringify(Object.fromEntries(failures))}; ` +
      `relay process ${relay.process.exitCode === null && relay.process.signalCode === null ? 'alive' : 'EXITED'}, ` +
      `total ${s(performance.now() - started)}`,
  );
  expect(relay.process.exitCode).toBeNull();
  expect(relay.process.signalCode).toBeNull();
  expect(t.lost).toBe(0);
  expect(t.committed).toBe(TOTAL);
  expect(order.outOfOrder).toBe(0);
}

describe('outbox relay: a service restarted under it', () => {
  it('kafka restarted: 0 lost, the relay resumes by itself', () => restartUnderRelay('kafka'), 240_000);
  it('postgres restarted: 0 lost, the relay resumes by itself', () => restartUnderRelay('postgres'), 240_000);
});
