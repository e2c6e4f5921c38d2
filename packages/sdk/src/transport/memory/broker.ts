import { partitionOf } from '../partition.js';
import { GroupChannel, type Member } from './consumer-group.js';
import { type StoredRecord, Topic } from './log.js';

/** Where topics are created on first use. */
export interface MemoryBrokerOptions {
  /**
   * Partitions of a channel created on first use (publish, subscribe). A channel provisioned with a binding that
   * names `kafka.partitions` gets that many instead. @default 4
   */
  readonly partitions?: number;
  /**
   * Messages kept per partition; appending more drops the oldest. A group whose committed offset falls behind
   * the oldest kept message continues from it (Kafka's `auto.offset.reset=earliest`). @default 100_000
   */
  readonly retention?: number;
}

declare const memoryBroker: unique symbol;

/**
 * An in-process message broker: the shared state behind memory transports, like one Kafka cluster behind
 * several processes. Transports created with the same broker see the same channels, logs and consumer groups;
 * a broker lives as long as it is referenced (closing a transport does not clear it).
 */
export interface MemoryBroker {
  readonly [memoryBroker]: true;
}

/** Internal side of a MemoryBroker: topics (channel -> partition logs) and groups (group+channel -> offsets). */
export class Broker {
  readonly #topics = new Map<string, Topic>();
  readonly #groups = new Map<string, Map<string, GroupChannel>>();

  constructor(
    readonly partitions: number,
    readonly retention: number,
  ) {}

  /** The topic of `channel`, created with `partitions` (default: the broker's) when it does not exist yet. */
  topic(channel: string, partitions = this.partitions): Topic {
    let topic = this.#topics.get(channel);
    if (!topic) {
      topic = new Topic(partitions, this.retention);
      this.#topics.set(channel, topic);
    }
    return topic;
  }

  /** Stores a record; returns its partition and offset. Wakes the groups reading the channel. */
  append(channel: string, record: StoredRecord): { readonly partition: number; readonly offset: number } {
    const topic = this.topic(channel);
    const partition = record.key === undefined ? topic.nextPartition() : partitionOf(record.key, topic.logs.length);
    const offset = topic.logs[partition]!.append(record);
    for (const group of this.#groups.get(channel)?.values() ?? []) group.wake();
    return { partition, offset };
  }

  /** Adds `member` to `group` on `channel`; a group new to the channel starts at the beginning or the end. */
  join(group: string, channel: string, member: Member, fromBeginning: boolean): void {
    let groups = this.#groups.get(channel);
    if (!groups) {
      groups = new Map();
      this.#groups.set(channel, groups);
    }
    let state = groups.get(group);
    if (!state) {
      state = new GroupChannel(channel, this.topic(channel), fromBeginning);
      groups.set(group, state);
    }
    member.join(state);
  }
}

/**
 * Creates an in-process broker to share between memory transports (`createMemoryTransport({ broker })`), so
 * that a test can run a producer and several consumers of one group as if they were separate processes.
 */
export function createMemoryBroker(options: MemoryBrokerOptions = {}): MemoryBroker {
  const partitions = options.partitions ?? 4;
  const retention = options.retention ?? 100_000;
  positiveInteger('partitions', partitions);
  positiveInteger('retention', retention);
  return new Broker(partitions, retention) as unknown as MemoryBroker;
}

/** The internal side of a broker made by `createMemoryBroker`; a TypeError for anything else. */
export function brokerOf(broker: MemoryBroker): Broker {
  if (!(broker instanceof Broker)) throw new TypeError('memory: `broker` must come from createMemoryBroker()');
  return broker;
}

export function positiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`memory: ${name} must be a positive integer`);
}
