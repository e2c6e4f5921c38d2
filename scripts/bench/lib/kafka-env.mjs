// Kafka objects of one benchmark run: its own topics and groups (named after the run), removed at the end.

import { requireFromSdk } from './load.mjs';
import { CHANNEL } from './payload.mjs';

const PARTITIONS = 6;

// kafkajs's own `waitForLeaders` sometimes gives up with UNKNOWN_TOPIC_OR_PARTITION on this broker while the new
// topic propagates; poll the metadata instead.
async function waitForLeaders(admin, topic, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      if (meta?.partitions.length === PARTITIONS && meta.partitions.every((p) => p.leader >= 0)) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`kafka: topic ${topic} has no leaders after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function createKafkaEnv({ brokers, runId }) {
  const { Kafka, logLevel, Partitioners } = requireFromSdk('kafkajs');
  const kafka = new Kafka({ clientId: 'humangov-bench', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const topics = new Set();
  const groups = new Set();
  let connected;

  return {
    kafka,
    Partitioners,
    /** Creates `bench.<run>.<suffix>` with the catalog's partition count and returns its name. */
    async topic(suffix) {
      connected ??= admin.connect();
      await connected;
      const topic = `bench.${runId}.${suffix}`;
      topics.add(topic);
      await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }] });
      await waitForLeaders(admin, topic);
      return topic;
    },
    group(name) {
      const group = `bench.${runId}.${name}`;
      groups.add(group);
      return group;
    },
    /** A group for an SDK router, which also provisions the dead-letter topic `<group>.dead-letter`. */
    routerGroup(name) {
      const group = this.group(name);
      topics.add(`${group}.dead-letter`);
      return group;
    },
    /** SDK transport options that put the benchmark channel on `topic`. */
    channels: (topic) => new Map([[CHANNEL, { kafka: { topic, partitions: PARTITIONS, replicas: 1 } }]]),
    async cleanup() {
      if (!connected) return;
      await connected;
      if (groups.size > 0) await admin.deleteGroups([...groups]).catch(() => {});
      if (topics.size > 0) await admin.deleteTopics({ topics: [...topics] }).catch(() => {});
      await admin.disconnect();
    },
  };
}
