import { createMemoryBroker, createMemoryTransport } from '@humangov/sdk';
import { describeTransportConformance } from '../src/conformance.js';

const broker = createMemoryBroker();

describeTransportConformance({
  name: 'memory',
  create: async () => createMemoryTransport({ broker }),
  features: { ordering: true, consumerGroups: true, persistence: true, redelivery: true, largePayloadBytes: 1 << 20 },
  timeoutMs: 10_000,
});
