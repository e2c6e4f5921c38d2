import { type Message, Partitioners, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { murmur2Partitioner } from './partitioner.js';

const metadata = (count: number, leaderless: number[] = []): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 0,
    replicas: [0],
    isr: [0],
  }));

/** Keys of every kind a service sends: ASCII ids, non-ASCII text, long keys (deterministic, so failures repeat). */
function keys(count: number): string[] {
  let seed = 42;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed;
  };
  const alphabet = ['a', 'Z', '7', '-', 'é', 'ß', '✓', '中', '😀', ' '];
  return Array.from({ length: count }, (_, i) => {
    if (i % 3 === 0) return `citizen-${next()}`;
    const length = i % 97 === 0 ? 2_000 : next() % 60;
    return Array.from({ length }, () => alphabet[next() % alphabet.length]).join('');
  });
}

describe('the Kafka producer partitioner', () => {
  it('puts every keyed record on the partition kafkajs’s DefaultPartitioner picks', () => {
    const ours = murmur2Partitioner();
    const theirs = Partitioners.DefaultPartitioner();
    for (const partitions of [1, 3, 6, 50]) {
      const partitionMetadata = metadata(partitions);
      for (const key of keys(2_000)) {
        for (const message of [
          { key, value: null },
          { key: Buffer.from(key), value: null },
        ] as Message[]) {
          const args = { topic: 't', partitionMetadata, message };
          expect(ours(args), `${partitions} partitions, key ${key.slice(0, 20)}`).toBe(theirs(args));
        }
      }
    }
  });

  it('keeps the partition a record names, whatever its key', () => {
    const partition = murmur2Partitioner();
    const partitionMetadata = metadata(6);
    expect(
      partition({ topic: 't', partitionMetadata, message: { key: 'citizen-42', value: null, partition: 5 } }),
    ).toBe(5);
    expect(partition({ topic: 't', partitionMetadata, message: { key: null, value: null, partition: 0 } })).toBe(0);
  });

  it('spreads records without key round robin over the partitions that have a leader, per topic', () => {
    const partition = murmur2Partitioner();
    const partitionMetadata = metadata(6, [2, 4]);
    const picks = (topic: string) =>
      Array.from({ length: 8 }, () => partition({ topic, partitionMetadata, message: { value: null } }));
    const a = picks('a');
    expect(new Set(a)).toEqual(new Set([0, 1, 3, 5]));
    expect(a.slice(4)).toEqual(a.slice(0, 4)); // a cycle over the four led partitions
    expect(new Set(picks('b'))).toEqual(new Set([0, 1, 3, 5]));
    // No partition has a leader: still a partition of the topic (kafkajs then waits for metadata or fails the send).
    const none = metadata(3, [0, 1, 2]);
    const spread = Array.from({ length: 6 }, () =>
      partition({ topic: 'c', partitionMetadata: none, message: { value: null } }),
    );
    expect(new Set(spread)).toEqual(new Set([0, 1, 2]));
  });
});
