/**
 * The saga runner: drives instances through their steps, persisting every transition before it acts on it.
 *
 * running(step i) --action resolves--> running(step i+1) | completed
 * running(step i) --action throws or times out--> compensating(last completed step with a compensation) | failed
 * compensating(step j) --compensation resolves--> compensating(previous step with a compensation) | failed
 * compensating(step j) --compensation throws--> compensation-failed(step j)
 */
import { type Clock, systemClock } from '../clock.js';
import { SagaDefinitionError, TimeoutError } from '../errors.js';
import type { AnySagaDefinition, SagaDefinition } from './define.js';
import {
  isFinal,
  type SagaFailure,
  type SagaInstance,
  type SagaPosition,
  type SagaStore,
  type SagaTransition,
  type SagaTransitionKind,
} from './port.js';

/** Called after each transition is saved, synchronously and in order. */
export type SagaTransitionListener = (transition: SagaTransition) => void;

export interface SagaRunnerOptions {
  readonly store: SagaStore;
  /** Drives step timeouts and the `createdAt` / `updatedAt` / `at` timestamps. @default systemClock */
  readonly clock?: Clock;
  /**
   * Definitions `resume()` can continue, by `name`. `start()` registers its definition too; the latest one of a
   * name wins. @default []
   */
  readonly sagas?: readonly AnySagaDefinition[];
  /** Timeout of steps that set no `timeoutMs`. @default none: such steps may run for ever */
  readonly stepTimeoutMs?: number;
  /** A first transition listener (same as calling `onTransition`). */
  readonly onTransition?: SagaTransitionListener;
}

/** What `resume()` did: the instances it drove (as they ended), and the ones it could not drive, with why. */
export interface SagaResumeResult {
  readonly instances: readonly SagaInstance[];
  readonly errors: readonly { readonly sagaId: string; readonly error: unknown }[];
}

export interface SagaRunner {
  /**
   * Creates instance `sagaId` from `definition.initial(input)` and drives it to a final state; resolves with the
   * final instance (`completed`, `failed` or `compensation-failed`: step failures are outcomes, not rejections).
   * Rejects with `SagaConflictError` when the id exists (`reason: 'exists'`) or another runner saved the instance
   * meanwhile (`reason: 'version'`: that runner now drives it), and with the store's error when a save fails
   * (the instance stays where it was saved last; `resume()` continues it).
   */
  start<State, Input, StepName extends string>(
    sagaId: string,
    definition: SagaDefinition<State, Input, StepName>,
    input: Input,
  ): Promise<SagaInstance<State>>;
  /**
   * Loads every unfinished instance and drives each, concurrently, from its last saved position: the step that was
   * running or compensating when the last runner stopped runs again from its start (so actions and compensations
   * must be idempotent). Instances this runner is already driving are joined, not started twice.
   */
  resume(): Promise<SagaResumeResult>;
  /** Subscribes to transitions; returns the unsubscribe function. A throwing listener is ignored. */
  onTransition(listener: SagaTransitionListener): () => void;
}

type AnyStep = AnySagaDefinition['steps'][number];

type Outcome =
  | { readonly ok: true; readonly patch: unknown }
  | { readonly ok: false; readonly error: unknown; readonly timedOut: boolean };

/** Creates a runner over `options.store`. Several runners (processes) may share a store; see `SagaStore.save`. */
export function createSagaRunner(options: SagaRunnerOptions): SagaRunner {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const definitions = new Map<string, AnySagaDefinition>();
  const listeners = new Set<SagaTransitionListener>();
  const active = new Map<string, Promise<SagaInstance>>();
  // The latest definition of a name wins: a redeploy may bring a new version of the same saga.
  const register = (definition: AnySagaDefinition): void => {
    definitions.set(definition.name, definition);
  };
  for (const definition of options.sagas ?? []) register(definition);
  if (options.onTransition) listeners.add(options.onTransition);

  function emit(transition: SagaTransition): void {
    for (const listener of [...listeners]) {
      try {
        listener(transition);
      } catch {
        // A listener is an observer: its failure must not change the saga's course.
      }
    }
  }

  async function move(
    current: SagaInstance,
    kind: SagaTransitionKind,
    step: string,
    to: SagaPosition,
    patch: unknown,
    error?: SagaFailure,
  ): Promise<SagaInstance> {
    const at = clock.now();
    const state = patch ? { ...(current.state as object), ...(patch as object) } : current.state;
    const next: SagaInstance = {
      sagaId: current.sagaId,
      sagaName: current.sagaName,
      ...position(to),
      state,
      ...(kind === 'step-failed' || kind === 'step-timed-out'
        ? { failure: error }
        : current.failure && { failure: current.failure }),
      version: current.version + 1,
      createdAt: current.createdAt,
      updatedAt: at,
    };
    const transition: SagaTransition = {
      sagaId: current.sagaId,
      sagaName: current.sagaName,
      version: next.version,
      kind,
      step,
      from: position(current),
      to: position(to),
      ...(error && { error }),
      state,
      at,
    };
    await store.save(next, transition);
    emit(transition);
    return next;
  }

  async function runAction(step: AnyStep, current: SagaInstance): Promise<Outcome> {
    const controller = new AbortController();
    const ms = step.timeoutMs ?? options.stepTimeoutMs;
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    let expired: TimeoutError | undefined;
    const deadline =
      ms === undefined
        ? undefined
        : new Promise<never>((_, reject) => {
            timer = clock.setTimeout(() => {
              expired = new TimeoutError(ms);
              controller.abort(expired);
              reject(expired);
            }, ms);
          });
    const action = (async () =>
      step.action({
        sagaId: current.sagaId,
        step: step.name,
        state: current.state as never,
        signal: controller.signal,
      }))();
    try {
      const patch = await (deadline ? Promise.race([action, deadline]) : action);
      return { ok: true, patch };
    } catch (error) {
      return { ok: false, error, timedOut: expired !== undefined && error === expired };
    } finally {
      if (timer !== undefined) clock.clearTimeout(timer);
    }
  }

  /** The index of the last step before `index` that has a compensation, or -1. */
  const compensable = (definition: AnySagaDefinition, index: number): number => {
    for (let j = index - 1; j >= 0; j--) if (definition.steps[j]?.compensate) return j;
    return -1;
  };

  const backTo = (definition: AnySagaDefinition, index: number): SagaPosition => {
    const j = compensable(definition, index);
    return j < 0 ? { status: 'failed' } : { status: 'compensating', step: stepAt(definition, j).name };
  };

  async function advance(definition: AnySagaDefinition, current: SagaInstance): Promise<SagaInstance> {
    const index = indexOf(definition, current);
    const step = stepAt(definition, index);
    if (current.status === 'running') {
      const outcome = await runAction(step, current);
      if (outcome.ok) {
        const next = definition.steps[index + 1];
        const to: SagaPosition = next ? { status: 'running', step: next.name } : { status: 'completed' };
        return move(current, 'step-completed', step.name, to, outcome.patch);
      }
      return move(
        current,
        outcome.timedOut ? 'step-timed-out' : 'step-failed',
        step.name,
        backTo(definition, index),
        undefined,
        failureOf(step.name, outcome.error),
      );
    }
    try {
      const patch = await step.compensate?.({
        sagaId: current.sagaId,
        step: step.name,
        state: current.state as never,
        failure: current.failure,
      });
      return move(current, 'step-compensated', step.name, backTo(definition, index), patch);
    } catch (error) {
      const to: SagaPosition = { status: 'compensation-failed', step: step.name };
      return move(current, 'compensation-failed', step.name, to, undefined, failureOf(step.name, error));
    }
  }

  function drive(definition: AnySagaDefinition, instance: SagaInstance): Promise<SagaInstance> {
    const run = (async () => {
      let current = instance;
      while (!isFinal(current.status)) current = await advance(definition, current);
      return current;
    })();
    active.set(instance.sagaId, run);
    const forget = () => {
      if (active.get(instance.sagaId) === run) active.delete(instance.sagaId);
    };
    run.then(forget, forget);
    return run;
  }

  return {
    async start<State, Input, StepName extends string>(
      sagaId: string,
      definition: SagaDefinition<State, Input, StepName>,
      input: Input,
    ) {
      register(definition);
      const first = definition.steps[0];
      if (!first) throw new SagaDefinitionError(`saga ${definition.name}: has no steps`);
      const at = clock.now();
      const state = definition.initial(input);
      const instance: SagaInstance<State> = {
        sagaId,
        sagaName: definition.name,
        status: 'running',
        step: first.name,
        state,
        version: 1,
        createdAt: at,
        updatedAt: at,
      };
      const transition: SagaTransition = {
        sagaId,
        sagaName: definition.name,
        version: 1,
        kind: 'started',
        to: { status: 'running', step: first.name },
        state,
        at,
      };
      await store.create(instance, transition);
      emit(transition);
      return (await drive(definition, instance)) as SagaInstance<State>;
    },

    async resume() {
      const unfinished = await store.listUnfinished();
      const results = await Promise.allSettled(
        unfinished.map((instance) => {
          const running = active.get(instance.sagaId);
          if (running) return running;
          const definition = definitions.get(instance.sagaName);
          if (!definition) {
            return Promise.reject(new SagaDefinitionError(`saga ${instance.sagaName}: no definition registered`));
          }
          return drive(definition, instance);
        }),
      );
      const instances: SagaInstance[] = [];
      const errors: { sagaId: string; error: unknown }[] = [];
      results.forEach((result, i) => {
        if (result.status === 'fulfilled') instances.push(result.value);
        else errors.push({ sagaId: unfinished[i]?.sagaId ?? '', error: result.reason });
      });
      return { instances, errors };
    },

    onTransition(listener) {
      const subscription: SagaTransitionListener = (t) => listener(t);
      listeners.add(subscription);
      return () => {
        listeners.delete(subscription);
      };
    },
  };
}

function indexOf(definition: AnySagaDefinition, instance: SagaInstance): number {
  const index = definition.steps.findIndex((s) => s.name === instance.step);
  if (index < 0) {
    throw new SagaDefinitionError(
      `saga ${definition.name}: instance ${instance.sagaId} is at unknown step ${instance.step}`,
    );
  }
  return index;
}

function stepAt(definition: AnySagaDefinition, index: number): AnyStep {
  const step = definition.steps[index];
  if (!step) throw new SagaDefinitionError(`saga ${definition.name}: no step ${index}`);
  return step;
}

const position = (p: SagaPosition): SagaPosition =>
  p.step === undefined ? { status: p.status } : { status: p.status, step: p.step };

function failureOf(step: string, error: unknown): SagaFailure {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (error as { code?: unknown } | null)?.code;
  return { step, name: e.name, message: e.message, ...(typeof code === 'string' && { code }) };
}
