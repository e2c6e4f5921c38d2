import type { OffsetsByTopicPartition } from 'kafkajs';

/** Commits offsets through the consumer group that fetched them (kafkajs `eachBatch`'s `commitOffsetsIfNecessary`). */
export type CommitFn = (offsets: OffsetsByTopicPartition) => Promise<void>;

interface Pending {
  readonly topic: string;
  readonly partition: number;
  offset: string;
  readonly waiters: Array<(error?: unknown) => void>;
}

/**
 * Coalesces acks into OffsetCommit requests: one request in flight; acks arriving meanwhile (from any partition)
 * share the next one. Offsets of one partition only grow, because a partition has one unacked message at a time.
 */
export interface OffsetCommitter {
  /** Commits `nextOffset` (acked offset + 1); resolves once the broker stored it, rejects with the commit's error. */
  commit(topic: string, partition: number, nextOffset: string, commitFn: CommitFn): Promise<void>;
  /** Resolves when no commit is queued or in flight. */
  flush(): Promise<void>;
}

export function createOffsetCommitter(): OffsetCommitter {
  let pending = new Map<string, Pending>();
  let latestFn: CommitFn | undefined;
  let running: Promise<void> | undefined;

  // Restarts itself when a commit slipped in between the last loop turn and the end of the drain.
  function kick(): void {
    running ??= drain().finally(() => {
      running = undefined;
      if (pending.size > 0) kick();
    });
  }

  async function drain(): Promise<void> {
    while (pending.size > 0 && latestFn) {
      const batch = pending;
      pending = new Map();
      const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
      for (const p of batch.values()) {
        const list = byTopic.get(p.topic) ?? [];
        list.push({ partition: p.partition, offset: p.offset });
        byTopic.set(p.topic, list);
      }
      let failure: unknown;
      try {
        await latestFn({ topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) });
      } catch (error) {
        failure = error ?? new Error('offset commit failed');
      }
      for (const p of batch.values()) for (const done of p.waiters) done(failure);
    }
  }

  return {
    commit(topic, partition, nextOffset, commitFn) {
      latestFn = commitFn;
      return new Promise<void>((resolve, reject) => {
        const key = `${topic}\u0000${partition}`;
        const done = (error?: unknown): void => (error === undefined ? resolve() : reject(error));
        const entry = pending.get(key);
        if (entry) {
          entry.offset = nextOffset;
          entry.waiters.push(done);
        } else {
          pending.set(key, { topic, partition, offset: nextOffset, waiters: [done] });
        }
        kick();
      });
    },
    async flush() {
      while (running) await running;
    },
  };
}
