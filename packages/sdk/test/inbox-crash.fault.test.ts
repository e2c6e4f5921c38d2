/**
 * A consumer crashed (SIGKILL) between its side effect and its ack, many times: a child process (built packages)
 * runs an SDK router on RabbitMQ with the inbox middleware on PostgreSQL, the side effect being an INSERT in the
 * inbox transaction; a middleware outside the inbox kills the process after the handler resolved (committed) and
 * before the router acks, with probability 30 %. The test restarts it until every event is handled, then counts
 * side-effect rows per event id: 0 duplicated, 0 lost.
 */
import { randomUUID } from 'node:crypto';
import { catalog, type EventMap } from '@humangov/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublisher, type Publisher } from '../src/index.js';
import { type RabbitKit, rabbitKit } from './brokers.js';
import { EVENT_CHANNEL, EVENT_TYPE } from './event-load.js';
import { ensureBuilt } from './fixtures/built.js';
import { type Child, startChild } from './fixtures/child.js';
import { DATABASE_URL, postgresStore, requirePostgres } from './outbox-fixtures.js';
import { AMQP_URL } from './rabbitmq-broker.js';

const EVENTS = 200;
const CRASH_P = 0.3;
const example = catalog[EVENT_TYPE].versions[1].examples[0]!;

let pool: Awaited<ReturnType<typeof requirePostgres>>;
let store: Awaited<ReturnType<typeof postgresStore>>;
let kit: RabbitKit;
let effects: string;
const children: Child[] = [];

beforeAll(async () => {
  await ensureBuilt();
  pool = await requirePostgres();
  pool.on('error', () => {});
  store = await postgresStore(pool, 'inboxcrash');
  effects = store.tables.inbox.replace(/inbox$/, 'effects');
  // No unique constraint: a side effect run twice shows as two rows.
  await pool.query(`CREATE TABLE ${effects} (event_id text NOT NULL, at timestamptz NOT NULL DEFAULT now())`);
  kit = await rabbitKit(EVENT_CHANNEL);
}, 300_000);

afterAll(async () => {
  for (const c of children) await c.kill9();
  await kit?.cleanup();
  if (effects) await pool?.query(`DROP TABLE IF EXISTS ${effects}`);
  await store?.drop();
  await pool?.end();
}, 60_000);

describe('inbox: consumer crashed between side effect and ack', () => {
  it(`runs the side effect of each of ${EVENTS} events exactly once across the crashes`, async () => {
    const group = kit.group('inbox-crash');
    let handled = 0;
    let duplicates = 0;
    let lastLine = performance.now();
    const start = async (): Promise<Child> => {
      const child = startChild(
        './inbox-child.mjs',
        {
          DATABASE_URL,
          AMQP_URL,
          INBOX_PREFIX: store.tables.inbox.replace(/inbox$/, ''),
          EFFECTS_TABLE: effects,
          CRASH_P: String(CRASH_P),
          CHANNEL: EVENT_CHANNEL,
          EXCHANGE: kit.exchange,
          GROUP: group,
          EVENT_TYPE,
        },
        (line, at) => {
          if (line.kind === 'handled') handled++;
          else if (line.kind === 'duplicate') duplicates++;
          lastLine = at;
        },
      );
      children.push(child);
      await child.waitFor('ready');
      return child;
    };
    const distinct = async () =>
      Number((await pool.query<{ n: string }>(`SELECT count(DISTINCT event_id) AS n FROM ${effects}`)).rows[0]?.n);

    const started = performance.now();
    let consumer = await start(); // declares the group's queue before anything is published
    const publisher: Publisher<EventMap> = createPublisher({
      transport: kit.transport,
      source: '/humangov/inbox-fault',
    });
    const apps = Array.from({ length: 20 }, () => randomUUID());
    const ids = Array.from({ length: EVENTS }, (_, n) => `inbox-crash.${n}`);
    await Promise.all(
      ids.map((id, n) => publisher.publish(EVENT_TYPE, { ...example, application_id: apps[n % apps.length]! }, { id })),
    );

    let crashes = 0;
    let quietSince = 0;
    const deadline = performance.now() + 150_000;
    for (;;) {
      if (consumer.process.exitCode !== null || consumer.process.signalCode !== null) {
        crashes++;
        consumer = await start();
        continue;
      }
      // Done when every event has its effect and the consumer has been alive and idle for 2 s (no redelivery left).
      if ((await distinct()) === EVENTS && performance.now() - lastLine > 2_000) {
        quietSince ||= performance.now();
        if (performance.now() - quietSince > 1_000) break;
      } else quietSince = 0;
      if (performance.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await consumer.kill9();
    await publisher.close();

    const rows = await pool.query<{ event_id: string; n: string }>(
      `SELECT event_id, count(*) AS n FROM ${effects} GROUP BY event_id`,
    );
    const counts = new Map(rows.rows.map((r) => [r.event_id, Number(r.n)]));
    const duplicated = [...counts.values()].filter((n) => n > 1).length;
    const lost = ids.filter((id) => !counts.has(id)).length;
    const recorded = Number(
      (await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${store.tables.inbox}`)).rows[0]?.n,
    );
    console.log(
      `inbox crash between side effect and ack: ${EVENTS} events, ${crashes} crashes (p=${CRASH_P}), ` +
        `side effects ${[...counts.values()].reduce((a, b) => a + b, 0)} rows, duplicated ${duplicated}, lost ${lost}; ` +
        `inbox records ${recorded}, handler runs committed-or-not ${handled}, redeliveries skipped as duplicates ` +
        `${duplicates}; total ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(crashes).toBeGreaterThan(10);
    expect(duplicates).toBeGreaterThan(0); // the crashes did make redeliveries, which the inbox absorbed
    expect(duplicated).toBe(0);
    expect(lost).toBe(0);
    expect(recorded).toBe(EVENTS);
  }, 200_000);
});
