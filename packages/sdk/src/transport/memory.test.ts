import { describe, expect, it, vi } from 'vitest';
import { createMemoryBroker, createMemoryTransport } from './memory.js';
import type { ReceivedMessage, SubscriptionSpec, Transport, TransportMessage } from './port.js';

const encoder = new TextEncoder();
const message = (channel: string, id: string, key?: string, body = encoder.encode(id)): TransportMessage => ({
  channel,
  ...(key === undefined ? {} : { key }),
  attributes: { id },
  headers: {},
  body,
});
const idOf = (m: ReceivedMessage) => m.attributes.id;

/** Records deliveries; acks them when `autoAck`, else leaves settling to the test. */
async function record(transport: Transport, spec: SubscriptionSpec, autoAck = true) {
  const got: ReceivedMessage[] = [];
  const subscription = await transport.subscribe(spec, async (m) => {
    got.push(m);
    if (autoAck) await m.ack();
  });
  return { got, close: () => subscription.close() };
}

/** A fake clock for nack delays: timers run only when the test advances it. */
function fakeTimers() {
  let now = 0;
  let seq = 0;
  const pending = new Map<number, { readonly at: number; readonly run: () => void }>();
  return {
    pending,
    setTimeout: (run: () => void, ms: number) => {
      pending.set(++seq, { at: now + ms, run });
      return seq;
    },
    clearTimeout: (handle: unknown) => void pending.delete(handle as number),
    advance(ms: number) {
      now += ms;
      for (const [id, timer] of [...pending]) if (timer.at <= now && pending.delete(id)) timer.run();
    },
  };
}

/** vi.waitFor, polling every millisecond: deliveries take a turn of the event loop, not 50 ms. */
const until = (check: () => void) => vi.waitFor(check, { interval: 1 });
// Bound at load, like the transport's, so it still turns the event loop under fake timers.
const realSetImmediate = globalThis.setImmediate;
const tick = () => new Promise((resolve) => realSetImmediate(resolve));

describe('memory transport: partitions', () => {
  it('puts a key on partition murmur2(key) % N with growing offsets, and key-less messages round robin', async () => {
    const transport = createMemoryTransport();
    const { got } = await record(transport, { group: 'g', channels: ['c'] });
    for (let i = 0; i < 3; i++) await transport.publish(message('c', `k${i}`, 'citizen-42'));
    for (let i = 0; i < 4; i++) await transport.publish(message('c', `n${i}`));
    await until(() => expect(got).toHaveLength(7));
    const keyed = got.filter((m) => m.key === 'citizen-42');
    expect(keyed.map((m) => [m.partition, m.offset])).toEqual([
      [0, '0'],
      [0, '1'],
      [0, '2'],
    ]);
    expect(
      got
        .filter((m) => m.key === undefined)
        .map((m) => m.partition)
        .sort(),
    ).toEqual([0, 1, 2, 3]);
    await transport.close();
  });

  it('takes the partition count from options, or from a provisioned binding per channel', async () => {
    const transport = createMemoryTransport({ partitions: 1 });
    await transport.provision(new Map([['two', { kafka: { topic: 'two', partitions: 2 } }]]));
    const { got } = await record(transport, { group: 'g', channels: ['one', 'two'] });
    for (let i = 0; i < 6; i++) await transport.publish(message(i < 3 ? 'one' : 'two', `m${i}`));
    await until(() => expect(got).toHaveLength(6));
    expect(new Set(got.filter((m) => m.channel === 'one').map((m) => m.partition))).toEqual(new Set([0]));
    expect(new Set(got.filter((m) => m.channel === 'two').map((m) => m.partition))).toEqual(new Set([0, 1]));
    await transport.close();
  });

  it('keeps `retention` messages per partition; a new group starts at the oldest kept one', async () => {
    const transport = createMemoryTransport({ partitions: 1, retention: 3 });
    for (let i = 0; i < 5; i++) await transport.publish(message('c', `m${i}`));
    const { got } = await record(transport, { group: 'late', channels: ['c'] });
    await until(() => expect(got.map(idOf)).toEqual(['m2', 'm3', 'm4']));
    await transport.close();
  });
});

describe('memory transport: consumer groups', () => {
  it('assigns partition p to member p mod n; when a member leaves, rebalances and redelivers its held', async () => {
    const broker = createMemoryBroker({ partitions: 4 });
    const [t1, t2] = [createMemoryTransport({ broker }), createMemoryTransport({ broker })];
    const spec = { group: 'g', channels: ['c'], concurrency: 4 };
    const a = await record(t1, spec);
    const b = await record(t2, spec, false); // holds everything un-acked
    for (let i = 0; i < 8; i++) await t1.publish(message('c', `m${i}`)); // round robin: 2 per partition
    await until(() => expect(a.got).toHaveLength(4));
    await until(() => expect(b.got).toHaveLength(2)); // one at a time per partition: the first of 1 and 3
    expect(new Set(a.got.map((m) => m.partition))).toEqual(new Set([0, 2]));
    expect(new Set(b.got.map((m) => m.partition))).toEqual(new Set([1, 3]));
    await b.close();
    await until(() => expect(a.got).toHaveLength(8));
    const redelivered = a.got.filter((m) => b.got.some((held) => idOf(held) === idOf(m)));
    expect(redelivered.map((m) => m.deliveryAttempt)).toEqual([2, 2]);
    await b.got[0]!.ack(); // too late: released when b left
    await Promise.all([t1.close(), t2.close()]);
  });

  it('gives every group every message; a group with fromBeginning: false starts at the end', async () => {
    const transport = createMemoryTransport();
    await transport.publish(message('c', 'old'));
    const all = await record(transport, { group: 'all', channels: ['c'] });
    const fresh = await record(transport, { group: 'fresh', channels: ['c'], fromBeginning: false });
    await transport.publish(message('c', 'new'));
    await until(() => expect(all.got.map(idOf).sort()).toEqual(['new', 'old']));
    await until(() => expect(fresh.got.map(idOf)).toEqual(['new']));
    await transport.close();
  });

  it('delivers one at a time per partition, up to `concurrency` across partitions', async () => {
    const transport = createMemoryTransport({ partitions: 4 });
    const { got } = await record(transport, { group: 'g', channels: ['c'], concurrency: 2 }, false);
    for (let i = 0; i < 8; i++) await transport.publish(message('c', `m${i}`));
    await until(() => expect(got).toHaveLength(2));
    await tick();
    expect(got).toHaveLength(2);
    await got[0]!.ack();
    await until(() => expect(got).toHaveLength(3));
    expect(got[2]!.partition).not.toBe(got[1]!.partition);
    await transport.close();
  });
});

describe('memory transport: ack and nack', () => {
  it('redelivers a nacked message after the delay, blocking its partition meanwhile', async () => {
    const timers = fakeTimers();
    const transport = createMemoryTransport({ partitions: 1, timers });
    const { got } = await record(transport, { group: 'g', channels: ['c'] }, false);
    await transport.publish(message('c', 'first'));
    await transport.publish(message('c', 'second'));
    await until(() => expect(got).toHaveLength(1));
    await got[0]!.nack({ delayMs: 1_000 });
    await got[0]!.nack({ delayMs: 1_000 }); // idempotent: one timer, one redelivery
    expect(timers.pending.size).toBe(1);
    timers.advance(999);
    await tick();
    expect(got).toHaveLength(1);
    timers.advance(1);
    await until(() => expect(got).toHaveLength(2));
    expect([idOf(got[1]!), got[1]!.deliveryAttempt]).toEqual(['first', 2]);
    await got[1]!.ack();
    await until(() => expect(got.map(idOf)).toEqual(['first', 'first', 'second']));
    expect(got[2]!.deliveryAttempt).toBe(1);
    await got[2]!.nack({ delayMs: 5_000 });
    await transport.close();
    expect(timers.pending.size, 'a closed subscription leaves no timer').toBe(0);
  });

  it('treats a rejecting handler as nack, and gives each delivery its own copy of the body', async () => {
    const transport = createMemoryTransport();
    const attempts: [number, number][] = [];
    await transport.subscribe({ group: 'g', channels: ['c'] }, async (m) => {
      attempts.push([m.deliveryAttempt, m.body[0]!]);
      m.body[0] = 99;
      if (m.deliveryAttempt === 1) throw new Error('boom');
      await m.ack();
    });
    const body = Uint8Array.of(1);
    await transport.publish(message('c', 'x', 'k', body));
    body[0] = 2;
    await until(() =>
      expect(attempts).toEqual([
        [1, 1],
        [2, 1],
      ]),
    );
    await transport.close();
  });

  it('waits for running handlers on close; their acks still count', async () => {
    const broker = createMemoryBroker();
    const first = createMemoryTransport({ broker });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen: string[] = [];
    await first.subscribe({ group: 'g', channels: ['c'] }, async (m) => {
      seen.push(idOf(m)!);
      await gate;
      await m.ack();
    });
    await first.publish(message('c', 'slow'));
    await until(() => expect(seen).toEqual(['slow']));
    let closed = false;
    const closing = first.close().then(() => {
      closed = true;
    });
    await tick();
    expect(closed).toBe(false);
    release();
    await closing;
    const second = createMemoryTransport({ broker });
    const next = await record(second, { group: 'g', channels: ['c'] });
    await second.publish(message('c', 'after'));
    await until(() => expect(next.got.map(idOf)).toEqual(['after']));
    await second.close();
  });
});

describe('memory transport: limits and lifecycle', () => {
  it('rejects a body over maxMessageBytes with HUMANGOV_MESSAGE_TOO_LARGE (default 1 MiB + 64 KiB)', async () => {
    const small = createMemoryTransport({ maxMessageBytes: 4 });
    await expect(small.publish(message('c', 'ok', undefined, new Uint8Array(4)))).resolves.toBeUndefined();
    await expect(small.publish(message('c', 'big', undefined, new Uint8Array(5)))).rejects.toMatchObject({
      code: 'HUMANGOV_MESSAGE_TOO_LARGE',
      retryable: false,
    });
    const standard = createMemoryTransport();
    await expect(standard.publish(message('c', 'ok', undefined, new Uint8Array(1_114_112)))).resolves.toBeUndefined();
    await expect(standard.publish(message('c', 'big', undefined, new Uint8Array(1_114_113)))).rejects.toMatchObject({
      code: 'HUMANGOV_MESSAGE_TOO_LARGE',
    });
  });

  it('rejects publish, subscribe and provision after close with a ClosedError', async () => {
    const transport = createMemoryTransport();
    await transport.close();
    const closed = { name: 'ClosedError', code: 'HUMANGOV_TRANSPORT_CLOSED' };
    await expect(transport.publish(message('c', 'x'))).rejects.toMatchObject(closed);
    await expect(transport.subscribe({ group: 'g', channels: ['c'] }, async () => {})).rejects.toMatchObject(closed);
    await expect(transport.provision(new Map())).rejects.toMatchObject(closed);
  });

  it('keeps delivering under fake timers; an aborted signal stores nothing', async () => {
    vi.useFakeTimers();
    try {
      const transport = createMemoryTransport();
      const { got } = await record(transport, { group: 'g', channels: ['c'] });
      const aborted = AbortSignal.abort(new Error('gave up'));
      await expect(transport.publish(message('c', 'aborted'), { signal: aborted })).rejects.toThrow('gave up');
      await transport.publish(message('c', 'x'));
      await tick();
      await transport.close();
      expect(got.map(idOf)).toEqual(['x']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects programmer errors with a TypeError', async () => {
    expect(() => createMemoryTransport({ broker: createMemoryBroker(), partitions: 2 })).toThrow(TypeError);
    expect(() => createMemoryBroker({ partitions: 0 })).toThrow(TypeError);
    const transport = createMemoryTransport();
    await expect(transport.subscribe({ group: 'g', channels: [], concurrency: 1 }, async () => {})).rejects.toThrow(
      TypeError,
    );
    await expect(transport.subscribe({ group: 'g', channels: ['c'], concurrency: 0 }, async () => {})).rejects.toThrow(
      TypeError,
    );
  });
});
