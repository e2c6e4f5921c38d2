import type { Admin } from 'kafkajs';
import type { ChannelBinding } from '../port.js';

/** Defaults of a topic created by `provision()` for a binding that does not say. */
export const DEFAULT_PARTITIONS = 6;
export const DEFAULT_REPLICAS = 1;

export interface TopicPlan {
  readonly topic: string;
  readonly numPartitions: number;
  readonly replicationFactor: number;
}

/** The topics the bindings ask for: one per distinct topic, first binding wins. */
export function planTopics(
  channels: ReadonlyMap<string, ChannelBinding>,
  topicOf: (channel: string, binding: ChannelBinding) => string,
): TopicPlan[] {
  const plans = new Map<string, TopicPlan>();
  for (const [channel, binding] of channels) {
    const topic = topicOf(channel, binding);
    if (plans.has(topic)) continue;
    plans.set(topic, {
      topic,
      numPartitions: binding.kafka?.partitions ?? DEFAULT_PARTITIONS,
      replicationFactor: binding.kafka?.replicas ?? DEFAULT_REPLICAS,
    });
  }
  return [...plans.values()];
}

/**
 * Creates the missing topics and waits for their leaders. Idempotent: an existing topic is left as it is (its
 * partition count is never changed, since that would move keys to other partitions), also when another process
 * creates it at the same time.
 */
export async function createTopics(admin: Admin, plans: readonly TopicPlan[]): Promise<void> {
  if (plans.length === 0) return;
  const existing = new Set(await admin.listTopics());
  const missing = plans.filter((p) => !existing.has(p.topic));
  if (missing.length === 0) return;
  const topics = missing.map((p) => p.topic);
  let created: boolean;
  try {
    // Resolves false (and skips waiting for leaders) when a topic appeared meanwhile.
    created = await admin.createTopics({ topics: [...missing], waitForLeaders: true });
  } catch (error) {
    // kafkajs's wait for leaders sometimes fails with UNKNOWN_TOPIC_OR_PARTITION while a new topic propagates
    // (seen on Kafka 4.4, about once in ten creations): the topics are fine if their metadata can be read.
    await admin.fetchTopicMetadata({ topics }).catch(() => {
      throw error;
    });
    return;
  }
  if (!created) await admin.fetchTopicMetadata({ topics });
}
