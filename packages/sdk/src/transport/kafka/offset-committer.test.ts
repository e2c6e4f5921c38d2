import type { OffsetsByTopicPartition } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createOffsetCommitter } from './offset-committer.js';

describe('offset committer', () => {
  it('coalesces acks that arrive while a commit is in flight into one request with the latest offsets', async () => {
    const calls: OffsetsByTopicPartition[] = [];
    let release: () => void = () => {};
    const commit = (offsets: OffsetsByTopicPartition) => {
      calls.push(offsets);
      return new Promise<void>((r) => {
        release = r;
      });
    };
    const committer = createOffsetCommitter();
    const first = committer.commit('t', 0, '1', commit);
    const later = [
      committer.commit('t', 0, '2', commit),
      committer.commit('t', 0, '3', commit),
      committer.commit('t', 1, '8', commit),
    ];
    release();
    await first;
    await Promise.resolve();
    release();
    await Promise.all(later);
    expect(calls).toEqual([
      { topics: [{ topic: 't', partitions: [{ partition: 0, offset: '1' }] }] },
      {
        topics: [
          {
            topic: 't',
            partitions: [
              { partition: 0, offset: '3' },
              { partition: 1, offset: '8' },
            ],
          },
        ],
      },
    ]);
  });

  it('rejects the acks of a failed commit and keeps committing later ones', async () => {
    let fail = true;
    const commit = async () => {
      if (fail) throw new Error('rebalancing');
    };
    const committer = createOffsetCommitter();
    await expect(committer.commit('t', 0, '1', commit)).rejects.toThrow('rebalancing');
    fail = false;
    await expect(committer.commit('t', 0, '2', commit)).resolves.toBeUndefined();
    await committer.flush();
  });
});
