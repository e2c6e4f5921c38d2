/**
 * The RabbitMQ transport while its broker fails (kill -9 + restart, SIGSTOP). Fault tier: these stop the broker
 * other tests share, so they run alone (`HUMANGOV_TIER=faults`, vitest.config.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RabbitMqEvent } from '../src/rabbitmq.js';
import { connectRaw, rabbitFixture, waitFor } from './rabbitmq-broker.js';
import { services } from './services.js';

const { id, createTransport, subscribe, message, cleanup } = rabbitFixture('fault');

beforeAll(async () => {
  await (await connectRaw()).close();
});
afterAll(cleanup, 60_000);

describe('rabbitmq transport: broker faults', () => {
  it('survives a broker killed with -9 and restarted: every confirmed message arrives', async () => {
    const events: RabbitMqEvent[] = [];
    const t = createTransport({
      onEvent: (e) => events.push(e),
      reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 },
    });
    const channel = `kill.${id}`;
    const seen = new Set<string>();
    await subscribe(
      t,
      `g-kill-${id}`,
      channel,
      async (m) => {
        seen.add(m.attributes.id!);
        await m.ack();
      },
      10,
    );
    const confirmed: string[] = [];
    let failed = 0;
    let stop = false;
    const publishing = (async () => {
      for (let i = 0; !stop; i++) {
        const m = message(channel, i);
        await t.publish(m).then(
          () => confirmed.push(m.attributes.id!),
          () => failed++, // timeout or lost confirm: the broker may or may not have it
        );
      }
    })();
    await waitFor(() => confirmed.length >= 200, 10_000, '200 confirms');
    const killedAt = performance.now();
    await services('restart', 'rabbitmq');
    const restartedMs = performance.now() - killedAt;
    const before = confirmed.length;
    const upAt = performance.now();
    await waitFor(() => confirmed.length >= before + 100, 20_000, '100 confirms after the restart');
    const resumedMs = performance.now() - upAt;
    stop = true;
    await publishing;
    await waitFor(() => confirmed.every((k) => seen.has(k)), 20_000, 'every confirmed message');
    const attempts = events.filter((e) => e.type === 'reconnecting').length;
    console.info(
      `rabbitmq: kill -9 + restart took ${Math.round(restartedMs)} ms, 100 confirms ${Math.round(resumedMs)} ms later; ${attempts} failed reconnect attempts; ` +
        `${confirmed.length} confirmed, ${failed} failed publishes, 0 confirmed lost`,
    );
  }, 60_000);

  it('rejects with PublishTimeoutError when a frozen broker never confirms', async () => {
    const t = createTransport({ confirmTimeoutMs: 1_000 });
    const channel = `frozen.${id}`;
    await t.publish(message(channel, 0));
    await services('freeze', 'rabbitmq');
    try {
      const started = Date.now();
      await expect(t.publish(message(channel, 1))).rejects.toMatchObject({
        code: 'HUMANGOV_PUBLISH_TIMEOUT',
        retryable: true,
      });
      expect(Date.now() - started).toBeLessThan(2_500);
    } finally {
      await services('thaw', 'rabbitmq');
    }
    // Once thawed, the same transport publishes again.
    let ok = false;
    for (let i = 0; i < 10 && !ok; i++)
      ok = await t.publish(message(channel, 2)).then(
        () => true,
        () => false,
      );
    expect(ok).toBe(true);
  }, 30_000);
});
