import type { Transactor } from '../outbox/port.js';

/**
 * The saga store port and the records it keeps: one instance row per saga run (its position, its state and a
 * version for optimistic concurrency) and the transitions that led there, written together.
 */

/** Where an instance is. `running` and `compensating` are unfinished; the other three are final. */
export type SagaStatus = 'running' | 'compensating' | 'completed' | 'failed' | 'compensation-failed';

/** The statuses `listUnfinished` returns and `resume()` continues. */
export const unfinishedStatuses = ['running', 'compensating'] as const satisfies readonly SagaStatus[];

export const isFinal = (status: SagaStatus): boolean => status !== 'running' && status !== 'compensating';

/** A failure as stored: plain data, so it survives JSON. `code` is copied from the error when it has a string one. */
export interface SagaFailure {
  readonly step: string;
  readonly name: string;
  readonly message: string;
  readonly code?: string;
}

/**
 * A position of the state machine: the status and the step running or being compensated. No step when `completed`
 * or `failed`; `compensation-failed` keeps the step whose compensation threw.
 */
export interface SagaPosition {
  readonly status: SagaStatus;
  readonly step?: string;
}

/** One saga run as the store keeps it. `State` must survive `JSON.stringify` / `JSON.parse` unchanged. */
export interface SagaInstance<State = unknown> extends SagaPosition {
  readonly sagaId: string;
  readonly sagaName: string;
  readonly state: State;
  /** The step failure that started compensation (and, for `compensation-failed`, see the last transition). */
  readonly failure?: SagaFailure;
  /** 1 when created; every save adds 1. */
  readonly version: number;
  /** Clock ms. */
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Why the instance moved. */
export type SagaTransitionKind =
  | 'started'
  | 'step-completed'
  | 'step-failed'
  | 'step-timed-out'
  | 'step-compensated'
  | 'compensation-failed';

/**
 * One move of the state machine, persisted with the instance it produced and then emitted through `onTransition`.
 * `(sagaId, version)` is unique: use it as the event id when publishing transitions, so a re-publish deduplicates.
 */
export interface SagaTransition {
  readonly sagaId: string;
  readonly sagaName: string;
  /** The instance version this transition produced (1 for `started`). */
  readonly version: number;
  readonly kind: SagaTransitionKind;
  /** The step the kind is about: completed, failed, timed out or compensated. Absent for `started`. */
  readonly step?: string;
  /** Absent for `started`. */
  readonly from?: SagaPosition;
  readonly to: SagaPosition;
  /** For `step-failed`, `step-timed-out` and `compensation-failed`. */
  readonly error?: SagaFailure;
  /** The state after the transition. */
  readonly state: unknown;
  /** Clock ms. */
  readonly at: number;
}

/**
 * Where saga instances live. Contracts every implementation keeps:
 * - `create` stores a new instance (version 1) with its `started` transition; an existing `sagaId` rejects with
 *   `SagaConflictError` (`reason: 'exists'`) and changes nothing.
 * - `save` stores `instance` (version n + 1) only if the stored version is still n, together with its transition,
 *   atomically; otherwise it rejects with `SagaConflictError` (`reason: 'version'`) and changes nothing.
 * - `load` resolves the stored instance, or `undefined`.
 * - `listUnfinished` resolves every instance whose status is `running` or `compensating`, oldest first.
 */
export interface SagaStore {
  create(instance: SagaInstance, transition: SagaTransition): Promise<void>;
  load(sagaId: string): Promise<SagaInstance | undefined>;
  save(instance: SagaInstance, transition: SagaTransition): Promise<void>;
  listUnfinished(): Promise<SagaInstance[]>;
}

/** Optional ability: the transitions of one instance, in version order (the saga's history). */
export interface SagaHistory {
  history(sagaId: string): Promise<SagaTransition[]>;
}

export const isSagaHistory = (store: object): store is SagaHistory =>
  typeof (store as SagaHistory).history === 'function';

/**
 * Something written in the same database transaction as every saga write, typically the transition as an outbox
 * event (`sagaTransitionEvents` in @humangov/sdk), so the audit trail gets exactly the committed transitions, each
 * once it is committed. `transactor` must open transactions on the saga store's own database (the same pool, the
 * same SQLite connection, the same memory store). A `write` that rejects rolls the saga write back, and the store
 * call rejects with its error.
 */
export interface SagaTransitionSink<Tx> {
  readonly transactor: Transactor<Tx>;
  write(tx: Tx, transition: SagaTransition): Promise<unknown>;
}
