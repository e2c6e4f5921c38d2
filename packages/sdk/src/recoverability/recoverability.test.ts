import { catalog } from '@humangov/events';
import { PermanentError, timeout } from '@humangov/resilience';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMemoryTransport,
  createPublisher,
  createRouter,
  DEAD_LETTER_HEADERS,
  type LifecycleEvent,
  type ReceivedMessage,
} from '../index.js';
import { policyMiddleware, retryHandler } from './policy-middleware.js';
import { recoverability } from './recoverability.js';

const registered = catalog['citizen.registered'].versions[2].examples[0]!;
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

function setup(group = 'recover') {
  const transport = createMemoryTransport();
  const publisher = createPublisher({ transport, source: '/test' });
  const router = createRouter({ transport, group, shutdownOnSignals: false });
  const events: LifecycleEvent[] = [];
  router.onEvent((e) => events.push(e));
  const dead: ReceivedMessage[] = [];
  open.push(router, publisher, transport);
  const readDeadLetters = () =>
    transport.subscribe({ group: 'dlq-reader', channels: [`${group}.dead-letter`] }, async (m) => {
      dead.push(m);
      await m.ack();
    });
  return { transport, publisher, router, events, dead, readDeadLetters };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('retryHandler and policyMiddleware', () => {
  it('retries in process: two failures, then success, within one delivery', async () => {
    const { publisher, router, events } = setup();
    const calls: number[] = [];
    router.use(retryHandler({ initialDelayMs: 1 })).handle('citizen.registered', async (_e, ctx) => {
      calls.push(ctx.attempt);
      if (calls.length < 3) throw new Error('flaky');
    });
    await router.start();
    await publisher.publish('citizen.registered', registered);
    await until(() => events.some((e) => e.kind === 'handled'));
    expect(calls).toEqual([1, 1, 1]); // three calls, one delivery
    expect(events.filter((e) => e.kind === 'failed')).toHaveLength(0);
  });

  it('never retries a PermanentError', async () => {
    const { publisher, router, events } = setup();
    let calls = 0;
    router.use(retryHandler({ initialDelayMs: 1 })).handle('citizen.registered', async () => {
      calls++;
      if (calls === 1) throw new PermanentError('bad input');
    });
    await router.start();
    await publisher.publish('citizen.registered', registered);
    await until(() => events.some((e) => e.kind === 'handled'));
    // One call failed permanently (no in-process retry); the router nacked, the redelivery succeeded.
    expect(calls).toBe(2);
    expect(events.filter((e) => e.kind === 'failed')).toHaveLength(1);
  });

  it('hands the policy signal to the handler (timeout aborts it)', async () => {
    const { publisher, router, events } = setup();
    let aborted: boolean | undefined;
    router.use(policyMiddleware(timeout(20))).handle('citizen.registered', async (_e, ctx) => {
      if (aborted !== undefined) return;
      await new Promise((r) => setTimeout(r, 60));
      aborted = ctx.signal?.aborted;
    });
    await router.start();
    await publisher.publish('citizen.registered', registered);
    await until(() => events.some((e) => e.kind === 'handled'));
    expect(aborted).toBe(true);
  });
});

describe('recoverability', () => {
  it('redelivers with growing delays and handles the message on the 4th delivery', async () => {
    const { publisher, router, events } = setup();
    const seen: Array<{ attempt: number; at: number }> = [];
    router.handle(
      'citizen.registered',
      { recoverability: { retries: 0, redeliveries: [20, 40, 80] } },
      async (_e, ctx) => {
        seen.push({ attempt: ctx.attempt, at: performance.now() });
        if (ctx.attempt <= 3) throw new Error('downstream unavailable');
      },
    );
    await router.start();
    await publisher.publish('citizen.registered', registered);
    await until(() => events.some((e) => e.kind === 'handled'));
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3, 4]);
    const scheduled = events.filter((e) => e.kind === 'redelivery-scheduled');
    expect(scheduled.map((e) => e.kind === 'redelivery-scheduled' && e.delayMs)).toEqual([20, 40, 80]);
    const gaps = seen.slice(1).map((s, i) => s.at - seen[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(19);
    expect(gaps[1]).toBeGreaterThanOrEqual(39);
    expect(gaps[2]).toBeGreaterThanOrEqual(79);
  });

  it('dead-letters after retries and redeliveries, with the original bytes and the failure headers', async () => {
    const { publisher, router, events, dead, readDeadLetters } = setup();
    let calls = 0;
    router.handle(
      'citizen.registered',
      { version: 2, recoverability: { retries: { maxAttempts: 2, initialDelayMs: 1 }, redeliveries: [10, 20] } },
      async (event) => {
        calls++;
        throw new Error(`no account for ${event.data.given_name} ${event.data.family_name}`);
      },
    );
    await router.start();
    await readDeadLetters();
    await publisher.publish('citizen.registered', registered);
    await until(() => dead.length === 1);
    expect(calls).toBe(6); // 2 calls x 3 deliveries
    const [letter] = dead;
    expect(JSON.parse(Buffer.from(letter!.body).toString())).toEqual(registered);
    const h = letter!.headers;
    expect(h[DEAD_LETTER_HEADERS.reason]).toBe('handler-failed');
    expect(h[DEAD_LETTER_HEADERS.attempts]).toBe('3');
    expect(h[DEAD_LETTER_HEADERS.channel]).toBe(catalog['citizen.registered'].versions[2].channel);
    expect(h[DEAD_LETTER_HEADERS.partition]).toBeDefined();
    expect(h[DEAD_LETTER_HEADERS.offset]).toBe('0');
    expect(h[DEAD_LETTER_HEADERS.error]).toBe('Error: no account for [redacted] [redacted]');
    expect(Date.parse(h[DEAD_LETTER_HEADERS.firstFailure]!)).toBeLessThan(
      Date.parse(h[DEAD_LETTER_HEADERS.lastFailure]!),
    );
    const lifecycle = events.find((e) => e.kind === 'dead-lettered');
    expect(lifecycle).toMatchObject({ reason: 'handler-failed', attempts: 3, event: { type: 'citizen.registered' } });
  });

  it('as middleware: dead-letters a PermanentError at once', async () => {
    const { publisher, router, dead, readDeadLetters } = setup();
    let calls = 0;
    router.use(recoverability({ redeliveries: [10] })).handle('citizen.registered', async () => {
      calls++;
      throw new PermanentError('citizen is not eligible');
    });
    await router.start();
    await readDeadLetters();
    await publisher.publish('citizen.registered', registered);
    await until(() => dead.length === 1);
    expect(calls).toBe(1);
    expect(dead[0]!.headers[DEAD_LETTER_HEADERS.attempts]).toBe('1');
    expect(dead[0]!.headers[DEAD_LETTER_HEADERS.error]).toContain('citizen is not eligible');
  });

  it('rejects invalid options when the route is added', () => {
    const { router } = setup();
    expect(() =>
      router.handle('citizen.registered', { recoverability: { redeliveries: [-1] } }, async () => {}),
    ).toThrow(RangeError);
  });
});
