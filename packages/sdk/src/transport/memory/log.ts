/** One stored message of a partition: what was published, frozen and with its own copy of the body. */
export interface StoredRecord {
  readonly key?: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly contentType?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

/**
 * The append-only log of one partition. Offsets start at 0 and only grow; the newest `retention` records are
 * kept (a ring buffer, so appending past retention costs O(1)), older offsets are gone (`start` moves up).
 */
export class PartitionLog {
  readonly #ring: StoredRecord[] = [];
  #end = 0;

  constructor(readonly retention: number) {}

  /** Offset of the oldest retained record. */
  get start(): number {
    return Math.max(0, this.#end - this.retention);
  }

  /** Offset the next appended record gets. */
  get end(): number {
    return this.#end;
  }

  append(record: StoredRecord): number {
    const offset = this.#end;
    if (this.#ring.length < this.retention) this.#ring.push(record);
    else this.#ring[offset % this.retention] = record;
    this.#end++;
    return offset;
  }

  /** The record at `offset`, or undefined when it is not (or no longer) retained. */
  get(offset: number): StoredRecord | undefined {
    if (offset < this.start || offset >= this.#end) return undefined;
    return this.#ring[offset % this.retention];
  }
}

/** A channel's partitions: where a key goes, where a key-less message goes (round robin). */
export class Topic {
  readonly logs: readonly PartitionLog[];
  #next = 0;

  constructor(partitions: number, retention: number) {
    this.logs = Array.from({ length: partitions }, () => new PartitionLog(retention));
  }

  /** Round-robin partition for a message without a key. */
  nextPartition(): number {
    const p = this.#next;
    this.#next = (p + 1) % this.logs.length;
    return p;
  }
}
