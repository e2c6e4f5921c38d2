/**
 * Shared helpers of the RabbitMQ integration and fault tests: the broker address, a reachability check that fails
 * the file (never skips), transports on a per-file exchange, and cleanup of every queue and exchange a file made.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import amqp, { type ChannelModel } from 'amqplib';
import { createRabbitMqTransport, type RabbitMqTransport, type RabbitMqTransportOptions } from '../src/rabbitmq.js';
import type { DeliveryHandler, TransportMessage } from '../src/transport/port.js';

export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Connects a plain amqplib client, or throws (failing the file, with or without CI) saying how to start a broker. */
export async function connectRaw(): Promise<ChannelModel> {
  try {
    const model = await amqp.connect(AMQP_URL, { timeout: 3000 });
    model.on('error', () => {}); // fault tests kill the broker under it
    return model;
  } catch (error) {
    throw new Error(
      `RabbitMQ is not reachable at ${AMQP_URL.replace(/\/\/[^@]*@/, '//')} (${(error as Error).message}); ` +
        'start it with `bash scripts/services up rabbitmq` or point AMQP_URL at a broker',
    );
  }
}

export async function rabbitmqctl(...args: string[]): Promise<string> {
  return (await promisify(execFile)('rabbitmqctl', ['-q', ...args])).stdout;
}

/** Transports of one test file: a unique exchange, and the queues and exchanges to delete at the end. */
export function rabbitFixture(prefix: string) {
  const id = `${prefix}-${randomUUID().slice(0, 8)}`;
  const exchange = `hg-test-${id}`;
  const queues = new Set<string>();
  const exchanges = new Set<string>([exchange]);
  const transports: RabbitMqTransport[] = [];

  function createTransport(options: RabbitMqTransportOptions = {}): RabbitMqTransport {
    const t = createRabbitMqTransport({
      url: AMQP_URL,
      exchange,
      confirmTimeoutMs: 5_000,
      reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
      ...options,
    });
    transports.push(t);
    return t;
  }

  function subscribe(t: RabbitMqTransport, group: string, channel: string, handler: DeliveryHandler, concurrency = 1) {
    queues.add(`${group}.${channel}`);
    return t.subscribe({ group, channels: [channel], concurrency }, handler);
  }

  function message(channel: string, n: number, extra: Partial<TransportMessage> = {}): TransportMessage {
    return {
      channel,
      attributes: { id: `${channel}-${n}`, type: 'test.happened', source: '/test', specversion: '1.0' },
      headers: {},
      body: Buffer.from(JSON.stringify({ n })),
      ...extra,
    };
  }

  /** Closes the transports, then deletes the queues and exchanges on a fresh connection. */
  async function cleanup(): Promise<void> {
    await Promise.allSettled(transports.map((t) => t.close()));
    const model = await connectRaw();
    try {
      const ch = await model.createChannel();
      ch.on('error', () => {});
      for (const q of queues) await ch.deleteQueue(q).catch(() => {});
      for (const x of exchanges) await ch.deleteExchange(x).catch(() => {});
    } finally {
      await model.close().catch(() => {});
    }
  }

  return { id, exchange, queues, exchanges, createTransport, subscribe, message, cleanup };
}

export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
