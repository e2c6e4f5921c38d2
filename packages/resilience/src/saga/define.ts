/** Saga definitions: named steps with actions and compensations, and the initial state built from the input. */
import type { SagaFailure } from './port.js';

/** What a step's action sees. */
export interface SagaStepContext<State> {
  readonly sagaId: string;
  readonly step: string;
  /** The state before this step (the initial state merged with every earlier step's result). */
  readonly state: Readonly<State>;
  /**
   * Aborts when the step times out (reason: a `TimeoutError`). The runner moves on at the deadline without waiting
   * for the action, so honour it: pass it to fetch and the database driver.
   */
  readonly signal: AbortSignal;
}

/** What a compensation sees: also the failure that made the saga turn back. */
export interface SagaCompensationContext<State> {
  readonly sagaId: string;
  readonly step: string;
  readonly state: Readonly<State>;
  readonly failure: SagaFailure | undefined;
}

/**
 * One step. Both functions run at least once per saga run, and may run again: after a crash the step that was
 * running (or being compensated) when the process died runs again from the start on `resume()`, and a concurrent
 * runner may run it too before losing the version check. So make them idempotent, e.g. keyed by `sagaId + step`.
 */
export interface SagaStep<State, StepName extends string = string> {
  readonly name: StepName;
  /** Does the work; resolves with fields to merge (shallowly) into the state, or nothing. Throwing fails the step. */
  // biome-ignore lint/suspicious/noConfusingVoidType: lets `async () => {}` (Promise<void>) be an action
  action(ctx: SagaStepContext<State>): Promise<Partial<State> | void>;
  /**
   * Undoes a completed step when a later step fails; resolves with fields to merge into the state, or nothing.
   * Steps without one are skipped when compensating. Throwing leaves the saga `compensation-failed` (final: a
   * human decides), so wrap transient failures in a `retry` policy here.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: lets `async () => {}` (Promise<void>) be a compensation
  compensate?(ctx: SagaCompensationContext<State>): Promise<Partial<State> | void>;
  /** Deadline of the action (clock ms); passing it fails the step with a `TimeoutError`. @default the runner's `stepTimeoutMs` */
  readonly timeoutMs?: number;
}

/** A saga definition. Build one with `defineSaga` so `State`, `Input` and the step names are inferred. */
export interface SagaDefinition<State, Input, StepName extends string = string> {
  /** Stored with each instance; `resume()` finds the definition by it. Unique per runner. */
  readonly name: string;
  readonly steps: readonly SagaStep<State, StepName>[];
  /** The state a new run starts from. Must survive JSON (it is stored). */
  initial(input: Input): State;
}

/** Any definition, as the runner's registry holds it. */
export type AnySagaDefinition = SagaDefinition<any, any, string>;

/** The step names of a definition, as a string union. */
export type StepNameOf<D> = D extends SagaDefinition<any, any, infer N> ? N : never;
export type StateOf<D> = D extends SagaDefinition<infer S, any, any> ? S : never;
export type InputOf<D> = D extends SagaDefinition<any, infer I, any> ? I : never;

/**
 * Checks and returns a definition: at least one step, unique step names. `State` and `Input` are inferred from
 * `initial` (annotate its parameter and return type), the step names as literals.
 *
 * ```ts
 * const saga = defineSaga({
 *   name: 'benefit-application',
 *   initial: (input: { applicationId: string }): AppState => ({ ...input }),
 *   steps: [{ name: 'check-eligibility', action: async ({ state }) => ({ eligible: true }) }],
 * });
 * ```
 */
export function defineSaga<State, Input, const StepName extends string>(
  definition: SagaDefinition<State, Input, StepName>,
): SagaDefinition<State, Input, StepName> {
  if (definition.steps.length === 0) throw new TypeError(`saga ${definition.name}: needs at least one step`);
  const names = new Set<string>();
  for (const step of definition.steps) {
    if (names.has(step.name)) throw new TypeError(`saga ${definition.name}: step name ${step.name} is used twice`);
    names.add(step.name);
  }
  return definition;
}
