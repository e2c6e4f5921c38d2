import { createMemoryBroker, createMemoryTransport } from '@humangov/sdk';
import { describeTransportConformance } from '../conformance.js';
import { createFaultyTransport } from './faulty-transport.js';

// Without rules the wrapper must be invisible: the memory transport's whole conformance suite, through it.
const broker = createMemoryBroker();

describeTransportConformance({
  name: 'faulty(memory) without faults',
  create: async () => createFaultyTransport(createMemoryTransport({ broker })),
  features: { ordering: true, consumerGroups: true, persistence: true, redelivery: true, largePayloadBytes: 1 << 20 },
  timeoutMs: 10_000,
});
