import type { ReceivedMessage } from '@humangov/sdk';
import { expect } from 'vitest';
import { createCollector } from '../collect.js';
import { type ConformanceCase, needs } from './case.js';
import { countById, hasAll, idOf, ids, missing, testMessage } from './context.js';

/** Per key, the order in which each sequence number was first seen (a redelivery may repeat, not reorder). */
function firstSeen(messages: readonly ReceivedMessage[], key: string): number[] {
  const seen = new Set<string>();
  const order: number[] = [];
  for (const message of messages) {
    if (message.key !== key || seen.has(idOf(message))) continue;
    seen.add(idOf(message));
    order.push(Number(idOf(message).split('-').at(-1)));
  }
  return order;
}

/** Redelivery after a first failed delivery (`fail`), then ack; acking again and a late nack change nothing. */
async function redeliveryCase(
  { setup, waitMs }: Parameters<ConformanceCase['run']>[0],
  fail: (message: ReceivedMessage) => Promise<void>,
): Promise<void> {
  const { transport, channel } = await setup();
  let failed = false;
  const collector = await createCollector(
    transport,
    { group: `${channel}.redelivery`, channels: [channel] },
    {
      async onMessage(message) {
        if (idOf(message) === 'fails-once' && !failed) {
          failed = true;
          return fail(message);
        }
        await message.ack();
        await message.ack();
        await message.nack();
      },
    },
  );
  await transport.publish(testMessage(channel, 'fails-once', { key: 'k' }));
  const twice = (ms: readonly ReceivedMessage[]) => ms.filter((m) => idOf(m) === 'fails-once').length >= 2;
  await collector.waitFor(twice, { timeoutMs: waitMs });
  // A message published after the ack arrives after any redelivery the ack failed to stop would have.
  await transport.publish(testMessage(channel, 'after', { key: 'k' }));
  const got = await collector.waitFor(hasAll(['after']), { timeoutMs: waitMs });
  const attempts = got.filter((m) => idOf(m) === 'fails-once');
  expect(attempts.length, 'deliveries of the failed message').toBe(2);
  expect(attempts[1]!.deliveryAttempt).toBeGreaterThanOrEqual(attempts[0]!.deliveryAttempt);
  expect([...attempts[1]!.body]).toEqual([...attempts[0]!.body]);
}

export const groupCases: readonly ConformanceCase[] = [
  {
    title: 'ordering per key: 5 keys x 200 messages arrive in publish order per key',
    skip: needs('ordering'),
    async run({ setup, waitMs }) {
      const { transport, channel } = await setup();
      const collector = await createCollector(transport, {
        group: `${channel}.ordering`,
        channels: [channel],
        concurrency: 4,
      });
      const keys = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];
      await Promise.all(
        keys.map(async (key) => {
          for (const id of ids(key, 200)) await transport.publish(testMessage(channel, id, { key }));
        }),
      );
      const expected = keys.flatMap((key) => ids(key, 200));
      await collector.waitFor(hasAll(expected), { timeoutMs: waitMs });
      const inOrder = Array.from({ length: 200 }, (_, i) => i);
      for (const key of keys) expect(firstSeen(collector.messages, key), `order of key ${key}`).toEqual(inOrder);
    },
  },
  {
    title: 'consumer group: two members share the messages, each once while both live',
    skip: needs('consumerGroups'),
    async run({ setup, open, waitMs }) {
      const { transport, channel } = await setup();
      const spec = { group: `${channel}.shared`, channels: [channel], concurrency: 4 };
      const a = await createCollector(transport, spec);
      const b = await createCollector(await open(), spec);
      // Until both members got something the group may still be forming; publish rounds until it has formed.
      const warmup: string[] = [];
      for (let round = 0; a.messages.length === 0 || b.messages.length === 0; round++) {
        if (round === 50)
          throw new Error(`the group never shared: a got ${a.messages.length}, b got ${b.messages.length}`);
        for (const id of ids(`warmup${round}`, 8)) {
          warmup.push(id);
          await transport.publish(testMessage(channel, id, { key: id }));
        }
        await a.waitFor(() => hasAll(warmup)([...a.messages, ...b.messages]), { timeoutMs: waitMs });
      }
      const [fromA, fromB] = [a.messages.length, b.messages.length];
      const expected = ids('shared', 200);
      for (const id of expected) await transport.publish(testMessage(channel, id, { key: id }));
      await a.waitFor(() => hasAll(expected)([...a.messages, ...b.messages]), { timeoutMs: waitMs });
      const [gotA, gotB] = [a.messages.slice(fromA), b.messages.slice(fromB)];
      expect(gotA.length, 'member a got none').toBeGreaterThan(0);
      expect(gotB.length, 'member b got none').toBeGreaterThan(0);
      const twice = [...countById([...gotA, ...gotB])].filter(([, n]) => n > 1).map(([id]) => id);
      expect(twice, 'delivered more than once').toEqual([]);
    },
  },
  {
    title: 'every group gets every message (two groups)',
    skip: needs('consumerGroups'),
    async run({ setup, open, waitMs }) {
      const { transport, channel } = await setup();
      const one = await createCollector(transport, { group: `${channel}.one`, channels: [channel] });
      const two = await createCollector(await open(), { group: `${channel}.two`, channels: [channel] });
      const expected = ids('every', 100);
      for (const id of expected) await transport.publish(testMessage(channel, id, { key: `key-${id.length % 7}` }));
      for (const collector of [one, two]) {
        const got = await collector.waitFor(hasAll(expected), { timeoutMs: waitMs });
        expect(missing(expected, got)).toEqual([]);
        expect(got.length, 'deliveries (no duplicates)').toBe(expected.length);
      }
    },
  },
  {
    title: 'redelivery after nack: the message comes back, and ack stops it',
    skip: needs('redelivery'),
    run: (context) => redeliveryCase(context, (message) => message.nack()),
  },
  {
    title: 'redelivery after the handler rejects: the message comes back, and ack stops it',
    skip: needs('redelivery'),
    run: (context) =>
      redeliveryCase(context, async () => {
        throw new Error('handler failed (expected by the conformance suite)');
      }),
  },
  {
    title: 'no loss across a consumer restart: what was not acked reaches the next subscriber of the group',
    skip: needs('persistence'),
    async run({ setup, open, waitMs }) {
      const { transport, channel } = await setup();
      const spec = { group: `${channel}.restart`, channels: [channel], concurrency: 4 };
      const acked = new Set<string>();
      const held = new Set<string>();
      const first = await createCollector(transport, spec, {
        onMessage: (message) => {
          if (acked.size >= 50) return void held.add(idOf(message)); // left un-acked on purpose
          acked.add(idOf(message));
          return message.ack();
        },
      });
      const expected = ids('restart', 100);
      for (const id of expected) await transport.publish(testMessage(channel, id, { key: id }));
      await first.waitFor(() => acked.size >= 50 && held.size > 0, { timeoutMs: waitMs });
      await first.close();
      const inFlightAtClose = [...held].filter((id) => !acked.has(id)).length;
      const second = await createCollector(await open(), spec);
      const rest = expected.filter((id) => !acked.has(id));
      const got = await second.waitFor(hasAll(rest), { timeoutMs: waitMs });
      expect(missing(rest, got), 'lost across the restart').toEqual([]);
      const again = got.filter((m) => acked.has(idOf(m))).length;
      expect(again, 'acked messages delivered again').toBeLessThanOrEqual(inFlightAtClose);
    },
  },
];
