import { describe, expect, it } from 'vitest';
import { defineSaga } from './define.js';
import { sagaScenario } from './scenario.js';

const saga = defineSaga({
  name: 'pair',
  initial: (input: { n: number }) => ({ n: input.n }),
  steps: [
    { name: 'first', action: async ({ state }) => ({ n: state.n + 1 }), compensate: async () => ({ n: 0 }) },
    { name: 'second', action: async ({ state }) => ({ n: state.n * 10 }) },
  ],
});

describe('sagaScenario', () => {
  it('passes when the run matches, and resolves with the outcome', async () => {
    const outcome = await sagaScenario(saga)
      .given({ n: 1 })
      .expect({ status: 'completed', state: { n: 20 } });
    expect(outcome.completed).toEqual(['first', 'second']);
  });

  it('rejects with every mismatch named, wanted and actual', async () => {
    const error = await sagaScenario(saga)
      .given({ n: 1 })
      .when({ failAt: 'second' })
      .expect({ status: 'completed', compensated: [], state: { n: 2 } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'SagaScenarioError',
      mismatches: [
        { field: 'status', want: 'completed', got: 'failed' },
        { field: 'compensated', want: [], got: ['first'] },
        { field: 'state.n', want: 2, got: 0 },
      ],
    });
  });

  it('types: step names and state fields are checked at compile time', () => {
    const given = sagaScenario(saga).given({ n: 1 });
    // @ts-expect-error 'thrid' is not a step of the saga
    given.when({ failAt: 'thrid' });
    // @ts-expect-error one event at a time
    given.when({ failAt: 'first', timeoutAt: 'second' });
    // @ts-expect-error the state has no field m
    void given.expect({ state: { m: 1 } }).catch(() => {});
    // @ts-expect-error the input is { n: number }
    sagaScenario(saga).given({ m: 1 });
    expect(saga.steps.map((s) => s.name)).toEqual(['first', 'second']);
  });
});
