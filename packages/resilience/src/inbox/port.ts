/** The inbox store port: which events a consumer group has already handled, recorded with the handler's effects. */
import type { Transactor } from '../outbox/port.js';

/**
 * Where handled event ids live, per consumer group. Contracts:
 * - `seen(tx, group, eventId)` records the id inside the caller's transaction `tx` and resolves `false` the first
 *   time; `true` when the id is already recorded (committed). A concurrent transaction that recorded the same id
 *   and has not finished makes `seen` wait for it: `true` if it commits, `false` (recorded now) if it rolls back.
 *   So with the handler's side effects in `tx`, an event takes effect once per group.
 * - `transaction(fn)` opens the transaction the inbox middleware runs handlers in.
 * - `cleanup` forgets ids recorded more than `olderThanMs` ago (a redelivery older than that runs again).
 */
export interface InboxStore<Tx> extends Transactor<Tx> {
  seen(tx: Tx, group: string, eventId: string): Promise<boolean>;
  cleanup(olderThanMs: number): Promise<number>;
}
