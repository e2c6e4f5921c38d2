import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createTopics } from './provision.js';

const plan = [{ topic: 'humangov.citizen.registered', numPartitions: 6, replicationFactor: 1 }];

/** The admin calls `createTopics` makes, with the outcomes a test chooses. */
function admin(outcomes: { create: () => Promise<boolean>; metadata: () => Promise<unknown> }) {
  const calls: string[] = [];
  const fake = {
    listTopics: async () => [],
    createTopics: () => {
      calls.push('create');
      return outcomes.create();
    },
    fetchTopicMetadata: () => {
      calls.push('metadata');
      return outcomes.metadata();
    },
  };
  return { admin: fake as unknown as Admin, calls };
}

describe('createTopics', () => {
  it('succeeds when waiting for leaders failed but the new topics have metadata (a topic still propagating)', async () => {
    const { admin: a, calls } = admin({
      create: () => Promise.reject(new Error('This server does not host this topic-partition')),
      metadata: async () => ({ topics: [] }),
    });
    await expect(createTopics(a, plan)).resolves.toBeUndefined();
    expect(calls).toEqual(['create', 'metadata']);
  });

  it("rethrows the creation's own error when the topics cannot be read either", async () => {
    const refused = new Error('Topic authorization failed');
    const { admin: a } = admin({
      create: () => Promise.reject(refused),
      metadata: () => Promise.reject(new Error('unknown topic')),
    });
    await expect(createTopics(a, plan)).rejects.toBe(refused);
  });
});
