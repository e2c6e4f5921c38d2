import { afterEach, describe, it } from 'vitest';
import { groupCases } from './cases-groups.js';
import { messageCases } from './cases-messages.js';
import { createCaseContext, type TransportConformanceOptions } from './context.js';

/**
 * Registers the transport conformance suite (vitest `describe` + `it`) for one transport: round trip, closed
 * transport, ordering per key, consumer groups, redelivery, restart without loss, flush on close, large payload,
 * concurrent publishers. Call it at the top level of a test file.
 *
 * Each case gets fresh transports from `create()` (all on the same broker) and fresh channels. Every transport of a
 * case that is a `Provisioner` provisions the case's channels first (a 4-partition Kafka topic, replicas 1; a
 * durable topic exchange `humangov.conformance` with the channel as routing key), so provisioning must be
 * idempotent. Every transport a case opened is closed after it; a failing `close()` fails the case. Consumer
 * groups are named after the case's channel, so reruns against a persistent broker do not interfere. A case
 * needing a feature the transport does not promise is registered as skipped, with the reason in its name. Sizes
 * stay moderate (at most 2,000 messages a case) so the suite runs against real brokers on small CI machines.
 *
 * @example
 * describeTransportConformance({
 *   name: 'memory',
 *   create: async () => createMemoryTransport({ broker }),
 *   features: { ordering: true, consumerGroups: true, persistence: true, redelivery: true,
 *     largePayloadBytes: 1 << 20 },
 * });
 */
export function describeTransportConformance(options: TransportConformanceOptions): void {
  const timeoutMs = options.timeoutMs ?? 30_000;
  describe(`transport conformance: ${options.name}`, () => {
    const { context, cleanup } = createCaseContext(options);
    afterEach(cleanup, timeoutMs);
    for (const testCase of [...messageCases, ...groupCases]) {
      const reason = testCase.skip(options.features, options.name);
      if (reason === undefined) it(testCase.title, () => testCase.run(context), timeoutMs);
      // A case the transport's feature flags rule out still shows in the report, skipped, with the reason in its name.
      else it.skip(`${testCase.title} (${reason})`, () => {});
    }
  });
}
