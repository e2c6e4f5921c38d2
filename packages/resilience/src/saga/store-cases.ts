/**
 * The saga store conformance table: every `SagaStore` runs these cases (memory, SQLite, PostgreSQL). Imports
 * vitest, so it is for this package's tests only (not exported).
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFakeClock } from '../clock.js';
import { defineSaga } from './define.js';
import type { SagaHistory, SagaInstance, SagaStore, SagaTransition } from './port.js';
import { createSagaRunner } from './runner.js';

export interface SagaStoreKit {
  readonly store: SagaStore & SagaHistory;
  /** Empties the tables between cases. */
  reset(): Promise<void>;
}

const instance = (sagaId: string, over: Partial<SagaInstance> = {}): SagaInstance => ({
  sagaId,
  sagaName: 'case',
  status: 'running',
  step: 'one',
  state: { list: [1, 2], nested: { ok: true }, text: 'é ✓' },
  version: 1,
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_000,
  ...over,
});

const transition = (i: SagaInstance): SagaTransition => ({
  sagaId: i.sagaId,
  sagaName: i.sagaName,
  version: i.version,
  kind: i.version === 1 ? 'started' : 'step-completed',
  to: i.step === undefined ? { status: i.status } : { status: i.status, step: i.step },
  state: i.state,
  at: i.updatedAt,
});

const cases: readonly { name: string; run(store: SagaStore & SagaHistory): Promise<void> }[] = [
  {
    name: 'create then load returns the same instance; an unknown id loads undefined',
    async run(store) {
      const a = instance('a');
      await store.create(a, transition(a));
      expect(await store.load('a')).toEqual(a);
      expect(await store.load('nope')).toBeUndefined();
    },
  },
  {
    name: 'create of an existing id rejects with a conflict and changes nothing',
    async run(store) {
      const a = instance('a');
      await store.create(a, transition(a));
      const other = instance('a', { sagaName: 'other' });
      await expect(store.create(other, transition(other))).rejects.toMatchObject({
        code: 'HUMANGOV_SAGA_CONFLICT',
        reason: 'exists',
      });
      expect(await store.load('a')).toEqual(a);
      expect(await store.history('a')).toHaveLength(1);
    },
  },
  {
    name: 'save at the next version stores the instance (failure included) and appends its transition',
    async run(store) {
      const a = instance('a');
      await store.create(a, transition(a));
      const b = instance('a', {
        version: 2,
        status: 'compensating',
        step: 'zero',
        failure: { step: 'one', name: 'Error', message: 'x', code: 'E' },
        updatedAt: a.updatedAt + 5,
      });
      await store.save(b, transition(b));
      expect(await store.load('a')).toEqual(b);
      expect((await store.history('a')).map((t) => t.version)).toEqual([1, 2]);
      expect((await store.history('a'))[1]).toEqual(transition(b));
    },
  },
  {
    name: 'save with a stale version rejects with a conflict and changes nothing (one of two writers loses)',
    async run(store) {
      const a = instance('a');
      await store.create(a, transition(a));
      const first = instance('a', { version: 2, step: 'two' });
      const second = instance('a', { version: 2, step: 'three' });
      const results = await Promise.allSettled([
        store.save(first, transition(first)),
        store.save(second, transition(second)),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const lost = results.find((r) => r.status === 'rejected');
      expect(lost?.status === 'rejected' && lost.reason).toMatchObject({
        code: 'HUMANGOV_SAGA_CONFLICT',
        reason: 'version',
        expectedVersion: 1,
      });
      expect(await store.history('a')).toHaveLength(2);
      const missing = instance('ghost', { version: 2 });
      await expect(store.save(missing, transition(missing))).rejects.toMatchObject({ reason: 'version' });
    },
  },
  {
    name: 'listUnfinished returns running and compensating instances, oldest first',
    async run(store) {
      const rows = [
        instance('late', { createdAt: 3 }),
        instance('done', { status: 'completed', step: undefined, createdAt: 1 }),
        instance('back', { status: 'compensating', createdAt: 2 }),
        instance('bad', { status: 'failed', step: undefined, createdAt: 0 }),
        instance('stuck', { status: 'compensation-failed', createdAt: 0 }),
      ];
      for (const r of rows) await store.create(r, transition(r));
      expect((await store.listUnfinished()).map((i) => i.sagaId)).toEqual(['back', 'late']);
    },
  },
  {
    name: 'a runner resumes a saga from the store after its first runner crashed',
    async run(store) {
      const calls: string[] = [];
      const saga = (hang: boolean) =>
        defineSaga({
          name: 'resumable',
          initial: (n: number) => ({ n }),
          steps: [
            { name: 'add', action: async ({ state }) => ({ n: state.n + 1 }) },
            {
              name: 'wait',
              action: async () => {
                calls.push('wait');
                if (hang) await new Promise(() => {});
              },
            },
            { name: 'double', action: async ({ state }) => ({ n: state.n * 2 }) },
          ],
        });
      void createSagaRunner({ store, clock: createFakeClock() }).start('r', saga(true), 1);
      for (let i = 0; i < 50 && calls.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
      const { instances } = await createSagaRunner({ store, sagas: [saga(false)] }).resume();
      expect(instances.map((i) => [i.status, i.state])).toEqual([['completed', { n: 4 }]]);
      expect(calls).toEqual(['wait', 'wait']);
      expect((await store.history('r')).map((t) => t.kind)).toEqual([
        'started',
        'step-completed',
        'step-completed',
        'step-completed',
      ]);
    },
  },
];

/** Runs the conformance table against the store `setup` makes. */
export function sagaStoreCases(name: string, setup: () => Promise<SagaStoreKit>): void {
  describe(`saga store: ${name}`, () => {
    let kit: SagaStoreKit;
    beforeAll(async () => {
      kit = await setup();
    });
    beforeEach(async () => {
      await kit.reset();
    });
    for (const c of cases) it(c.name, () => c.run(kit.store));
  });
}
