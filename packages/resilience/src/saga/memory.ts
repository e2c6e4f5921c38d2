/**
 * The in-memory saga store: for tests, demos and single-process services that accept losing sagas on a crash.
 * Same contracts as the SQL stores; instances are copied through JSON, as a database would.
 */
import { SagaConflictError } from '../errors.js';
import type { SagaHistory, SagaInstance, SagaStore, SagaTransition, SagaTransitionSink } from './port.js';

export interface MemorySagaStore extends SagaStore, SagaHistory {}

export interface MemorySagaStoreOptions<Tx> {
  /** Written with each create/save, e.g. the transition into a `createMemoryStore()` outbox. @default none */
  readonly sink?: SagaTransitionSink<Tx>;
}

/** Creates an empty memory saga store. */
export function createMemorySagaStore<Tx = unknown>(options: MemorySagaStoreOptions<Tx> = {}): MemorySagaStore {
  const instances = new Map<string, string>();
  const transitions = new Map<string, string[]>();
  const read = (json: string) => JSON.parse(json) as SagaInstance;
  const { sink } = options;
  // The sink writes first; the checks and the change follow it in the same turn, so a failed write changes nothing.
  const withSink = async (apply: () => void, transition: SagaTransition): Promise<void> => {
    if (!sink) return apply();
    await sink.transactor.transaction(async (tx) => {
      await sink.write(tx, transition);
      apply();
    });
  };

  return {
    create: (instance, transition) =>
      withSink(() => {
        if (instances.has(instance.sagaId)) {
          throw new SagaConflictError({ sagaId: instance.sagaId, reason: 'exists' });
        }
        instances.set(instance.sagaId, JSON.stringify(instance));
        transitions.set(instance.sagaId, [JSON.stringify(transition)]);
      }, transition),
    async load(sagaId) {
      const json = instances.get(sagaId);
      return json === undefined ? undefined : read(json);
    },
    save: (instance, transition) =>
      withSink(() => {
        const stored = instances.get(instance.sagaId);
        const expectedVersion = instance.version - 1;
        if (stored === undefined || read(stored).version !== expectedVersion) {
          throw new SagaConflictError({ sagaId: instance.sagaId, reason: 'version', expectedVersion });
        }
        instances.set(instance.sagaId, JSON.stringify(instance));
        transitions.get(instance.sagaId)?.push(JSON.stringify(transition));
      }, transition),
    async listUnfinished() {
      return [...instances.values()]
        .map(read)
        .filter((i) => i.status === 'running' || i.status === 'compensating')
        .sort((a, b) => a.createdAt - b.createdAt);
    },
    async history(sagaId) {
      return (transitions.get(sagaId) ?? []).map((json) => JSON.parse(json) as SagaTransition);
    },
  };
}
