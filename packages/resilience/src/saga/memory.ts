/**
 * The in-memory saga store: for tests, demos and single-process services that accept losing sagas on a crash.
 * Same contracts as the SQL stores; instances are copied through JSON, as a database would.
 */
import { SagaConflictError } from './errors.js';
import type { SagaHistory, SagaInstance, SagaStore, SagaTransition } from './port.js';

export interface MemorySagaStore extends SagaStore, SagaHistory {}

/** Creates an empty memory saga store. */
export function createMemorySagaStore(): MemorySagaStore {
  const instances = new Map<string, string>();
  const transitions = new Map<string, string[]>();
  const read = (json: string) => JSON.parse(json) as SagaInstance;

  return {
    async create(instance, transition) {
      if (instances.has(instance.sagaId)) throw new SagaConflictError({ sagaId: instance.sagaId, reason: 'exists' });
      instances.set(instance.sagaId, JSON.stringify(instance));
      transitions.set(instance.sagaId, [JSON.stringify(transition)]);
    },
    async load(sagaId) {
      const json = instances.get(sagaId);
      return json === undefined ? undefined : read(json);
    },
    async save(instance, transition) {
      const stored = instances.get(instance.sagaId);
      const expectedVersion = instance.version - 1;
      if (stored === undefined || read(stored).version !== expectedVersion) {
        throw new SagaConflictError({ sagaId: instance.sagaId, reason: 'version', expectedVersion });
      }
      instances.set(instance.sagaId, JSON.stringify(instance));
      transitions.get(instance.sagaId)?.push(JSON.stringify(transition));
    },
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
