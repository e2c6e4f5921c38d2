/**
 * Hostile messages written RAW to a HumanGov channel's topic (plain kafkajs) or exchange (plain amqplib), bypassing
 * the SDK: each one lands in the router's dead-letter channel with its reason and original bytes, none reaches a
 * handler, nothing is polluted, and the valid event published after them is handled.
 */
import { type CloudEvent, catalog, type EventMap } from '@humangov/events';
import type { ConsumeMessage } from 'amqplib';
import type { IHeaders } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { createPublisher, createRouter, DEAD_LETTER_HEADERS, type Router } from '../src/index.js';
import { ATTRIBUTE_PREFIX } from '../src/rabbitmq.js';
import { type BrokerKit, kafkaKit, rabbitKit } from './brokers.js';
import { type Hostile, hostile } from './hostile-messages.js';
import { rawKafka } from './kafka-broker.js';
import { connectRaw } from './rabbitmq-broker.js';

const CHANNEL = catalog['citizen.registered'].versions[2].channel;
const registered = catalog['citizen.registered'].versions[2].examples[0]!;
/** A dead letter as read raw from the broker. */
interface Letter {
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

const open: Array<{ close(): Promise<void> } | BrokerKit> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await ('cleanup' in o ? o.cleanup() : o.close()).catch(() => {});
}, 30_000);

/** Starts a router on CHANNEL that records what its handler sees. */
async function startRouter(kit: BrokerKit, group: string) {
  const handled: CloudEvent[] = [];
  const router: Router<EventMap> = createRouter({ transport: kit.transport, group, shutdownOnSignals: false });
  open.push(router);
  router.handle('citizen.registered', (event) => void handled.push(event));
  await router.start();
  return handled;
}

async function publishValidAndCheck(kit: BrokerKit, cases: Hostile[], letters: Letter[], handled: CloudEvent[]) {
  const publisher = createPublisher({ transport: kit.transport, source: '/humangov/hostile-test' });
  open.push(publisher);
  const good = await publisher.publish('citizen.registered', registered);
  const deadline = Date.now() + 30_000;
  while (letters.length < cases.length || handled.length < 1) {
    if (Date.now() > deadline) {
      throw new Error(`timed out: ${letters.length}/${cases.length} dead letters, ${handled.length}/1 handled`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 300)); // nothing more arrives
  expect(handled.map((e) => e.id)).toEqual([good.id]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
  expect(letters.map((l) => l.headers[DEAD_LETTER_HEADERS.reason])).toEqual(cases.map((c) => c.reason));
  for (const [i, letter] of letters.entries()) {
    // Buffer.equals: a deep equal over 2 Mi elements takes seconds.
    expect(letter.body.equals(cases[i]!.body), cases[i]!.label).toBe(true);
    expect(letter.headers[DEAD_LETTER_HEADERS.channel], cases[i]!.label).toBe(CHANNEL);
    expect(letter.headers[DEAD_LETTER_HEADERS.error]?.length, cases[i]!.label).toBeGreaterThan(0);
  }
}

describe('hostile input on kafka', () => {
  it('dead-letters every hostile record with its reason and bytes; the valid event after them is handled', async () => {
    // 4 MiB: the router's dead-letter copy of the 2 MiB record must go through (the broker allows 4 MiB).
    const kit = await kafkaKit(CHANNEL, { maxMessageBytes: 4 << 20 }, 1);
    open.push(kit);
    const group = kit.group('hostile');
    // The router creates its dead-letter topic when it starts; dead letters keep the original key, so the hostile
    // records (one key) stay in order there.
    const handled = await startRouter(kit, group);
    const kafka = rawKafka();
    const letters: Letter[] = [];
    const reader = kafka.consumer({ groupId: `${group}.reader`, maxWaitTimeInMs: 100 });
    open.push({ close: () => reader.disconnect() });
    await reader.connect();
    await reader.subscribe({ topics: [`${group}.dead-letter`], fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        letters.push({ headers: strings(message.headers), body: message.value ?? Buffer.alloc(0) });
      },
    });

    const cases = hostile();
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({
        topic: kit.topic,
        messages: cases.map((c) => ({
          key: 'hostile',
          value: c.body,
          headers: c.attributes
            ? {
                ...Object.fromEntries(Object.entries(c.attributes).map(([k, v]) => [`ce_${k}`, v])),
                'content-type': 'application/json',
              }
            : {},
        })),
      });
    } finally {
      await producer.disconnect();
    }
    await publishValidAndCheck(kit, cases, letters, handled);
  }, 60_000);
});

describe('hostile input on rabbitmq', () => {
  it('dead-letters every hostile message with its reason and bytes; the valid event after them is handled', async () => {
    const kit = await rabbitKit(CHANNEL);
    open.push(kit);
    const group = kit.group('hostile');
    const handled = await startRouter(kit, group);
    const model = await connectRaw();
    open.push({ close: () => model.close() });
    // AMQP drops a message no queue is bound for: the router declares a durable dead-letter queue named after the
    // channel when it starts, before it consumes anything. Read it raw.
    const ch = await model.createConfirmChannel();
    const letters: Letter[] = [];
    await ch.consume(`${group}.dead-letter`, (m: ConsumeMessage | null) => m && letters.push(amqpLetter(m)), {
      noAck: true,
    });

    const cases = hostile();
    for (const c of cases) {
      ch.publish(kit.exchange, CHANNEL, c.body, {
        persistent: true,
        ...(c.attributes && {
          contentType: 'application/json',
          headers: Object.fromEntries(Object.entries(c.attributes).map(([k, v]) => [ATTRIBUTE_PREFIX + k, v])),
        }),
      });
    }
    await ch.waitForConfirms();
    await publishValidAndCheck(kit, cases, letters, handled);
  }, 60_000);
});

function strings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) out[k] = String(v);
  return out;
}

function amqpLetter(m: ConsumeMessage): Letter {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.properties.headers ?? {})) headers[k] = String(v);
  return { headers, body: m.content };
}
