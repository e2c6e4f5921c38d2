/**
 * The outbox store port: rows written in the caller's database transaction, claimed in batches by relays,
 * marked published after the broker confirmed them. Rows are generic (a transport message: channel, key,
 * attributes, headers, bytes); this package knows nothing of events or transports.
 */

/** One message to store: what a transport publishes. */
export interface NewOutboxRow {
  /** Logical channel the relay publishes to. */
  readonly channel: string;
  /** Ordering key: rows of one key are published in id order, one at a time. No key: no ordering constraint. */
  readonly key?: string;
  /** Message attributes (CloudEvents context attributes as strings). */
  readonly attributes: Readonly<Record<string, string>>;
  readonly contentType?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

/** A stored row, as `claim` returns it. */
export interface OutboxRow extends NewOutboxRow {
  /** Position in the outbox (a decimal string: PostgreSQL `bigserial` does not fit a JS number in general). */
  readonly id: string;
  readonly createdAt: Date;
  /** How many times the row was claimed, this claim included (more than 1: an earlier relay failed or crashed). */
  readonly attempts: number;
}

/** How far the relays are behind. */
export interface OutboxLag {
  /** Unpublished rows (claimed or not). */
  readonly pending: number;
  /** Age of the oldest unpublished row in ms; 0 when none. */
  readonly oldestAgeMs: number;
}

/**
 * Runs `fn` in a new transaction of the store's database: commits when it resolves, rolls back when it throws
 * (and rethrows). `Tx` is the store's own transaction handle.
 */
export interface Transactor<Tx> {
  transaction<T>(fn: (tx: Tx) => Promise<T> | T): Promise<T>;
}

/**
 * Where outbox rows live. Contracts every implementation keeps:
 * - `add` writes inside the caller's transaction `tx`: a rolled-back transaction leaves no row behind.
 * - `claim` leases up to `limit` unpublished rows for `leaseMs` in one round trip, in id order. A row leased by
 *   someone else is not returned until its lease expires (that is how a crashed relay's rows are taken over).
 *   Per-key order: a row is left out (for a later claim) while an older unpublished row of its key is not in the
 *   same claim (leased by another relay, or locked by a concurrent claim). So the rows of one key that a claim
 *   returns are the oldest unpublished ones of that key, and no two relays hold rows of one key at once.
 * - `markPublished` / `release` take a batch of ids in one round trip; `release` ends the lease of rows not
 *   published so the next claim takes them again.
 * - `cleanup` deletes rows published more than `olderThanMs` ago; resolves with how many.
 */
export interface OutboxStore<Tx> {
  add(tx: Tx, rows: readonly NewOutboxRow[]): Promise<void>;
  claim(limit: number, leaseMs: number): Promise<OutboxRow[]>;
  markPublished(ids: readonly string[]): Promise<void>;
  release(ids: readonly string[]): Promise<void>;
  cleanup(olderThanMs: number): Promise<number>;
  lag(): Promise<OutboxLag>;
}

/**
 * Optional ability: wake relays as soon as a transaction with new rows commits (PostgreSQL LISTEN/NOTIFY).
 * `listen` resolves once listening; the function it resolves with stops listening. `onNotify` may be called
 * spuriously (e.g. after a reconnect, in case a notification was missed).
 */
export interface OutboxNotifier {
  listen(onNotify: () => void): Promise<() => Promise<void>>;
}

export const isOutboxNotifier = (store: object): store is OutboxNotifier =>
  typeof (store as OutboxNotifier).listen === 'function';

/**
 * Optional ability: a store that gives its rows to one relay at a time (a lease, as on PostgreSQL) hands the lease
 * back when that relay stops, so another relay (or the same service, restarted) need not wait for it to end.
 */
export interface OutboxLeaseHolder {
  /** Gives up the lease; rows claimed and not published are read again by the next holder. */
  resign(): Promise<void>;
}

export const isOutboxLeaseHolder = (store: object): store is OutboxLeaseHolder =>
  typeof (store as OutboxLeaseHolder).resign === 'function';

/** Orders decimal id strings (no sign, no leading zeros) numerically, whatever their length. */
export function compareIds(a: string, b: string): number {
  return a.length === b.length ? (a < b ? -1 : a > b ? 1 : 0) : a.length - b.length;
}
