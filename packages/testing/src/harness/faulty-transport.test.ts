import { createFakeClock } from '@humangov/resilience';
import {
  createMemoryBroker,
  createMemoryTransport,
  isProvisioner,
  type ReceivedMessage,
  type Transport,
} from '@humangov/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createCollector } from '../collect.js';
import { idOf, testMessage } from '../conformance/context.js';
import { delay } from '../wait.js';
import type { FaultRule } from './fault-rules.js';
import { createFaultyTransport, type FaultyTransportOptions } from './faulty-transport.js';

const open: Transport[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

/** A faulty transport over a one-partition memory broker, so the order of the log is the order of delivery. */
function setup(rules: readonly FaultRule[], options: Omit<FaultyTransportOptions, 'rules'> = {}) {
  const broker = createMemoryBroker({ partitions: 1 });
  const faulty = createFaultyTransport(createMemoryTransport({ broker }), { rules, ...options });
  const plain = createMemoryTransport({ broker }); // reads what the broker really stored
  open.push(faulty, plain);
  return { faulty, plain };
}

const ch = 'faults.test';
const attemptsOf = (messages: readonly ReceivedMessage[], id: string) =>
  messages.filter((m) => idOf(m) === id).map((m) => m.deliveryAttempt);

describe('createFaultyTransport', () => {
  it('without rules it passes everything through and keeps the optional abilities of the transport', async () => {
    const { faulty } = setup([]);
    expect(faulty.name).toBe('faulty(memory)');
    expect(isProvisioner(faulty)).toBe(true);
    const collector = await createCollector(faulty, { group: 'g', channels: [ch] });
    await faulty.publish(testMessage(ch, 'm1', { key: 'k' }));
    const [got] = await collector.waitFor(1);
    expect(idOf(got!)).toBe('m1');
    expect(got!.deliveryAttempt).toBe(1);
    expect(faulty.faults.stats).toMatchObject({ publishes: 1, deliveries: 1 });
    expect(Object.values(faulty.faults.stats.injected).every((n) => n === 0)).toBe(true);
  });

  it('fail: publish rejects with a retryable PublishError and nothing is stored', async () => {
    const { faulty, plain } = setup([{ fault: 'fail', nth: 1 }]);
    const error = await faulty.publish(testMessage(ch, 'refused')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'HUMANGOV_PUBLISH_FAILED', retryable: true });
    expect(String(error)).toMatch(/injected fault "fail": the broker refused the message; nothing was stored/);
    await faulty.publish(testMessage(ch, 'accepted'));
    const reader = await createCollector(plain, { group: 'reader', channels: [ch] });
    await reader.waitFor(1);
    await delay(20);
    expect(reader.messages.map(idOf)).toEqual(['accepted']);
    expect(faulty.faults.stats.injected.fail).toBe(1);
  });

  it('lose-confirm: the message is stored but publish rejects, so a retry stores it twice', async () => {
    const { faulty, plain } = setup([{ fault: 'lose-confirm', times: 1 }]);
    const message = testMessage(ch, 'twice');
    await expect(faulty.publish(message)).rejects.toMatchObject({ code: 'HUMANGOV_PUBLISH_FAILED', retryable: true });
    await faulty.publish(message); // what a caller that retries does
    const reader = await createCollector(plain, { group: 'reader', channels: [ch] });
    await reader.waitFor(2);
    expect(reader.messages.map(idOf)).toEqual(['twice', 'twice']);
    expect(faulty.faults.stats.injected['lose-confirm']).toBe(1);
  });

  it('reorder: a held message is stored after the next message of another key; per-key order is kept', async () => {
    const { faulty, plain } = setup([{ fault: 'reorder', match: (m) => m.attributes.id?.startsWith('a1') === true }]);
    await faulty.publish(testMessage(ch, 'a1', { key: 'a' })); // resolves: accepted, but held back
    await faulty.publish(testMessage(ch, 'b1', { key: 'b' })); // overtakes a1
    await faulty.publish(testMessage(ch, 'a1.2', { key: 'a' })); // held too...
    await faulty.publish(testMessage(ch, 'a2', { key: 'a' })); // ...but a2 has its key: a1.2 goes first
    const reader = await createCollector(plain, { group: 'reader', channels: [ch] });
    await reader.waitFor(4);
    expect(reader.messages.map(idOf)).toEqual(['b1', 'a1', 'a1.2', 'a2']);
    expect(faulty.faults.stats.injected.reorder).toBe(2);
  });

  it('reorder: with no later message, the held one is stored after delayMs on the clock', async () => {
    const clock = createFakeClock();
    const { faulty, plain } = setup([{ fault: 'reorder', delayMs: 500 }], { clock });
    const reader = await createCollector(plain, { group: 'reader', channels: [ch] });
    await faulty.publish(testMessage(ch, 'late'));
    await clock.advance(499);
    await delay(10);
    expect(reader.messages).toHaveLength(0);
    await clock.advance(1);
    await reader.waitFor(1);
    expect(reader.messages.map(idOf)).toEqual(['late']);
  });

  it('drop: the first delivery never reaches the handler; the broker delivers it again', async () => {
    const { faulty } = setup([{ fault: 'drop', nth: 2 }]);
    const collector = await createCollector(faulty, { group: 'g', channels: [ch] });
    for (const id of ['m1', 'm2', 'm3']) await faulty.publish(testMessage(ch, id, { key: 'k' }));
    await collector.waitFor(3);
    expect(collector.messages.map((m) => [idOf(m), m.deliveryAttempt])).toEqual([
      ['m1', 1],
      ['m2', 2],
      ['m3', 1],
    ]);
    expect(faulty.faults.stats.injected.drop).toBe(1);
    expect(faulty.faults.log).toEqual([
      expect.objectContaining({ fault: 'drop', id: 'm2', group: 'g', channel: ch, key: 'k' }),
    ]);
  });

  it('duplicate: the handler acks, the ack is lost, and the message comes again (once)', async () => {
    const { faulty } = setup([{ fault: 'duplicate', match: 'gov.humangov.conformance.Tested' }]);
    const collector = await createCollector(faulty, { group: 'g', channels: [ch] });
    for (const id of ['m1', 'm2']) await faulty.publish(testMessage(ch, id));
    await collector.waitFor(4);
    await delay(20);
    expect(attemptsOf(collector.messages, 'm1')).toEqual([1, 2]);
    expect(attemptsOf(collector.messages, 'm2')).toEqual([1, 2]);
    expect(faulty.faults.stats.injected.duplicate).toBe(2);
    expect(faulty.faults.stats.deliveries).toBe(2); // redeliveries are not considered again
  });

  it('delay: the handler gets the message delayMs later on the injected clock', async () => {
    const clock = createFakeClock();
    const { faulty } = setup([{ fault: 'delay', delayMs: 250 }], { clock });
    const collector = await createCollector(faulty, { group: 'g', channels: [ch] });
    await faulty.publish(testMessage(ch, 'slow'));
    await delay(20);
    await clock.advance(249);
    expect(collector.messages).toHaveLength(0);
    await clock.advance(1);
    await collector.waitFor(1);
    expect(collector.messages[0]!.deliveryAttempt).toBe(1);
    expect(faulty.faults.stats.injected.delay).toBe(1);
  });

  it('closing a subscription cancels its delays: the message goes to the next member of the group', async () => {
    const clock = createFakeClock();
    const { faulty } = setup([{ fault: 'delay', delayMs: 60_000 }], { clock });
    const first = await createCollector(faulty, { group: 'g', channels: [ch] });
    await faulty.publish(testMessage(ch, 'handed-over'));
    await delay(20);
    await first.close(); // does not wait out the fake minute
    const second = await createCollector(faulty, { group: 'g', channels: [ch] });
    await second.waitFor(1);
    expect(first.messages).toHaveLength(0);
    expect(idOf(second.messages[0]!)).toBe('handed-over');
  });

  it('heal() stops injecting and releases held messages', async () => {
    const { faulty, plain } = setup([{ fault: 'reorder' }, { fault: 'drop' }], { clock: createFakeClock() });
    await faulty.publish(testMessage(ch, 'held'));
    await faulty.faults.heal();
    await faulty.publish(testMessage(ch, 'healthy'));
    const reader = await createCollector(plain, { group: 'reader', channels: [ch] });
    await reader.waitFor(2);
    expect(reader.messages.map(idOf)).toEqual(['held', 'healthy']);
    expect(faulty.faults.stats.injected.reorder).toBe(1);
  });

  it('a seeded run is reproducible: same seed, same faults; another seed, other faults', async () => {
    const rules: FaultRule[] = [
      { fault: 'fail', probability: 0.2 },
      { fault: 'drop', probability: 0.3 },
      { fault: 'duplicate', probability: 0.3 },
    ];
    const run = async (seed: number) => {
      const { faulty } = setup(rules, { seed });
      const collector = await createCollector(faulty, { group: 'g', channels: [ch] });
      const ids = Array.from({ length: 30 }, (_, i) => `m${i}`);
      for (const id of ids) {
        // A publisher that retries until the broker takes it.
        while (
          !(await faulty.publish(testMessage(ch, id)).then(
            () => true,
            () => false,
          ))
        );
      }
      await collector.waitFor((ms) => ids.every((id) => ms.some((m) => idOf(m) === id)));
      await delay(20);
      return { log: [...faulty.faults.log], stats: faulty.faults.stats, seen: collector.messages.map(idOf) };
    };
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    expect(b.log).toEqual(a.log);
    expect(b.seen).toEqual(a.seen);
    expect(c.log).not.toEqual(a.log);
    const { injected, publishes } = a.stats;
    expect(injected.fail + injected.drop + injected.duplicate).toBeGreaterThan(0);
    expect(publishes).toBe(30 + injected.fail); // each refused publish was retried once more
    expect(a.seen).toHaveLength(30 + injected.duplicate); // drops come back; duplicates come twice
  });

  it('after close() publish and subscribe reject with HUMANGOV_TRANSPORT_CLOSED; close() is idempotent', async () => {
    const { faulty } = setup([{ fault: 'fail' }]);
    await faulty.close();
    await faulty.close();
    await expect(faulty.publish(testMessage(ch, 'late'))).rejects.toMatchObject({ code: 'HUMANGOV_TRANSPORT_CLOSED' });
    await expect(faulty.subscribe({ group: 'g', channels: [ch] }, async () => {})).rejects.toMatchObject({
      code: 'HUMANGOV_TRANSPORT_CLOSED',
    });
    expect(faulty.faults.stats.publishes).toBe(0);
  });

  it('a bad seed is a TypeError', () => {
    expect(() => createFaultyTransport(createMemoryTransport(), { seed: 0.5 })).toThrow(/seed must be an integer/);
  });
});
