/**
 * The transport conformance suite against the Kafka transport and a real broker (KAFKA_BROKERS, default
 * 127.0.0.1:9092). An unreachable broker fails the file; it is never skipped.
 */
import { connect } from 'node:net';
import { createKafkaTransport } from '@humangov/sdk/kafka';
import { beforeAll } from 'vitest';
import { describeTransportConformance } from '../src/conformance.js';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());

beforeAll(async () => {
  const [host = '127.0.0.1', port = '9092'] = (brokers[0] ?? '').split(':');
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = connect({ host, port: Number(port), timeout: 3_000 });
    const done = (ok: boolean) => () => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', done(true));
    socket.once('timeout', done(false));
    socket.once('error', done(false));
  });
  if (!reachable) {
    throw new Error(
      `Kafka broker not reachable at ${brokers.join(',')} (KAFKA_BROKERS). Start one with: bash scripts/services up kafka`,
    );
  }
}, 10_000);

describeTransportConformance({
  name: 'kafka',
  // scripts/services raises the broker's message.max.bytes to 4 MiB (Kafka's default, 1 MiB + 12 bytes, leaves no
  // room for a 1 MiB body plus headers); the transport's own limit is raised to match.
  create: async () => createKafkaTransport({ brokers, shutdownTimeoutMs: 5_000, maxMessageBytes: 2 << 20 }),
  features: { ordering: true, consumerGroups: true, persistence: true, redelivery: true, largePayloadBytes: 1 << 20 },
  timeoutMs: 30_000,
});
