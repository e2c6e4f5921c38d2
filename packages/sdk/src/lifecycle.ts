/**
 * Typed lifecycle events of publishers and routers (STYLE.md rule 11: observability is opt-in and cheap).
 * Listeners are called synchronously; one that throws is ignored, so observing can never break delivery.
 */
import type { CloudEvent, Issue } from '@humangov/events';

export type LifecycleEvent =
  | { readonly kind: 'published'; readonly event: CloudEvent; readonly channel: string; readonly durationMs: number }
  | { readonly kind: 'publish-failed'; readonly type: string; readonly channel: string; readonly error: unknown }
  | { readonly kind: 'received'; readonly channel: string; readonly partition?: number; readonly offset?: string }
  | { readonly kind: 'handled'; readonly event: CloudEvent; readonly durationMs: number }
  | { readonly kind: 'ignored'; readonly event: CloudEvent; readonly reason: string }
  | { readonly kind: 'failed'; readonly event: CloudEvent; readonly error: unknown; readonly attempt: number }
  | {
      /** A failed message was handed back for redelivery after `delayMs` (through the broker when `broker`). */
      readonly kind: 'redelivery-scheduled';
      readonly event: CloudEvent;
      readonly attempt: number;
      readonly delayMs: number;
      readonly broker: boolean;
    }
  | {
      readonly kind: 'dead-lettered';
      readonly channel: string;
      readonly deadLetterChannel: string;
      readonly reason: DeadLetterReason;
      readonly issues: readonly Issue[];
      /** Deliveries of the message before it was dead-lettered (reason `handler-failed`). */
      readonly attempts?: number;
      /** The event whose handler failed (reason `handler-failed`); log it through `redactLifecycleEvent`. */
      readonly event?: CloudEvent;
    }
  | {
      /** The dead letter could not be written; the message was nacked and comes back after a growing pause. */
      readonly kind: 'dead-letter-failed';
      readonly channel: string;
      readonly deadLetterChannel: string;
      readonly reason: DeadLetterReason;
      readonly error: unknown;
    };

/** Why a message went to the dead-letter channel. */
export type DeadLetterReason = 'undecodable' | 'invalid' | 'unknown-type' | 'upcast-failed' | 'handler-failed';

export type LifecycleListener = (event: LifecycleEvent) => void;

/** A set of listeners; `on` returns the function that removes the listener. */
export class Listeners {
  private readonly listeners = new Set<LifecycleListener>();

  /** How many listeners there are: with none, callers skip building events (and timing them). */
  get size(): number {
    return this.listeners.size;
  }

  on(listener: LifecycleListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: LifecycleEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // An observer must not break delivery.
      }
    }
  }
}
