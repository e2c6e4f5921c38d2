import { createRabbitMqTransport, type RabbitMqTransportOptions } from '@humangov/sdk/rabbitmq';
import { describeTransportConformance } from '../src/conformance.js';

// Against the real broker (scripts/services up rabbitmq). An unreachable broker fails every case with a
// ConnectionError after connectTimeoutMs: never a silent skip.
const url = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const run = globalThis.crypto.randomUUID().slice(0, 8);
let n = 0;

const options = (extra: RabbitMqTransportOptions): RabbitMqTransportOptions => ({
  url,
  // The suite provisions `humangov.conformance` on one transport only; the others must route there by default.
  exchange: 'humangov.conformance',
  connectTimeoutMs: 5_000,
  confirmTimeoutMs: 10_000,
  // The broker removes the suite's queues a minute after their last consumer left.
  queueExpiresMs: 60_000,
  ...extra,
});

// Default settings: quorum queues with a single active consumer per group, so order per key holds but the
// members of one group do not share a queue (the others are hot standbys).
describeTransportConformance({
  name: 'rabbitmq',
  create: async () => createRabbitMqTransport(options({})),
  channel: () => `conformance.rmq-${run}.${n++}`,
  features: { ordering: true, consumerGroups: false, persistence: true, redelivery: true, largePayloadBytes: 4 << 20 },
  timeoutMs: 20_000,
});

// Competing consumers: members share a queue, order per key is given up.
describeTransportConformance({
  name: 'rabbitmq (singleActiveConsumer: false)',
  create: async () => createRabbitMqTransport(options({ singleActiveConsumer: false })),
  channel: () => `conformance.rmq-${run}.${n++}`,
  features: { ordering: false, consumerGroups: true, persistence: true, redelivery: true },
  timeoutMs: 20_000,
});
