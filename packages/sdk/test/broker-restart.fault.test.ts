/**
 * A broker killed with -9 and restarted in the middle of 10,000 published HumanGov events, with a router consuming
 * them: the SDK reconnects on its own (no reconnect code here), and every event whose publish resolved is handled.
 * Prints one line per broker: lost, duplicated, reordered per key, restart and total time (docs/faults.md).
 */
import type { EventMap } from '@humangov/events';
import { afterEach, describe, expect, it } from 'vitest';
import { createPublisher, createRouter, type Publisher, type Router } from '../src/index.js';
import { type BrokerKit, kafkaKit, rabbitKit } from './brokers.js';
import { createLedger, EVENT_CHANNEL, EVENT_TYPE, longestGap, publishLoad, until } from './event-load.js';
import { services } from './services.js';

const TOTAL = 10_000;
const RESTART_AFTER = 3_000;

const open: Array<{ close(): Promise<void> } | BrokerKit> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await ('cleanup' in o ? o.cleanup() : o.close()).catch(() => {});
}, 60_000);

async function restartMidway(kit: BrokerKit): Promise<void> {
  open.push(kit);
  const ledger = createLedger(50);
  const publisher: Publisher<EventMap> = createPublisher({ transport: kit.transport, source: '/humangov/fault-test' });
  const router: Router<EventMap> = createRouter({
    transport: kit.transport,
    group: kit.group('restart'),
    shutdownOnSignals: false,
  });
  open.push(publisher, router);
  router.handle(EVENT_TYPE, { concurrency: 6 }, (event) => ledger.consumed(event.id));
  await router.start();

  const started = performance.now();
  let restartAt = 0;
  let restartMs = 0;
  const restart = (async () => {
    await until(`${RESTART_AFTER} confirmed publishes`, () => ledger.resolved.size >= RESTART_AFTER, 120_000);
    restartAt = performance.now();
    restartMs = await services('restart', kit.broker);
  })();
  const [stats] = await Promise.all([publishLoad({ publisher, ledger, loops: 10, total: TOTAL }), restart]);
  const publishedMs = performance.now() - started;
  // Bounded: whatever is still missing after this counts as lost.
  await until('every confirmed event handled', ledger.allConsumed, 90_000).catch(() => {});
  await new Promise((r) => setTimeout(r, 2_000)); // late redeliveries count as duplicates
  const totalMs = performance.now() - started;

  const r = ledger.report();
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const counts = new Map<string, number>();
  for (const e of kit.events) if (e.type !== 'producer.flush') counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
  const events = [...counts].map(([type, n]) => `${type}=${n}`).join(' ');
  console.log(
    `broker-restart ${kit.broker}: ${r.resolved} confirmed, lost ${r.lost}, duplicated ${r.duplicated}, ` +
      `reordered-per-key ${r.reordered}; restart (kill -9 + up) ${s(restartMs)}, publishing stalled ` +
      `${s(longestGap(ledger.resolvedAt, restartAt))}, consuming stalled ${s(longestGap(ledger.consumedAt, restartAt))}; ` +
      `published in ${s(publishedMs)}, total ${s(totalMs)}; retried ${JSON.stringify(Object.fromEntries(stats.retried))}; ` +
      `transport events: ${events}`,
  );
  expect(r.resolved).toBe(TOTAL);
  expect(r.unknown).toBe(0);
  expect(r.lost).toBe(0);
}

describe('broker restart (kill -9 + up) under load: kafka', () => {
  it(`handles every one of ${TOTAL} confirmed events`, async () => {
    await restartMidway(await kafkaKit(EVENT_CHANNEL));
  }, 240_000);
});

describe('broker restart (kill -9 + up) under load: rabbitmq', () => {
  it(`handles every one of ${TOTAL} confirmed events`, async () => {
    await restartMidway(await rabbitKit(EVENT_CHANNEL));
  }, 240_000);
});
