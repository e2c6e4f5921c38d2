/**
 * Saga transitions as `benefit.saga-transitioned` events, written to the outbox in the saga store's own
 * transaction (a `SagaTransitionSink` of @humangov/resilience), so the audit trail sees every committed transition
 * once it is committed, and nothing that was rolled back.
 */
import type { EventMap, EventOf } from '@humangov/events';
import type { SagaPosition, SagaTransition } from '@humangov/resilience';
import type { Outbox } from './outbox.js';

type Transitioned = EventOf<EventMap, 'benefit.saga-transitioned', 1>;
type TransitionedData = Transitioned['data'];

export interface SagaTransitionEventsOptions {
  /**
   * The correlation id of a saga's events, e.g. the id of the event that started it; the same for all of one
   * saga's transitions. @default the saga id
   */
  readonly correlationId?: (transition: SagaTransition) => string;
}

/**
 * The `write` of a `SagaTransitionSink`: adds one `benefit.saga-transitioned` v1 event per transition to `outbox`
 * inside `tx`. The event id is `saga:<sagaId>:<version>`, unique per transition and stable, so a transition written
 * twice deduplicates in an inbox. The saga's state is left out (it may carry personal data); the error message is
 * marked `x-pii` in the spec, so the SDK redacts it wherever it logs the event.
 */
export function sagaTransitionEvents<Tx>(
  outbox: Outbox<EventMap, Tx>,
  options: SagaTransitionEventsOptions = {},
): (tx: Tx, transition: SagaTransition) => Promise<Transitioned> {
  const correlationOf = options.correlationId ?? ((t: SagaTransition) => t.sagaId);
  return (tx, transition) =>
    outbox.add(tx, 'benefit.saga-transitioned', transitionData(transition), {
      version: 1,
      id: `saga:${transition.sagaId}:${transition.version}`,
      correlationId: correlationOf(transition),
    });
}

/** The event payload of one transition (snake_case on the wire, as every HumanGov event). */
export function transitionData(t: SagaTransition): TransitionedData {
  return {
    saga_id: t.sagaId,
    saga_name: t.sagaName,
    saga_version: t.version,
    kind: t.kind,
    ...(t.step !== undefined && { step: t.step }),
    ...(t.from && { from: position(t.from) }),
    to: position(t.to),
    ...(t.error && {
      error: {
        step: t.error.step,
        error_type: t.error.name,
        message: t.error.message,
        ...(t.error.code !== undefined && { code: t.error.code }),
      },
    }),
    transitioned_at: new Date(t.at).toISOString(),
  };
}

const position = (p: SagaPosition) => ({ status: p.status, ...(p.step !== undefined && { step: p.step }) });
