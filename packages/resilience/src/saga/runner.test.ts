import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../clock.js';
import { isSagaError } from '../errors.js';
import { defineSaga } from './define.js';
import { createMemorySagaStore } from './memory.js';
import type { SagaTransition } from './port.js';
import { createSagaRunner } from './runner.js';

interface Order {
  readonly orderId: string;
  readonly log: readonly string[];
}

/** Four steps that record what ran in `calls`; `failAt` makes one step throw. */
function orderSaga(calls: string[], failAt?: string, hooks: { wait?: Promise<void> } = {}) {
  const step = (name: string, timeoutMs?: number) => ({
    name,
    ...(timeoutMs !== undefined && { timeoutMs }),
    async action() {
      calls.push(`do ${name}`);
      if (name === 'ship' && hooks.wait) await hooks.wait;
      if (name === failAt) throw Object.assign(new Error(`${name} broke`), { code: 'E_BROKE' });
      return name === 'reserve' ? { log: ['reserved'] } : undefined;
    },
    async compensate() {
      calls.push(`undo ${name}`);
    },
  });
  return defineSaga({
    name: 'order',
    initial: (input: { orderId: string }): Order => ({ orderId: input.orderId, log: [] }),
    steps: [step('reserve'), step('charge'), step('ship', 1_000), step('notify')],
  });
}

describe('saga runner', () => {
  it('runs every step in order and completes, merging what actions return into the state', async () => {
    const calls: string[] = [];
    const runner = createSagaRunner({ store: createMemorySagaStore(), clock: createFakeClock(5) });
    const done = await runner.start('o-1', orderSaga(calls), { orderId: 'o-1' });
    expect(calls).toEqual(['do reserve', 'do charge', 'do ship', 'do notify']);
    expect(done).toMatchObject({ status: 'completed', version: 5, state: { orderId: 'o-1', log: ['reserved'] } });
    expect(done.step).toBeUndefined();
  });

  it('on a failure at step 3 compensates step 2 then step 1 and ends failed', async () => {
    const calls: string[] = [];
    const store = createMemorySagaStore();
    const runner = createSagaRunner({ store, clock: createFakeClock() });
    const done = await runner.start('o-2', orderSaga(calls, 'ship'), { orderId: 'o-2' });
    expect(calls).toEqual(['do reserve', 'do charge', 'do ship', 'undo charge', 'undo reserve']);
    expect(done.status).toBe('failed');
    expect(done.failure).toEqual({ step: 'ship', name: 'Error', message: 'ship broke', code: 'E_BROKE' });
    const history = await store.history('o-2');
    expect(history.map((t) => [t.kind, t.step, t.to.status, t.to.step])).toEqual([
      ['started', undefined, 'running', 'reserve'],
      ['step-completed', 'reserve', 'running', 'charge'],
      ['step-completed', 'charge', 'running', 'ship'],
      ['step-failed', 'ship', 'compensating', 'charge'],
      ['step-compensated', 'charge', 'compensating', 'reserve'],
      ['step-compensated', 'reserve', 'failed', undefined],
    ]);
  });

  it('emits every transition, in version order, with the shape it persists; unsubscribe stops them', async () => {
    const store = createMemorySagaStore();
    const seen: SagaTransition[] = [];
    const runner = createSagaRunner({ store, clock: createFakeClock(1_000), onTransition: (t) => seen.push(t) });
    const later: SagaTransition[] = [];
    const stop = runner.onTransition((t) => later.push(t));
    runner.onTransition(() => {
      throw new Error('a broken listener changes nothing');
    });
    await runner.start('o-3', orderSaga([], 'charge'), { orderId: 'o-3' });
    expect(seen).toEqual(await store.history('o-3'));
    expect(seen.map((t) => t.version)).toEqual([1, 2, 3, 4]);
    expect(seen[2]).toEqual({
      sagaId: 'o-3',
      sagaName: 'order',
      version: 3,
      kind: 'step-failed',
      step: 'charge',
      from: { status: 'running', step: 'charge' },
      to: { status: 'compensating', step: 'reserve' },
      error: { step: 'charge', name: 'Error', message: 'charge broke', code: 'E_BROKE' },
      state: { orderId: 'o-3', log: ['reserved'] },
      at: 1_000,
    });
    stop();
    await runner.start('o-4', orderSaga([]), { orderId: 'o-4' });
    expect(later).toHaveLength(4);
    expect(seen).toHaveLength(9);
  });

  it('fails a step that passes its timeout (fake clock) and compensates the completed steps', async () => {
    const calls: string[] = [];
    const clock = createFakeClock();
    const runner = createSagaRunner({ store: createMemorySagaStore(), clock });
    let aborted: unknown;
    const saga = defineSaga({
      name: 'slow',
      initial: (_: undefined) => ({}),
      steps: [
        { name: 'a', action: async () => void calls.push('do a'), compensate: async () => void calls.push('undo a') },
        {
          name: 'b',
          timeoutMs: 5_000,
          action: ({ signal }) =>
            new Promise<void>(() => {
              signal.addEventListener('abort', () => {
                aborted = signal.reason;
              });
            }),
        },
      ],
    });
    const run = runner.start('s-1', saga, undefined);
    await clock.advance(4_999);
    expect(calls).toEqual(['do a']);
    await clock.advance(1);
    const done = await run;
    expect(calls).toEqual(['do a', 'undo a']);
    expect(done.status).toBe('failed');
    expect(done.failure).toMatchObject({ step: 'b', name: 'TimeoutError', code: 'HUMANGOV_POLICY_TIMEOUT' });
    expect(aborted).toMatchObject({ code: 'HUMANGOV_POLICY_TIMEOUT' });
  });

  it('resumes after a crash: a new runner on the same store re-runs the interrupted step and finishes', async () => {
    const store = createMemorySagaStore();
    const calls: string[] = [];
    const never = new Promise<void>(() => {});
    const first = createSagaRunner({ store, clock: createFakeClock() });
    void first.start('o-5', orderSaga(calls, undefined, { wait: never }), { orderId: 'o-5' });
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual(['do reserve', 'do charge', 'do ship']);
    expect(await store.load('o-5')).toMatchObject({ status: 'running', step: 'ship', version: 3 });

    // The process "died"; a new one registers the same definition and resumes.
    const second = createSagaRunner({ store, clock: createFakeClock(), sagas: [orderSaga(calls)] });
    const { instances, errors } = await second.resume();
    expect(errors).toEqual([]);
    expect(instances.map((i) => [i.sagaId, i.status])).toEqual([['o-5', 'completed']]);
    expect(calls).toEqual(['do reserve', 'do charge', 'do ship', 'do ship', 'do notify']);
    expect(await store.listUnfinished()).toEqual([]);
  });

  it('resume reports instances it has no definition for, and leaves them unfinished', async () => {
    const store = createMemorySagaStore();
    void createSagaRunner({ store }).start('o-6', orderSaga([], undefined, { wait: new Promise(() => {}) }), {
      orderId: 'o-6',
    });
    await new Promise((r) => setImmediate(r));
    const { instances, errors } = await createSagaRunner({ store }).resume();
    expect(instances).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(isSagaError(errors[0]?.error, 'HUMANGOV_SAGA_DEFINITION')).toBe(true);
    expect(await store.listUnfinished()).toHaveLength(1);
  });

  it('optimistic concurrency: two runners driving one instance, the slower save loses with a conflict', async () => {
    const store = createMemorySagaStore();
    const calls: string[] = [];
    let release: () => void = () => {};
    const wait = new Promise<void>((r) => {
      release = r;
    });
    const slow = createSagaRunner({ store }).start('o-7', orderSaga(calls, undefined, { wait }), { orderId: 'o-7' });
    await new Promise((r) => setImmediate(r));
    const fast = await createSagaRunner({ store, sagas: [orderSaga(calls)] }).resume();
    expect(fast.instances[0]?.status).toBe('completed');
    release();
    const error = await slow.catch((e: unknown) => e);
    expect(isSagaError(error, 'HUMANGOV_SAGA_CONFLICT')).toBe(true);
    expect(error).toMatchObject({ sagaId: 'o-7', reason: 'version', expectedVersion: 3 });
    expect(await store.load('o-7')).toMatchObject({ status: 'completed', version: 5 });
  });

  it('refuses to start an id that exists', async () => {
    const runner = createSagaRunner({ store: createMemorySagaStore() });
    await runner.start('o-8', orderSaga([]), { orderId: 'o-8' });
    await expect(runner.start('o-8', orderSaga([]), { orderId: 'o-8' })).rejects.toMatchObject({
      code: 'HUMANGOV_SAGA_CONFLICT',
      reason: 'exists',
    });
  });

  it('a compensation that throws ends the saga compensation-failed at that step', async () => {
    const calls: string[] = [];
    const saga = defineSaga({
      name: 'stuck',
      initial: (_: undefined) => ({}),
      steps: [
        { name: 'a', action: async () => {}, compensate: async () => void calls.push('undo a') },
        {
          name: 'b',
          action: async () => {},
          compensate: async () => {
            throw new Error('cannot undo b');
          },
        },
        {
          name: 'c',
          action: async () => {
            throw new Error('c broke');
          },
        },
      ],
    });
    const done = await createSagaRunner({ store: createMemorySagaStore() }).start('x', saga, undefined);
    expect(done).toMatchObject({ status: 'compensation-failed', step: 'b', failure: { step: 'c' } });
    expect(calls).toEqual([]);
  });

  it('skips steps without a compensation when compensating', async () => {
    const calls: string[] = [];
    const saga = defineSaga({
      name: 'skip',
      initial: (_: undefined) => ({}),
      steps: [
        { name: 'a', action: async () => {}, compensate: async () => void calls.push('undo a') },
        { name: 'b', action: async () => {} },
        {
          name: 'c',
          action: async () => {
            throw new Error('c broke');
          },
        },
      ],
    });
    const done = await createSagaRunner({ store: createMemorySagaStore() }).start('y', saga, undefined);
    expect(done.status).toBe('failed');
    expect(calls).toEqual(['undo a']);
  });

  it('defineSaga rejects duplicate step names', () => {
    expect(() =>
      defineSaga({
        name: 'dup',
        initial: () => ({}),
        steps: [
          { name: 'a', action: async () => {} },
          { name: 'a', action: async () => {} },
        ],
      }),
    ).toThrow('used twice');
  });
});
