/**
 * `drainOutbox`: waits, while the service's relay still runs, until its outbox holds no unpublished row, so a
 * graceful shutdown publishes what the last transactions committed instead of leaving it to the next process.
 */
import type { OutboxStore } from '@humangov/resilience';

export interface DrainOptions {
  /** Gives up after this long (the rows stay in the outbox for the next process: nothing is lost). @default 5_000 */
  readonly timeoutMs?: number;
  /** How often the outbox is looked at. @default 25 */
  readonly pollMs?: number;
}

/** Resolves `true` once the outbox is empty, `false` when `timeoutMs` passed first (e.g. the broker is down). */
export async function drainOutbox(
  store: Pick<OutboxStore<unknown>, 'lag'>,
  options: DrainOptions = {},
): Promise<boolean> {
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  for (;;) {
    if ((await store.lag()).pending === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 25));
  }
}
