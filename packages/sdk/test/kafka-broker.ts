/** Shared helpers of the Kafka integration tests: the broker address, a reachability check, waits, messages. */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import type { ReceivedMessage, TransportMessage } from '../src/transport/port.js';

export const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());

/** A plain kafkajs client for looking at what the transport wrote, behind its back. */
export const rawKafka = (): Kafka => new Kafka({ brokers, clientId: 'sdk-kafka-test', logLevel: logLevel.NOTHING });

/** Throws (failing the file, with or without CI) when no broker accepts TCP connections. Never skips. */
export async function requireBroker(): Promise<void> {
  const [host = '127.0.0.1', port = '9092'] = (brokers[0] ?? '').split(':');
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = connect({ host, port: Number(port), timeout: 3_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
  if (!reachable) {
    throw new Error(
      `Kafka broker not reachable at ${brokers.join(',')} (KAFKA_BROKERS). Start one with: bash scripts/services up kafka`,
    );
  }
}

export const unique = (prefix: string): string => `sdk-test.${prefix}.${randomUUID().slice(0, 8)}`;

const encoder = new TextEncoder();

export function message(
  channel: string,
  id: string,
  extra: { key?: string; body?: Uint8Array } = {},
): TransportMessage {
  return {
    channel,
    ...(extra.key === undefined ? {} : { key: extra.key }),
    attributes: { id, type: 'gov.humangov.test.Happened', source: '/humangov/sdk-test', specversion: '1.0' },
    contentType: 'application/json',
    headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    body: extra.body ?? encoder.encode(JSON.stringify({ id })),
  };
}

/** Polls `check` until it returns a value other than undefined, or throws after `timeoutMs` saying what was missing. */
export async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const ids = (messages: readonly ReceivedMessage[]): string[] => messages.map((m) => m.attributes.id ?? '');
