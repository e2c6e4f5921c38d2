import { createMemorySagaStore, type MemorySagaStore } from './memory.js';
import { sagaStoreCases } from './store-cases.js';

let store: MemorySagaStore = createMemorySagaStore();
sagaStoreCases('memory', async () => ({
  get store() {
    return store;
  },
  async reset() {
    store = createMemorySagaStore();
  },
}));
