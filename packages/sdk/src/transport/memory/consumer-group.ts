import type { DeliveryHandler, ReceivedMessage } from '../port.js';
import type { PartitionLog, Topic } from './log.js';

// Bound once: deliveries are turns of the event loop, not timers, so fake timers installed later (a test's
// vi.useFakeTimers) do not stall them; nack delays go through the injectable MemoryTimers instead.
const nextTurn = globalThis.setImmediate;

/** Timer functions for nack delays; `handle` is whatever `setTimeout` returned. */
export interface MemoryTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** One delivery of one record: settled at most once; it counts only while it is its cursor's `current`. */
interface Delivery {
  readonly member: Member;
  readonly offset: number;
  settled: boolean;
}

/** A group's position in one partition: the committed offset is `next` (everything before it is acked). */
interface Cursor {
  readonly partition: number;
  readonly log: PartitionLog;
  next: number;
  /** Delivery attempt of the record at `next`. */
  attempt: number;
  assignee: Member | undefined;
  current: Delivery | undefined;
  /** A nack delay in progress: the partition is blocked until it ends (or its member leaves). */
  delay: { readonly member: Member; readonly handle: unknown } | undefined;
}

/**
 * One consumer group reading one channel: committed offsets per partition, the live members, and which member
 * owns which partition (partition p goes to member p mod n, members in join order; recomputed on join and leave).
 */
export class GroupChannel {
  readonly #members: Member[] = [];
  readonly cursors: readonly Cursor[];

  constructor(
    readonly channel: string,
    topic: Topic,
    fromBeginning: boolean,
  ) {
    this.cursors = topic.logs.map((log, partition) => ({
      partition,
      log,
      next: fromBeginning ? log.start : log.end,
      attempt: 1,
      assignee: undefined,
      current: undefined,
      delay: undefined,
    }));
  }

  join(member: Member): void {
    this.#members.push(member);
    this.#rebalance();
  }

  /** Removes `member`; what it held un-acked (or was delaying) is handed to the others as a redelivery. */
  leave(member: Member): void {
    const i = this.#members.indexOf(member);
    if (i >= 0) this.#members.splice(i, 1);
    for (const cursor of this.cursors) {
      if (cursor.current?.member === member) {
        cursor.current = undefined;
        cursor.attempt++;
      }
      if (cursor.delay?.member === member) {
        member.timers.clearTimeout(cursor.delay.handle);
        cursor.delay = undefined;
      }
    }
    this.#rebalance();
  }

  /** Something changed (a new record, a settled delivery, a delay ended): let the owners look. */
  wake(): void {
    for (const member of this.#members) member.schedule();
  }

  settle(cursor: Cursor, delivery: Delivery, outcome: 'ack' | { readonly delayMs: number }): void {
    if (delivery.settled) return;
    delivery.settled = true;
    // Released when its member left: the group has moved on, a late ack or nack must not touch the offsets.
    if (cursor.current !== delivery) return;
    cursor.current = undefined;
    delivery.member.inFlight--;
    if (outcome === 'ack') {
      cursor.next = delivery.offset + 1;
      cursor.attempt = 1;
    } else {
      cursor.attempt++;
      if (outcome.delayMs > 0) {
        const member = delivery.member;
        const handle = member.timers.setTimeout(() => {
          if (cursor.delay?.handle !== handle) return;
          cursor.delay = undefined;
          this.wake();
        }, outcome.delayMs);
        cursor.delay = { member, handle };
      }
    }
    delivery.member.schedule();
    this.wake();
  }

  #rebalance(): void {
    const n = this.#members.length;
    for (const cursor of this.cursors) cursor.assignee = n === 0 ? undefined : this.#members[cursor.partition % n];
    this.wake();
  }
}

/**
 * One subscription: delivers the records of the partitions assigned to it, one at a time per partition (the
 * next only after the previous is settled), at most `concurrency` unsettled at once across its partitions.
 */
export class Member {
  inFlight = 0;
  readonly #groups: GroupChannel[] = [];
  readonly #running = new Set<Promise<void>>();
  #closed = false;
  #closing: Promise<void> | undefined;
  #scheduled = false;
  #rotation = 0;

  constructor(
    readonly timers: MemoryTimers,
    readonly concurrency: number,
    readonly handler: DeliveryHandler,
  ) {}

  join(group: GroupChannel): void {
    this.#groups.push(group);
    group.join(this);
  }

  /** Drains on a later turn of the event loop: many wake-ups coalesce, and publishers are never re-entered. */
  schedule(): void {
    if (this.#scheduled || this.#closed) return;
    this.#scheduled = true;
    nextTurn(() => {
      this.#scheduled = false;
      this.#drain();
    });
  }

  /** Stops deliveries, waits for running handlers (their acks still count), then leaves every group. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
      for (const group of this.#groups) group.leave(this);
    })();
    return this.#closing;
  }

  #drain(): void {
    if (this.#closed) return;
    const ready: [GroupChannel, Cursor][] = [];
    for (const group of this.#groups) {
      for (const cursor of group.cursors) {
        if (cursor.assignee !== this || cursor.current || cursor.delay) continue;
        if (cursor.next < cursor.log.start) {
          cursor.next = cursor.log.start; // retention dropped records this group never read: skip ahead, like Kafka
          cursor.attempt = 1;
        }
        if (cursor.next < cursor.log.end) ready.push([group, cursor]);
      }
    }
    // Rotate the starting point so a busy partition cannot starve the others when concurrency is short.
    const start = ready.length === 0 ? 0 : this.#rotation++ % ready.length;
    for (let i = 0; i < ready.length && this.inFlight < this.concurrency; i++) {
      const [group, cursor] = ready[(start + i) % ready.length]!;
      this.#deliver(group, cursor);
    }
  }

  #deliver(group: GroupChannel, cursor: Cursor): void {
    const record = cursor.log.get(cursor.next)!;
    const delivery: Delivery = { member: this, offset: cursor.next, settled: false };
    cursor.current = delivery;
    this.inFlight++;
    const message: ReceivedMessage = {
      channel: group.channel,
      ...(record.key === undefined ? {} : { key: record.key }),
      attributes: record.attributes,
      ...(record.contentType === undefined ? {} : { contentType: record.contentType }),
      headers: record.headers,
      body: record.body.slice(), // the handler may mutate its copy; a redelivery must still see the original
      partition: cursor.partition,
      offset: String(delivery.offset),
      deliveryAttempt: cursor.attempt,
      ack: async () => group.settle(cursor, delivery, 'ack'),
      nack: async (options) => group.settle(cursor, delivery, { delayMs: Math.max(0, options?.delayMs ?? 0) }),
    };
    const run = (async () => {
      try {
        await this.handler(message);
      } catch {
        group.settle(cursor, delivery, { delayMs: 0 });
      }
    })();
    this.#running.add(run);
    void run.then(() => this.#running.delete(run));
  }
}
