/**
 * The RabbitMQ transport against a real broker (AMQP_URL, default amqp://guest:guest@127.0.0.1:5672): wire format,
 * queues, confirms, nack, prefetch, reconnection after a server-side close. Broker faults (kill -9, freeze) are in
 * rabbitmq.fault.test.ts.
 */
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSdkError } from '../src/errors.js';
import type { RabbitMqEvent } from '../src/rabbitmq.js';
import type { ReceivedMessage } from '../src/transport/port.js';
import { connectRaw, rabbitFixture, rabbitmqctl, waitFor } from './rabbitmq-broker.js';

const { id, exchange, exchanges, createTransport, subscribe, message, cleanup } = rabbitFixture('int');
let admin: ChannelModel;
let adminCh: Channel;

beforeAll(async () => {
  admin = await connectRaw();
  adminCh = await admin.createChannel();
  await createTransport().provision(new Map([['any', {}]]));
});

afterAll(async () => {
  if (admin) await Promise.race([admin.close().catch(() => {}), new Promise((r) => setTimeout(r, 1_000))]);
  await cleanup();
}, 60_000);

describe('rabbitmq transport (real broker)', () => {
  it('round-trips a message as CloudEvents binary mode, persistent, with the key and headers', async () => {
    const t = createTransport();
    const channel = `rt.${id}`;
    const raw = await adminCh.assertQueue('', { exclusive: true });
    await adminCh.bindQueue(raw.queue, exchange, channel);
    const rawMessage = new Promise<ConsumeMessage>((resolve) => {
      void adminCh.consume(raw.queue, (m) => m && resolve(m), { noAck: true });
    });
    const received: ReceivedMessage[] = [];
    await subscribe(t, `g-rt-${id}`, channel, async (m) => {
      received.push(m);
      await m.ack();
      await m.ack(); // idempotent
    });
    const time = '2026-03-01T10:20:30.456Z';
    const sent = message(channel, 1, {
      key: 'citizen-42',
      contentType: 'application/json',
      attributes: {
        id: 'evt-1',
        type: 'benefits.application.submitted',
        source: '/benefits',
        specversion: '1.0',
        time,
      },
      headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    await t.publish(sent);

    const m = await rawMessage;
    expect(m.properties.headers).toMatchObject({
      'cloudEvents:id': 'evt-1',
      'cloudEvents:type': 'benefits.application.submitted',
      'cloudEvents:specversion': '1.0',
      'cloudEvents:time': time,
      'x-humangov-key': 'citizen-42',
      traceparent: sent.headers.traceparent,
    });
    expect(m.properties).toMatchObject({
      deliveryMode: 2,
      contentType: 'application/json',
      messageId: 'evt-1',
      timestamp: Math.floor(Date.parse(time) / 1000),
    });

    await waitFor(() => received.length === 1, 5_000, 'the delivery');
    const got = received[0]!;
    expect(got).toMatchObject({
      channel,
      key: 'citizen-42',
      contentType: 'application/json',
      attributes: sent.attributes,
      headers: sent.headers,
      deliveryAttempt: 1,
    });
    expect(Buffer.from(got.body).toString()).toBe('{"n":1}');
  });

  it('declares a durable quorum queue per group and channel, with single active consumer', async () => {
    const t = createTransport();
    const group = `g-q-${id}`;
    const channel = `q.${id}`;
    await subscribe(t, group, channel, (m) => m.ack());
    const out = await rabbitmqctl('list_queues', 'name', 'type', 'durable', 'arguments', '--formatter', 'json');
    const q = (JSON.parse(out) as { name: string; type: string; durable: boolean; arguments: unknown }[]).find(
      (x) => x.name === `${group}.${channel}`,
    );
    expect(q).toMatchObject({ type: 'quorum', durable: true });
    expect(JSON.stringify(q?.arguments)).toContain('x-single-active-consumer');
    // A second declaration with other arguments is refused with a typed error, not a dead channel.
    const classic = createTransport({ queueType: 'classic' });
    await expect(subscribe(classic, group, channel, (m) => m.ack())).rejects.toMatchObject({
      code: 'HUMANGOV_TOPOLOGY_FAILED',
      retryable: false,
    });
  });

  it('resolves many concurrent publishes, each on its own confirm, and delivers all of them', async () => {
    const t = createTransport();
    const channel = `many.${id}`;
    const seen = new Set<string>();
    await subscribe(
      t,
      `g-many-${id}`,
      channel,
      async (m) => {
        seen.add(m.attributes.id!);
        await m.ack();
      },
      50,
    );
    await t.publish(message(channel, -1)); // connect + declare outside the measurement
    const n = 3_000;
    const started = performance.now();
    await Promise.all(Array.from({ length: n }, (_, i) => t.publish(message(channel, i))));
    const seconds = (performance.now() - started) / 1000;
    console.info(`rabbitmq: ${n} confirmed publishes in ${seconds.toFixed(2)} s = ${Math.round(n / seconds)} msg/s`);
    await waitFor(() => seen.size === n + 1, 15_000, 'all deliveries');
  }, 30_000);

  it('redelivers a nacked message after the delay with deliveryAttempt 2', async () => {
    const t = createTransport();
    const channel = `nack.${id}`;
    const attempts: { attempt: number; at: number }[] = [];
    await subscribe(t, `g-nack-${id}`, channel, async (m) => {
      attempts.push({ attempt: m.deliveryAttempt, at: Date.now() });
      if (m.deliveryAttempt === 1) await m.nack({ delayMs: 200 });
      else await m.ack();
      await m.nack(); // after ack or nack: does nothing
    });
    await t.publish(message(channel, 1));
    await waitFor(() => attempts.length === 2, 5_000, 'the redelivery');
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(190);
    await new Promise((r) => setTimeout(r, 200));
    expect(attempts).toHaveLength(2);
  });

  it('bounds in-flight handlers and unacked messages by the prefetch (= concurrency)', async () => {
    const t = createTransport();
    const channel = `prefetch.${id}`;
    const group = `g-prefetch-${id}`;
    let running = 0;
    let max = 0;
    let done = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    await subscribe(
      t,
      group,
      channel,
      async (m) => {
        running++;
        max = Math.max(max, running);
        await gate;
        running--;
        done++;
        await m.ack();
      },
      3,
    );
    await Promise.all(Array.from({ length: 12 }, (_, i) => t.publish(message(channel, i))));
    try {
      await waitFor(() => running === 3, 5_000, '3 running handlers');
      // The broker holds back the rest: 3 unacked, 9 ready, and the consumer's prefetch is 3.
      expect((await adminCh.checkQueue(`${group}.${channel}`)).messageCount).toBe(9);
      const consumers = await rabbitmqctl('list_consumers', 'queue_name', 'prefetch_count', '--no-table-headers');
      expect(consumers).toContain(`${group}.${channel}\t3`);
    } finally {
      release();
    }
    await waitFor(() => done === 12, 5_000, 'all handlers');
    expect(max).toBe(3);
  });

  it('reconnects after the broker closes the connection, and loses nothing', async () => {
    const connectionName = `hg-reconnect-${id}`;
    const events: (RabbitMqEvent & { at: number })[] = [];
    const t = createTransport({ connectionName, onEvent: (e) => events.push({ ...e, at: performance.now() }) });
    const channel = `reconnect.${id}`;
    const seen = new Map<string, number>();
    await subscribe(
      t,
      `g-reconnect-${id}`,
      channel,
      async (m) => {
        seen.set(m.attributes.id!, (seen.get(m.attributes.id!) ?? 0) + 1);
        await m.ack();
      },
      20,
    );
    let confirmed = 0;
    let retried = 0;
    const publishWithRetry = async (i: number) => {
      for (let attempt = 1; ; attempt++) {
        try {
          await t.publish(message(channel, i));
          confirmed++;
          return;
        } catch (error) {
          if (!isSdkError(error) || !error.retryable || attempt >= 10) throw error;
          retried++;
        }
      }
    };
    const killer = (async () => {
      await waitFor(() => confirmed >= 100, 10_000, '100 confirms');
      await closeConnection(connectionName);
    })();
    // Keep publishing through the outage until the consumer is back, then a little more.
    let n = 0;
    let after = 0;
    while (after < 10) {
      await Promise.all(Array.from({ length: 20 }, () => publishWithRetry(n++)));
      await new Promise((r) => setTimeout(r, 5));
      if (events.some((e) => e.type === 'resubscribed')) after++;
      if (n > 50_000) throw new Error('never resubscribed');
    }
    await killer;
    await waitFor(() => seen.size === n, 20_000, `all ${n} ids (have ${seen.size})`);
    const lost = Array.from({ length: n }, (_, i) => `${channel}-${i}`).filter((k) => !seen.has(k));
    expect(lost).toEqual([]);
    const down = events.find((e) => e.type === 'disconnected');
    const up = events.find((e) => e.type === 'connected' && down && e.at > down.at);
    const resubscribed = events.find((e) => e.type === 'resubscribed');
    expect(down && up && resubscribed).toBeTruthy();
    const duplicates = [...seen.values()].reduce((a, c) => a + c - 1, 0);
    console.info(
      `rabbitmq: reconnected in ${Math.round(up!.at - down!.at)} ms, consuming again after ` +
        `${Math.round(resubscribed!.at - down!.at)} ms; ${n} published, ${retried} retried, ${duplicates} duplicates, 0 lost`,
    );
  }, 40_000);

  // FAILS today (finding): RabbitMQ's provision() rebinds a channel to the binding it is given, over the `channels`
  // option, and the router provisions the catalog's bindings on start, so a router moves an application's configured
  // channels onto the catalog's exchanges. The Kafka transport keeps the option's topic ("bindings given to
  // provision() are used for channels missing here"). Fix in topology.ts `provision`: prefer the configured binding,
  // both for what it declares and for what it records.
  it('keeps the binding of the `channels` option when provision() is given another one, as Kafka does', async () => {
    const channel = `configured.${id}`;
    const configured = `${exchange}.configured`;
    const other = `${exchange}.other`;
    exchanges.add(configured).add(other);
    const amqp = (x: string) => ({ exchange: x, exchangeType: 'topic' as const, routingKey: channel, durable: true });
    const t = createTransport({ channels: new Map([[channel, { amqp: amqp(configured) }]]) });
    await adminCh.assertExchange(configured, 'topic', { durable: true });
    const raw = await adminCh.assertQueue('', { exclusive: true });
    await adminCh.bindQueue(raw.queue, configured, channel);
    const got: ConsumeMessage[] = [];
    await adminCh.consume(raw.queue, (m) => m && got.push(m), { noAck: true });

    await t.provision(new Map([[channel, { amqp: amqp(other) }]]));
    await t.publish(message(channel, 1));
    await waitFor(() => got.length === 1, 3_000, `the message on ${configured}`).catch(() => {});
    expect(got).toHaveLength(1);
  });

  it('keeps credentials out of errors and refuses calls after close', async () => {
    const t = createTransport({ url: 'amqp://guest:s3cret-pw@127.0.0.1:1', reconnect: false });
    const error = await t.publish(message('x', 1)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'HUMANGOV_CONNECTION_FAILED' });
    expect(String((error as Error).message)).not.toContain('s3cret');
    await t.close();
    await expect(t.publish(message('x', 2))).rejects.toMatchObject({ code: 'HUMANGOV_TRANSPORT_CLOSED' });
  });
});

/** Closes only this test's connection, found by its client-provided name (other files may share the broker). */
async function closeConnection(name: string): Promise<void> {
  const out = await rabbitmqctl('list_connections', 'pid', 'client_properties', '--no-table-headers');
  const pids = out
    .split('\n')
    .filter((line) => line.includes(`{"connection_name","${name}"}`))
    .map((line) => line.split('\t')[0]!);
  expect(pids.length).toBeGreaterThan(0);
  for (const pid of pids) await rabbitmqctl('close_connection', pid, 'test');
}
