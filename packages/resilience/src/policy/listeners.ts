/** A listener list for the `onX` hooks of policies. Internal. */
export interface Listeners<E> {
  /** Adds a listener; the returned function removes it (calling it twice is harmless). */
  add(listener: (event: E) => void): () => void;
  /**
   * Calls each listener in the order added. A listener that throws does not stop the others or the call being
   * observed: observing a policy must never change what it does.
   */
  emit(event: E): void;
}

export function createListeners<E>(): Listeners<E> {
  const listeners = new Set<(event: E) => void>();
  return {
    add(listener) {
      // A wrapper, so adding the same function twice gives two independent subscriptions.
      const entry = (event: E) => listener(event);
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
    emit(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch {
          // Deliberately ignored, see `emit`.
        }
      }
    },
  };
}
