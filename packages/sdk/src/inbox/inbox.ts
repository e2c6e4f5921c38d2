/**
 * The idempotent inbox: router middleware that runs each handler inside a store transaction, records
 * (group, event id) in that same transaction, and skips a redelivered duplicate.
 *
 * How the handler reaches the transaction: the middleware puts it on the handler context under a symbol private to
 * this inbox, and `inbox.handler(fn)` wraps a handler whose context is typed `HandlerContext & { tx: Tx }`:
 *
 * ```ts
 * const dedupe = inbox(store.inbox, { group: 'benefits' });
 * router.use(dedupe).handle('citizen.registered', dedupe.handler(async (event, { tx }) => {
 *   await tx.query('INSERT INTO citizens ...', [event.data.citizen_id]); // commits with the inbox record
 * }));
 * ```
 *
 * The router's `Handler`/`HandlerContext` types stay untouched, `tx` is typed by the store (a pg client, a
 * better-sqlite3 Database...), and a handler wrapped by one inbox cannot silently run without it: calling it on a
 * router that does not use that inbox throws (a programmer error; the router nacks).
 */
import type { InboxStore } from '@humangov/resilience';
import type { AnyHandler, Handler, HandlerContext, Middleware } from '../router.js';

/** What an inbox handler gets besides the event: the router's context plus the open transaction. */
export interface InboxContext<Tx> extends HandlerContext {
  /** The transaction the inbox record is written in; write the handler's side effects here. */
  readonly tx: Tx;
}

export interface InboxOptions {
  /** Consumer group the ids are recorded for (usually the router's `group`). */
  readonly group: string;
  /**
   * Ids recorded longer ago than this are deleted (checked at most every `cleanupEveryMs`, after a handled event,
   * in the background). A duplicate redelivered after that runs again. @default undefined: kept forever
   */
  readonly retentionMs?: number;
  /** @default 60_000 */
  readonly cleanupEveryMs?: number;
  /** Called for every duplicate skipped (it is acked). */
  readonly onDuplicate?: (event: { readonly id: string; readonly type: string }) => void;
}

/**
 * The inbox middleware, plus `handler()` to reach the transaction. Ordering with other middleware: use it after
 * (inside) retry middleware, so each attempt runs in a fresh transaction; a failed attempt's writes roll back.
 */
export interface Inbox<Tx> extends Middleware {
  /** Wraps a handler that receives the inbox transaction as `context.tx`. */
  handler<E>(fn: (event: E, context: InboxContext<Tx>) => Promise<void> | void): Handler<E>;
}

/**
 * Deduplicates by (group, CloudEvents `id`): the handler of an event runs to commit at most once per group, as
 * long as its side effects are written in `context.tx`. A handler that throws rolls back its side effects and
 * the inbox record together, so the redelivery (the router nacks) runs it again. A duplicate resolves without
 * calling the handler, so the router acks it. Effects outside `tx` (an HTTP call) are not covered.
 */
export function inbox<Tx>(store: InboxStore<Tx>, options: InboxOptions): Inbox<Tx> {
  const key = Symbol('humangov.inbox.tx');
  const cleanupEveryMs = options.cleanupEveryMs ?? 60_000;
  let lastCleanup = Date.now();

  const cleanup = () => {
    const retentionMs = options.retentionMs;
    if (retentionMs === undefined || Date.now() - lastCleanup < cleanupEveryMs) return;
    lastCleanup = Date.now();
    store.cleanup(retentionMs).catch(() => {
      lastCleanup = 0; // try again after the next event
    });
  };

  const middleware = (next: AnyHandler): AnyHandler => {
    return async (event, context) => {
      const duplicate = await store.transaction(async (tx) => {
        if (await store.seen(tx, options.group, event.id)) return true;
        await next(event, { ...context, [key]: tx } as HandlerContext);
        return false;
      });
      if (duplicate) options.onDuplicate?.({ id: event.id, type: event.type });
      cleanup();
    };
  };

  return Object.assign(middleware, {
    handler<E>(fn: (event: E, context: InboxContext<Tx>) => Promise<void> | void): Handler<E> {
      return (event, context) => {
        if (!(key in context)) {
          throw new TypeError(
            `inbox.handler(): the router does not use this inbox (group ${options.group}); add router.use(inbox)`,
          );
        }
        const tx = context[key] as Tx;
        return fn(event, { message: context.message, attempt: context.attempt, tx });
      };
    },
  });
}
