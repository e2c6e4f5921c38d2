/**
 * The Kafka transport while its broker is frozen (SIGSTOP). Fault tier: it stops the broker other tests share, so
 * it runs alone (`HUMANGOV_TIER=faults`, vitest.config.ts). Restarts under load: broker-restart.fault.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSdkError } from '../src/errors.js';
import { createKafkaTransport } from '../src/kafka.js';
import { brokers, message, rawKafka, requireBroker, unique } from './kafka-broker.js';
import { services } from './services.js';

const topics: string[] = [];

beforeAll(requireBroker, 10_000);
afterAll(async () => {
  const admin = rawKafka().admin();
  await admin.connect();
  await admin.deleteTopics({ topics }).catch(() => {});
  await admin.disconnect();
}, 30_000);

describe('kafka transport: broker faults', () => {
  it('rejects with PublishTimeoutError while the broker is frozen, and publishes again after it thaws', async () => {
    const topic = unique('frozen');
    topics.push(topic);
    const transport = createKafkaTransport({ brokers, confirmTimeoutMs: 1_500 });
    try {
      await transport.provision(new Map([[topic, { kafka: { topic, partitions: 1 } }]]));
      await transport.publish(message(topic, 'before'));
      await services('freeze', 'kafka');
      let error: unknown;
      const started = performance.now();
      try {
        error = await transport.publish(message(topic, 'frozen')).catch((e: unknown) => e);
      } finally {
        await services('thaw', 'kafka');
      }
      const elapsed = performance.now() - started;
      expect(isSdkError(error, 'HUMANGOV_PUBLISH_TIMEOUT')).toBe(true);
      expect(elapsed).toBeLessThan(1_500 + 1_000);
      await expect(transport.publish(message(topic, 'after'))).resolves.toBeUndefined();
    } finally {
      await transport.close();
    }
  }, 30_000);
});
