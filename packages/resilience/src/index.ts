/**
 * @humangov/resilience: policies for calling out (retry, circuit breaker, timeout, bulkhead, fallback, composed
 * with `wrap`) and, in their own modules, durable messaging patterns.
 */
export const version = '0.1.0';

// Policies
export type { Clock, FakeClock, TimerHandle } from './clock.js';
export { createFakeClock, systemClock } from './clock.js';
export type { ResilienceErrorByCode, ResilienceErrorCode, SagaErrorCode } from './errors.js';
export {
  BrokenCircuitError,
  BulkheadRejectedError,
  isResilienceError,
  isSagaError,
  PermanentError,
  RelayStoreWorkerError,
  ResilienceError,
  RetryExhaustedError,
  resilienceErrorCodes,
  SagaConflictError,
  SagaDefinitionError,
  sagaErrorCodes,
  TimeoutError,
} from './errors.js';
// Durable messaging: outbox and inbox store ports and the memory store (SQL stores: /sqlite, /postgres).
export type { InboxStore } from './inbox/port.js';
export type {
  NewOutboxRow,
  OutboxLag,
  OutboxLeaseHolder,
  OutboxNotifier,
  OutboxRow,
  OutboxStore,
  Transactor,
} from './outbox/port.js';
export { compareIds, isOutboxLeaseHolder, isOutboxNotifier } from './outbox/port.js';
export type { BackoffOptions, Jitter } from './policy/backoff.js';
export { decorrelatedJitter, fullJitter } from './policy/backoff.js';
export type { BulkheadOptions, BulkheadPolicy } from './policy/bulkhead.js';
export { bulkhead } from './policy/bulkhead.js';
export type {
  BreakerKind,
  CircuitBreakerOptions,
  CircuitBreakerPolicy,
  CircuitBreakerSnapshot,
  CircuitState,
  CircuitStateChange,
  WindowSnapshot,
} from './policy/circuit-breaker.js';
export { circuitBreaker } from './policy/circuit-breaker.js';
export type { FallbackOptions } from './policy/fallback.js';
export { fallback } from './policy/fallback.js';
export type { FallbackOf, Policy, PolicyContext, PolicyFn, WrappedPolicy } from './policy/policy.js';
export { noop, wrap } from './policy/policy.js';
export type { RetryEvent, RetryOptions, RetryPolicy } from './policy/retry.js';
export { isRetryable, retry } from './policy/retry.js';
export type { TimeoutOptions } from './policy/timeout.js';
export { timeout } from './policy/timeout.js';
// Sagas: definitions, the runner, the store port, the memory store and test helpers (SQL stores: /sqlite, /postgres).
export type {
  AnySagaDefinition,
  InputOf,
  SagaCompensationContext,
  SagaDefinition,
  SagaStep,
  SagaStepContext,
  StateOf,
  StepNameOf,
} from './saga/define.js';
export { defineSaga } from './saga/define.js';
export type { MemorySagaStore, MemorySagaStoreOptions } from './saga/memory.js';
export { createMemorySagaStore } from './saga/memory.js';
export type {
  SagaFailure,
  SagaHistory,
  SagaInstance,
  SagaPosition,
  SagaStatus,
  SagaStore,
  SagaTransition,
  SagaTransitionKind,
  SagaTransitionSink,
} from './saga/port.js';
export { isSagaHistory } from './saga/port.js';
export type { SagaResumeResult, SagaRunner, SagaRunnerOptions, SagaTransitionListener } from './saga/runner.js';
export { createSagaRunner } from './saga/runner.js';
export type {
  SagaExpectations,
  SagaScenario,
  SagaScenarioEvent,
  SagaScenarioGiven,
  SagaScenarioOptions,
  SagaScenarioOutcome,
  SagaScenarioWhen,
} from './saga/scenario.js';
export { SagaScenarioError, sagaScenario } from './saga/scenario.js';
export type { MemoryStore, MemoryStoreOptions, MemoryTransaction } from './store/memory.js';
export { createMemoryStore } from './store/memory.js';
