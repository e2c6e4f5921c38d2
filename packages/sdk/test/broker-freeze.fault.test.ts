/**
 * A broker frozen (SIGSTOP) for 10 s during a steady run of publishing and consuming: publishes reject with
 * `PublishTimeoutError` after the confirm timeout instead of hanging, the consumer side reports the stall through the
 * transport's `onEvent`, and after the thaw both directions resume with nothing lost among confirmed publishes
 * (timed-out publishes are retried with the same event id, and counted).
 */
import type { EventMap } from '@humangov/events';
import { afterEach, describe, expect, it } from 'vitest';
import { createPublisher, createRouter, type Publisher, type Router } from '../src/index.js';
import { type BrokerKit, kafkaKit, rabbitKit } from './brokers.js';
import { createLedger, EVENT_CHANNEL, EVENT_TYPE, newStats, publishLoad, until } from './event-load.js';
import { services } from './services.js';

const CONFIRM_TIMEOUT_MS = 3_000;
const FROZEN_MS = 10_000;

const open: Array<{ close(): Promise<void> } | BrokerKit> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await ('cleanup' in o ? o.cleanup() : o.close()).catch(() => {});
}, 60_000);

async function freezeMidway(kit: BrokerKit, stallEvents: ReadonlySet<string>): Promise<void> {
  open.push(kit);
  const ledger = createLedger(50);
  const publisher: Publisher<EventMap> = createPublisher({ transport: kit.transport, source: '/humangov/fault-test' });
  const router: Router<EventMap> = createRouter({
    transport: kit.transport,
    group: kit.group('freeze'),
    shutdownOnSignals: false,
  });
  open.push(publisher, router);
  router.handle(EVENT_TYPE, { concurrency: 6 }, (event) => ledger.consumed(event.id));
  await router.start();

  let stop = false;
  const stats = newStats();
  const load = publishLoad({ publisher, ledger, loops: 5, stop: () => stop, stats });
  let freezeAt = 0;
  let thawAt = 0;
  let afterThaw = 0;
  try {
    await until('a steady flow', () => ledger.resolved.size >= 1_000 && ledger.consumedAt.length >= 500, 60_000);
    freezeAt = performance.now();
    await services('freeze', kit.broker);
    try {
      await new Promise((r) => setTimeout(r, FROZEN_MS));
    } finally {
      await services('thaw', kit.broker);
      thawAt = performance.now();
    }
    afterThaw = ledger.resolved.size;
    await until('1,000 confirmed publishes after the thaw', () => ledger.resolved.size >= afterThaw + 1_000, 90_000);
  } finally {
    stop = true;
  }
  await load;
  await until('every confirmed event handled', ledger.allConsumed, 60_000).catch(() => {});
  await new Promise((r) => setTimeout(r, 1_000));

  const r = ledger.report();
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const stall = kit.events.find((e) => stallEvents.has(e.type) && e.at >= freezeAt && e.at <= thawAt + 5_000);
  const firstAfter = (times: number[]) => (times.find((t) => t > thawAt) ?? Number.NaN) - thawAt;
  const timeouts = stats.timeouts;
  console.log(
    `broker-freeze ${kit.broker}: frozen ${s(thawAt - freezeAt)}; ${timeouts.length} publishes rejected with ` +
      `PublishTimeoutError after ${s(Math.min(...timeouts))}-${s(Math.max(...timeouts))} (retried), longest publish ` +
      `call ${s(stats.longestAttemptMs)}; consumer stall reported: ${stall ? `${stall.type} after ${s(stall.at - freezeAt)}` : 'NO'}; ` +
      `after the thaw: publishing resumed in ${s(firstAfter(ledger.resolvedAt))}, consuming in ` +
      `${s(firstAfter(ledger.consumedAt))}; ${r.resolved} confirmed, lost ${r.lost}, duplicated ${r.duplicated}, ` +
      `reordered-per-key ${r.reordered}; retried ${JSON.stringify(Object.fromEntries(stats.retried))}; ` +
      `events since the freeze: ${summary(kit.events, freezeAt)}`,
  );
  expect(timeouts.length).toBeGreaterThan(0);
  expect(stats.longestAttemptMs).toBeLessThan(CONFIRM_TIMEOUT_MS + 1_500);
  expect(r.lost).toBe(0);
  expect(r.unknown).toBe(0);
  expect(stall, `no ${[...stallEvents].join('/')} event while the broker was frozen`).toBeDefined();
}

/** `type xN (first at +S s)` per event type seen since `from`, flushes left out. */
function summary(events: BrokerKit['events'], from: number): string {
  const byType = new Map<string, { n: number; first: number }>();
  for (const e of events) {
    if (e.type === 'producer.flush' || e.at < from) continue;
    const seen = byType.get(e.type);
    if (seen) seen.n++;
    else byType.set(e.type, { n: 1, first: e.at });
  }
  return [...byType]
    .map(([type, { n, first }]) => `${type} x${n} (first +${((first - from) / 1000).toFixed(1)} s)`)
    .join(', ');
}

describe('broker frozen for 10 s under load: kafka', () => {
  it('times publishes out, reports the consumer stall, resumes after the thaw without loss', async () => {
    const kit = await kafkaKit(EVENT_CHANNEL, { confirmTimeoutMs: CONFIRM_TIMEOUT_MS });
    await freezeMidway(kit, new Set(['consumer.request-timeout', 'consumer.crash']));
  }, 180_000);
});

describe('broker frozen for 10 s under load: rabbitmq', () => {
  it('times publishes out, reports the consumer stall, resumes after the thaw without loss', async () => {
    // The transport's only stall signal is the connection's heartbeat: amqplib drops a connection after two silent
    // heartbeat intervals, so with the default 10 s a 10 s freeze goes unreported (nothing but publish timeouts).
    const kit = await rabbitKit(EVENT_CHANNEL, { confirmTimeoutMs: CONFIRM_TIMEOUT_MS, heartbeatSeconds: 2 });
    await freezeMidway(kit, new Set(['disconnected', 'blocked']));
  }, 180_000);
});
