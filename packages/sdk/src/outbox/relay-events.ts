/** Lifecycle events of the outbox relay (STYLE.md rule 11: typed, opt-in, a listener that throws is ignored). */

export type OutboxRelayEvent =
  /** One claimed batch done: how many rows were published, failed (released for a retry) or left to their lease. */
  | {
      readonly kind: 'batch';
      readonly claimed: number;
      readonly published: number;
      readonly failed: number;
      readonly durationMs: number;
    }
  | {
      readonly kind: 'publish-failed';
      readonly id: string;
      readonly channel: string;
      readonly key?: string;
      readonly error: unknown;
    }
  /** A store operation failed (database down...); the relay backs off and tries again. */
  | {
      readonly kind: 'store-failed';
      readonly operation: 'claim' | 'mark' | 'release' | 'cleanup' | 'lag' | 'listen' | 'resign';
      readonly error: unknown;
    }
  /** The lag metric, every `lagEveryMs` while someone listens. */
  | { readonly kind: 'lag'; readonly pending: number; readonly oldestAgeMs: number }
  | { readonly kind: 'cleanup'; readonly deleted: number };

export type OutboxRelayListener = (event: OutboxRelayEvent) => void;

export class RelayListeners {
  private readonly listeners = new Set<OutboxRelayListener>();

  get size(): number {
    return this.listeners.size;
  }

  on(listener: OutboxRelayListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: OutboxRelayEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // An observer must not break the relay.
      }
    }
  }
}
