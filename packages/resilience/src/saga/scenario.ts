/**
 * Given/when/then helpers for saga tests, on a memory store and a fake clock. No test framework is imported: a
 * failed expectation throws a `SagaScenarioError` listing every mismatch, which any runner reports.
 *
 * ```ts
 * await sagaScenario(benefitSaga)
 *   .given({ applicationId: 'a-1', citizenId: 'c-1' })
 *   .when({ failAt: 'schedule-payment' })
 *   .expect({ status: 'failed', completed: ['check-eligibility', 'approve'], compensated: ['approve'] });
 * ```
 *
 * (The last call is `expect`, not `then`: an object with a `then` method is a thenable, and `await` would call it.)
 */
import { isDeepStrictEqual } from 'node:util';
import { createFakeClock } from '../clock.js';
import type { SagaDefinition, SagaStep } from './define.js';
import { createMemorySagaStore } from './memory.js';
import type { SagaInstance, SagaStatus, SagaTransition } from './port.js';
import { createSagaRunner } from './runner.js';

/**
 * What happens to the run. `{}`: every action runs as defined. `failAt`: that step's action throws instead of
 * running. `timeoutAt`: that step's action never settles and the fake clock passes its deadline (the step needs a
 * `timeoutMs`, or the scenario's `stepTimeoutMs`). `crashAt`: that step's action hangs once, the runner is
 * abandoned, and a new runner on the same store `resume()`s the saga (so the step runs again).
 */
export type SagaScenarioEvent<StepName extends string> =
  | { readonly failAt?: never; readonly timeoutAt?: never; readonly crashAt?: never }
  | { readonly failAt: StepName; readonly timeoutAt?: never; readonly crashAt?: never }
  | { readonly timeoutAt: StepName; readonly failAt?: never; readonly crashAt?: never }
  | { readonly crashAt: StepName; readonly failAt?: never; readonly timeoutAt?: never };

/** What a user would check after the run. Every field is optional; `state` is matched on the fields it names. */
export interface SagaExpectations<State, StepName extends string> {
  readonly status?: SagaStatus;
  /** Actions that completed, in order. */
  readonly completed?: readonly StepName[];
  /** Compensations that completed, in order. */
  readonly compensated?: readonly StepName[];
  readonly state?: Partial<State>;
}

/** The run: the final instance, every transition, and the steps whose action or compensation completed. */
export interface SagaScenarioOutcome<State, StepName extends string> {
  readonly instance: SagaInstance<State>;
  readonly transitions: readonly SagaTransition[];
  readonly completed: readonly StepName[];
  readonly compensated: readonly StepName[];
}

export interface SagaScenarioOptions {
  /** Timeout of steps without `timeoutMs` (matters for `timeoutAt`). @default 30_000 */
  readonly stepTimeoutMs?: number;
  /** @default 'scenario-1' */
  readonly sagaId?: string;
}

export interface SagaScenarioWhen<State, StepName extends string> {
  /** Runs the saga to a final state and resolves with what happened. */
  run(): Promise<SagaScenarioOutcome<State, StepName>>;
  /** Runs it, then checks `expectations`; rejects with `SagaScenarioError` on any mismatch, else resolves the outcome. */
  expect(expectations: SagaExpectations<State, StepName>): Promise<SagaScenarioOutcome<State, StepName>>;
}

export interface SagaScenarioGiven<State, StepName extends string> extends SagaScenarioWhen<State, StepName> {
  when(event: SagaScenarioEvent<StepName>): SagaScenarioWhen<State, StepName>;
}

export interface SagaScenario<State, Input, StepName extends string> {
  given(input: Input): SagaScenarioGiven<State, StepName>;
}

/** A failed expectation: `mismatches` names each field that differed, with wanted and actual values. */
export class SagaScenarioError extends Error {
  override readonly name = 'SagaScenarioError';
  readonly mismatches: readonly { readonly field: string; readonly want: unknown; readonly got: unknown }[];

  constructor(mismatches: SagaScenarioError['mismatches']) {
    super(
      `saga scenario expectations not met:\n${mismatches
        .map((m) => `  ${m.field}: want ${JSON.stringify(m.want)}, got ${JSON.stringify(m.got)}`)
        .join('\n')}`,
    );
    this.mismatches = mismatches;
  }
}

/** Starts a scenario for `definition`. */
export function sagaScenario<State, Input, StepName extends string>(
  definition: SagaDefinition<State, Input, StepName>,
  options: SagaScenarioOptions = {},
): SagaScenario<State, Input, StepName> {
  return {
    given(input) {
      const whenApi = (event: SagaScenarioEvent<StepName>): SagaScenarioWhen<State, StepName> => {
        const run = () => play(definition, input, event, options);
        return {
          run,
          async expect(expectations) {
            const outcome = await run();
            check(outcome, expectations);
            return outcome;
          },
        };
      };
      return { ...whenApi({}), when: whenApi };
    },
  };
}

async function play<State, Input, StepName extends string>(
  definition: SagaDefinition<State, Input, StepName>,
  input: Input,
  when: SagaScenarioEvent<StepName>,
  options: SagaScenarioOptions,
): Promise<SagaScenarioOutcome<State, StepName>> {
  const event: { failAt?: string; timeoutAt?: string; crashAt?: string } = when;
  const clock = createFakeClock();
  const store = createMemorySagaStore();
  const sagaId = options.sagaId ?? 'scenario-1';
  const stepTimeoutMs = options.stepTimeoutMs ?? 30_000;
  const completed: StepName[] = [];
  const compensated: StepName[] = [];
  const transitions: SagaTransition[] = [];
  let crashed = false;
  let hung: () => void = () => {};
  const reachedHang = new Promise<void>((resolve) => {
    hung = resolve;
  });

  const wrap = (step: SagaStep<State, StepName>): SagaStep<State, StepName> => ({
    ...step,
    async action(ctx) {
      if (event.failAt === step.name) throw new Error(`scenario: ${step.name} fails`);
      if (event.timeoutAt === step.name || (event.crashAt === step.name && !crashed)) {
        crashed = true;
        hung();
        return new Promise<never>(() => {});
      }
      const patch = await step.action(ctx);
      completed.push(step.name);
      return patch;
    },
    ...(step.compensate && {
      async compensate(ctx) {
        const patch = await step.compensate?.(ctx);
        compensated.push(step.name);
        return patch;
      },
    }),
  });
  const wrapped: SagaDefinition<State, Input, StepName> = { ...definition, steps: definition.steps.map(wrap) };

  const runner = () =>
    createSagaRunner({ store, clock, stepTimeoutMs, sagas: [wrapped], onTransition: (t) => transitions.push(t) });
  let instance: SagaInstance<State>;
  if (event.crashAt !== undefined) {
    void runner()
      .start(sagaId, wrapped, input)
      .catch(() => {});
    await reachedHang;
    const { instances, errors } = await runner().resume();
    if (errors[0]) throw errors[0].error;
    instance = instances[0] as SagaInstance<State>;
  } else {
    const done = runner().start(sagaId, wrapped, input);
    if (event.timeoutAt !== undefined) {
      await reachedHang;
      await clock.runAll();
    }
    instance = await done;
  }
  return { instance, transitions, completed, compensated };
}

function check<State, StepName extends string>(
  outcome: SagaScenarioOutcome<State, StepName>,
  want: SagaExpectations<State, StepName>,
): void {
  const mismatches: { field: string; want: unknown; got: unknown }[] = [];
  const compare = (field: string, wanted: unknown, got: unknown) => {
    if (wanted !== undefined && !isDeepStrictEqual(wanted, got)) mismatches.push({ field, want: wanted, got });
  };
  compare('status', want.status, outcome.instance.status);
  compare('completed', want.completed, outcome.completed);
  compare('compensated', want.compensated, outcome.compensated);
  for (const [key, value] of Object.entries(want.state ?? {})) {
    compare(`state.${key}`, value, (outcome.instance.state as Record<string, unknown>)[key]);
  }
  if (mismatches.length > 0) throw new SagaScenarioError(mismatches);
}
