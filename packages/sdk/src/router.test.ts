import { type CloudEvent, catalog } from '@humangov/events';
import { afterEach, describe, expect, it } from 'vitest';
import { hostile } from '../test/hostile-messages.js';
import { DEAD_LETTER_HEADERS } from './dead-letter.js';
import {
  createMemoryTransport,
  createPublisher,
  createRouter,
  type LifecycleEvent,
  type ReceivedMessage,
  type Transport,
} from './index.js';

const source = '/humangov/test';
const registeredV1 = catalog['citizen.registered'].versions[1].examples[0]!;
const registeredV2 = catalog['citizen.registered'].versions[2].examples[0]!;
const withdrawn = catalog['benefit.application-withdrawn'].versions[1].examples[0]!;

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

function setup(group = 'test-group') {
  // Room for the 2 MiB hostile body: the broker takes it, the router must refuse it.
  const transport = createMemoryTransport({ maxMessageBytes: 4 << 20 });
  const publisher = createPublisher({ transport, source });
  const router = createRouter({ transport, group, shutdownOnSignals: false });
  const events: LifecycleEvent[] = [];
  router.onEvent((e) => events.push(e));
  open.push(router, publisher, transport);
  return { transport, publisher, router, events };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Reads a channel raw, as an operator's tool would. */
async function readRaw(transport: Transport, channel: string, group = 'inspector'): Promise<ReceivedMessage[]> {
  const seen: ReceivedMessage[] = [];
  const sub = await transport.subscribe({ group, channels: [channel] }, async (m) => {
    seen.push(m);
    await m.ack();
  });
  open.push(sub);
  return seen;
}

describe('publish -> handle', () => {
  it('delivers a typed, validated event once, and acks it', async () => {
    const { publisher, router } = setup();
    const received: CloudEvent[] = [];
    router.handle('citizen.registered', (event) => {
      received.push(event);
      expect(event.data.given_name).toBe(registeredV2.given_name);
    });
    await router.start();
    const sent = await publisher.publish('citizen.registered', registeredV2);
    await until(() => received.length === 1);
    expect(received[0]).toEqual(sent);
    expect(sent.partitionkey).toBe(registeredV2.citizen_id);
    await new Promise((r) => setTimeout(r, 30));
    expect(received).toHaveLength(1);
  });

  it('upcasts a v1 event to the version the handler declares', async () => {
    const { publisher, router } = setup();
    const received: unknown[] = [];
    router.handle('citizen.registered', { version: 2 }, (event) => void received.push(event.data));
    await router.start();
    await publisher.publish('citizen.registered', { ...registeredV1, name: 'Grace Brewster Hopper' }, { version: 1 });
    await until(() => received.length === 1);
    expect(received[0]).toMatchObject({ given_name: 'Grace Brewster', family_name: 'Hopper' });
  });

  it('a handler that throws gets the event again (attempt 2), and success acks it', async () => {
    const { publisher, router, events } = setup();
    const attempts: number[] = [];
    router.handle('benefit.application-withdrawn', async (_event, context) => {
      attempts.push(context.attempt);
      if (attempts.length === 1) throw new Error('database briefly unavailable');
    });
    await router.start();
    await publisher.publish('benefit.application-withdrawn', withdrawn);
    await until(() => attempts.length === 2);
    expect(attempts).toEqual([1, 2]);
    expect(events.filter((e) => e.kind === 'failed')).toHaveLength(1);
    await until(() => events.some((e) => e.kind === 'handled'));
  });

  it('runs middleware outermost-first around every handler', async () => {
    const { publisher, router } = setup();
    const order: string[] = [];
    router
      .use((next) => async (event, ctx) => {
        order.push('outer:before');
        await next(event, ctx);
        order.push('outer:after');
      })
      .use((next) => async (event, ctx) => {
        order.push('inner');
        await next(event, ctx);
      })
      .handle('benefit.application-withdrawn', () => void order.push('handler'));
    await router.start();
    await publisher.publish('benefit.application-withdrawn', withdrawn);
    await until(() => order.length === 4);
    expect(order).toEqual(['outer:before', 'inner', 'handler', 'outer:after']);
  });

  it('chains correlation and causation from the event being handled', async () => {
    const { publisher, router } = setup();
    const seen: CloudEvent[] = [];
    router.handle('benefit.application-withdrawn', async (event) => {
      seen.push(event);
      await publisher.publish('citizen.registered', registeredV2, { causedBy: event });
    });
    router.handle('citizen.registered', (event) => void seen.push(event));
    await router.start();
    const first = await publisher.publish('benefit.application-withdrawn', withdrawn, { correlationId: 'case-7' });
    await until(() => seen.length === 2);
    expect(seen[1]).toMatchObject({ correlationid: 'case-7', causationid: first.id });
  });

  it('close() waits for the handler in flight', async () => {
    const { publisher, router } = setup();
    let finished = false;
    router.handle('benefit.application-withdrawn', async () => {
      await new Promise((r) => setTimeout(r, 100));
      finished = true;
    });
    await router.start();
    const events: LifecycleEvent[] = [];
    router.onEvent((e) => events.push(e));
    await publisher.publish('benefit.application-withdrawn', withdrawn);
    await until(() => events.some((e) => e.kind === 'received'));
    await router.close();
    expect(finished).toBe(true);
  });

  it('refuses a second handler for one type, and an unknown type', () => {
    const { router } = setup();
    router.handle('citizen.registered', () => {});
    expect(() => router.handle('citizen.registered', () => {})).toThrow(/already has a handler/);
    // @ts-expect-error: not an event type of the catalog
    expect(() => router.handle('citizen.registred', () => {})).toThrow(/unknown event type/);
  });
});

describe('bad input never reaches a handler', () => {
  const cases = hostile();

  it('dead-letters each one with the reason, keeps the original bytes, and goes on with the next event', async () => {
    const { transport, publisher, router, events } = setup('hostile-group');
    const handled: CloudEvent[] = [];
    router.handle('citizen.registered', (event) => void handled.push(event));
    await router.start();
    const deadLetters = await readRaw(transport, 'hostile-group.dead-letter');
    for (const { attributes, body } of cases) {
      await transport.publish({
        channel: 'citizen.registered',
        attributes: attributes ?? {},
        headers: {},
        body,
        ...(attributes && { contentType: 'application/json' }),
      });
    }
    const good = await publisher.publish('citizen.registered', registeredV2);
    await until(() => deadLetters.length === cases.length && handled.length === 1, 3000);
    expect(handled.map((e) => e.id)).toEqual([good.id]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The dead-letter channel has several partitions, so letters may arrive in any order: match them by bytes.
    for (const { label, body, reason } of cases) {
      const letter = deadLetters.find((m) => Buffer.from(m.body).equals(body));
      expect(letter, label).toBeDefined();
      expect(letter!.headers[DEAD_LETTER_HEADERS.reason], label).toBe(reason);
      expect(letter!.headers[DEAD_LETTER_HEADERS.channel]).toBe('citizen.registered');
      expect(letter!.headers[DEAD_LETTER_HEADERS.error]!.length).toBeGreaterThan(0);
      expect(letter!.headers[DEAD_LETTER_HEADERS.offset]).toBeDefined();
    }
    expect(events.filter((e) => e.kind === 'dead-lettered')).toHaveLength(cases.length);
  });
});

describe('publisher', () => {
  it('rejects invalid data before anything is sent', async () => {
    const { transport, publisher } = setup();
    const raw = await readRaw(transport, 'citizen.registered');
    const bad = { ...registeredV2, citizen_id: 'not-a-uuid' };
    await expect(publisher.publish('citizen.registered', bad)).rejects.toMatchObject({
      code: 'HUMANGOV_EVENT_INVALID',
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(raw).toHaveLength(0);
  });

  it('writes CloudEvents binary mode: attributes apart from the JSON data bytes', async () => {
    const { transport, publisher } = setup();
    const raw = await readRaw(transport, 'citizen.registered');
    const event = await publisher.publish('citizen.registered', registeredV2);
    await until(() => raw.length === 1);
    expect(raw[0]!.attributes).toMatchObject({
      id: event.id,
      type: 'citizen.registered',
      specversion: '1.0',
      version: '2',
    });
    expect(raw[0]!.contentType).toBe('application/json');
    expect(JSON.parse(new TextDecoder().decode(raw[0]!.body))).toEqual(registeredV2);
    expect(raw[0]!.key).toBe(registeredV2.citizen_id);
  });

  it('compile-time checks event names and payloads', async () => {
    const { publisher } = setup();
    // @ts-expect-error: not an event type
    await expect(publisher.publish('citizen.registred', registeredV2)).rejects.toThrow();
    // @ts-expect-error: v2 has no `name` field
    await expect(publisher.publish('citizen.registered', { ...registeredV2, name: 'x' })).rejects.toThrow();
  });
});

describe('graceful shutdown', () => {
  it('closes on SIGTERM after the handler in flight finishes, and leaves the signal to other listeners', async () => {
    const transport = createMemoryTransport();
    const publisher = createPublisher({ transport, source });
    const router = createRouter({ transport, group: 'signals' });
    open.push(publisher, transport);
    let finished = false;
    let started = false;
    router.handle('benefit.application-withdrawn', async () => {
      started = true;
      await new Promise((r) => setTimeout(r, 50));
      finished = true;
    });
    await router.start();
    // Another listener stays, so the router does not re-raise the signal at the test runner itself.
    const keep = () => {};
    process.on('SIGTERM', keep);
    try {
      await publisher.publish('benefit.application-withdrawn', withdrawn);
      await until(() => started);
      process.emit('SIGTERM', 'SIGTERM');
      await router.close(); // the same promise the signal started
      expect(finished).toBe(true);
      expect(process.listeners('SIGTERM')).toEqual([keep]);
    } finally {
      process.removeListener('SIGTERM', keep);
    }
  });
});

describe('a dead letter that cannot be written', () => {
  it('is not acked: the message comes back after a growing pause until the dead letter is written', async () => {
    const delays: number[] = [];
    const timers = {
      setTimeout: (fn: () => void, ms: number) => {
        delays.push(ms);
        return setTimeout(fn, 0); // the pause is asserted, not waited for
      },
      clearTimeout: (handle: ReturnType<typeof setTimeout>) => clearTimeout(handle),
    };
    const memory = createMemoryTransport({ timers });
    let refusals = 2;
    // The memory transport, except that the dead-letter channel refuses the first two writes.
    const transport: Transport = {
      name: 'flaky-dead-letters',
      subscribe: (spec, handler) => memory.subscribe(spec, handler),
      publish: async (message, options) => {
        if (message.channel.endsWith('.dead-letter') && refusals-- > 0)
          throw new Error('dead-letter topic unavailable');
        return memory.publish(message, options);
      },
      close: () => memory.close(),
    };
    const router = createRouter({ transport, group: 'flaky', shutdownOnSignals: false });
    const events: LifecycleEvent[] = [];
    router.onEvent((e) => events.push(e));
    router.handle('citizen.registered', () => {});
    await router.start();
    open.push(router, memory);
    const attributes = { specversion: '1.0', id: 'x-1', source: '/h', type: 'citizen.teleported', version: '1' };
    await memory.publish({ channel: 'citizen.registered', attributes, headers: {}, body: new Uint8Array([123, 125]) });
    await until(() => events.some((e) => e.kind === 'dead-lettered'));
    expect(events.filter((e) => e.kind === 'dead-letter-failed')).toHaveLength(2);
    expect(delays).toEqual([1000, 2000]);
  });
});
