/**
 * The claims of one relay over an outbox it reads as a log (the PostgreSQL store): rows read past a position are
 * held here, handed out by `take` under the port's rules (per-key order, leases, attempts), and published rows
 * move the durable position forward once every row before them was published too. Nothing here touches the
 * database; the store reads rows into it and persists the positions it returns.
 */
import { compareIds } from '../outbox/port.js';

/** A place in the log: rows are ordered by `pos`, then `id` (decimal strings, see `compareIds`). */
export interface Position {
  readonly pos: string;
  readonly id: string;
}

export const comparePositions = (a: Position, b: Position): number =>
  compareIds(a.pos, b.pos) || compareIds(a.id, b.id);

/** States of an entry: read and not handed out; handed out (leased); confirmed by the broker. */
export const WAITING = 0;
const IN_FLIGHT = 1;
const PUBLISHED = 2;

/**
 * A row read from the log and what this relay did with it. Its message stays as the bytes it was read as (`src`
 * from `start` to `end`: a binary COPY tuple), decoded only when handed out. `take` hands the entry itself out.
 */
export interface LedgerEntry extends Position {
  readonly key: string | null;
  /** Claims of the row so far, by any relay (an earlier holder's claims count as one). */
  attempts: number;
  state: typeof WAITING | typeof IN_FLIGHT | typeof PUBLISHED;
  /** While in flight: when its lease ends (ms, the ledger's clock). */
  until: number;
  /** Holds the row's bytes; emptied once it is published (the entry may stay until the rows before it are). */
  src: Buffer;
  readonly start: number;
  readonly end: number;
}

/** Entries dropped from the front before the array is compacted (dropping one is then O(1)). */
const COMPACT_AFTER = 1_024;
/**
 * Most entries held (from the first unpublished one on) before reads stop: a row that cannot be published holds
 * the durable position back, and the relay must not read the whole log into memory behind it.
 */
export const MAX_HELD = 100_000;
const NO_BYTES = Buffer.alloc(0);

export class ClaimLedger {
  /** In log order, from `head`: every entry read and not yet behind the durable position. */
  private entries: LedgerEntry[] = [];
  private head = 0;
  private readonly byId = new Map<string, LedgerEntry>();
  private waitingCount = 0;
  /** Where the next read continues: the last row read, or the durable position. */
  private scanned: Position;

  /**
   * @param durable every row up to here is published
   * @param claimedThrough the furthest row an earlier holder claimed: rows up to it count one attempt already
   */
  constructor(
    durable: Position,
    private readonly claimedThrough: Position,
  ) {
    this.scanned = durable;
  }

  get scan(): Position {
    return this.scanned;
  }

  /** Rows read and not handed out (released, lease expired, or held back for their key). */
  get waiting(): number {
    return this.waitingCount;
  }

  /** Whether to read more rows for a claim of `limit`: too few waiting, and not too many held. */
  wants(limit: number): boolean {
    return this.waitingCount < limit && this.entries.length - this.head < MAX_HELD;
  }

  /** Takes in rows read past `scan`, in log order (created `WAITING`, see `LedgerEntry`). */
  append(rows: readonly LedgerEntry[]): void {
    for (const entry of rows) {
      entry.attempts = comparePositions(entry, this.claimedThrough) <= 0 ? 1 : 0;
      entry.state = WAITING;
      entry.until = 0;
      this.entries.push(entry);
      this.byId.set(entry.id, entry);
      this.scanned = entry;
    }
    this.waitingCount += rows.length;
  }

  /**
   * Hands out up to `limit` waiting rows, in log order, leased until `now + leaseMs`. A row stays back while an
   * older row of its key is not handed out with it (in flight elsewhere, or still waiting). In-flight rows whose
   * lease ended wait again first.
   */
  take(limit: number, leaseMs: number, now: number): LedgerEntry[] {
    const taken: LedgerEntry[] = [];
    const blocked = new Set<string>();
    const { entries } = this;
    for (let i = this.head; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.state === IN_FLIGHT && entry.until <= now) {
        entry.state = WAITING;
        this.waitingCount++;
      }
      if (entry.state === PUBLISHED) continue;
      if (entry.state === WAITING && taken.length < limit && (entry.key === null || !blocked.has(entry.key))) {
        entry.state = IN_FLIGHT;
        entry.until = now + leaseMs;
        entry.attempts++;
        taken.push(entry);
        this.waitingCount--;
      } else if (entry.key !== null) blocked.add(entry.key);
    }
    return taken;
  }

  /** Rows handed back unpublished: they wait for the next claim. */
  release(ids: readonly string[]): void {
    for (const id of ids) {
      const entry = this.byId.get(id);
      if (entry?.state !== IN_FLIGHT) continue;
      entry.state = WAITING;
      this.waitingCount++;
    }
  }

  /**
   * Rows the broker confirmed. Resolves with the new durable position when the published rows now reach further
   * from the front (every row up to it published), else `undefined`. Unknown ids (another holder's) are ignored.
   */
  publish(ids: readonly string[]): Position | undefined {
    for (const id of ids) {
      const entry = this.byId.get(id);
      if (!entry || entry.state === PUBLISHED) continue;
      if (entry.state === WAITING) this.waitingCount--;
      entry.state = PUBLISHED;
      entry.src = NO_BYTES;
    }
    const { entries } = this;
    const start = this.head;
    while (this.head < entries.length && entries[this.head]!.state === PUBLISHED) {
      this.byId.delete(entries[this.head]!.id);
      this.head++;
    }
    if (this.head === start) return undefined;
    const durable = entries[this.head - 1]!;
    if (this.head >= COMPACT_AFTER && this.head * 2 >= entries.length) {
      this.entries = entries.slice(this.head);
      this.head = 0;
    }
    return { pos: durable.pos, id: durable.id };
  }
}
