import { describe, expect, it } from 'vitest';
import { row, storeSuite } from '../../test/store-suite.js';
import { createMemoryStore, type MemoryStore, type MemoryTransaction } from './memory.js';

let time = 1_000_000;
let store: MemoryStore;

storeSuite({
  name: 'memory',
  setup: async () => proxy(),
});

/** A kit whose store is replaced by `reset()`; the fake clock moves with `advance()`. */
function proxy() {
  store = createMemoryStore({ now: () => time });
  const kit = {
    get outbox() {
      return store.outbox;
    },
    get inbox() {
      return store.inbox;
    },
    transaction: <T>(fn: (tx: MemoryTransaction) => Promise<T> | T) => store.transaction(fn),
    async advance(ms: number) {
      time += ms;
    },
    async reset() {
      store = createMemoryStore({ now: () => time });
    },
  };
  return kit;
}

describe('memory store', () => {
  it('refuses a transaction handle after its transaction ended', async () => {
    const s = createMemoryStore();
    const leaked = await s.transaction((tx) => tx);
    await expect(s.outbox.add(leaked, [row('a', 1)])).rejects.toThrow('not open');
  });

  it('copies bodies: changing the caller buffer after add changes nothing', async () => {
    const s = createMemoryStore();
    const r = row('a', 1);
    const body = new Uint8Array(r.body);
    await s.transaction((tx) => s.outbox.add(tx, [{ ...r, body }]));
    body.fill(0);
    const [claimed] = await s.outbox.claim(1, 1_000);
    expect(new TextDecoder().decode(claimed?.body)).toBe('{"n":1}');
  });
});
