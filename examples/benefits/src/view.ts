/**
 * An application as the API shows it (`Application` of the OpenAPI spec): the stored record, the saga's position
 * from the saga store, and a history that merges the application's events with the saga's failures from the
 * saga store's history (a step that failed or timed out appears as `benefit.saga-transitioned`).
 */
import type { SagaHistory, SagaInstance, SagaStore, SagaTransition } from '@humangov/resilience';
import type { ApplicationRecord, ApplicationView, HistoryEntry, SagaStepName } from './model.js';

const steps: readonly SagaStepName[] = [
  'eligibility-check',
  'entitlement-calculation',
  'approval',
  'payment',
  'notification',
];

const stepName = (step: string | undefined): SagaStepName =>
  steps.find((s) => s === step) ?? (step === undefined ? 'completed' : 'compensation');

export interface ViewDeps {
  readonly sagas: SagaStore & SagaHistory;
  /** Timeout of a step, for its deadline. */
  readonly timeoutOf: (step: string) => number | undefined;
}

export async function applicationView(deps: ViewDeps, app: ApplicationRecord): Promise<ApplicationView> {
  const [instance, transitions] = await Promise.all([
    deps.sagas.load(app.application_id),
    deps.sagas.history(app.application_id),
  ]);
  return {
    application_id: app.application_id,
    citizen_id: app.citizen_id,
    benefit_type: app.benefit_type,
    channel: app.channel,
    status: app.status,
    ...(app.evidence_document_ids && { evidence_document_ids: [...app.evidence_document_ids] }),
    ...(app.award_id && { award_id: app.award_id }),
    ...(app.withdrawal_reason !== undefined && { withdrawal_reason: app.withdrawal_reason }),
    submitted_at: app.submitted_at,
    updated_at: app.updated_at,
    saga: sagaState(deps, app, instance),
    history: history(app, transitions),
  };
}

function sagaState(
  deps: ViewDeps,
  app: ApplicationRecord,
  instance: SagaInstance | undefined,
): ApplicationView['saga'] {
  if (!instance) {
    // The saga is started right after the application is stored; until then it is at the submission.
    return {
      saga_id: app.application_id,
      current_step: 'submission',
      step_attempt: 1,
      step_started_at: app.submitted_at,
      step_deadline: null,
      compensating: false,
    };
  }
  const startedAt = new Date(instance.updatedAt).toISOString();
  const running = instance.status === 'running';
  const timeout = running && instance.step ? deps.timeoutOf(instance.step) : undefined;
  return {
    saga_id: instance.sagaId,
    current_step:
      instance.status === 'running'
        ? stepName(instance.step)
        : instance.status === 'completed' || instance.status === 'failed'
          ? 'completed'
          : 'compensation',
    step_attempt: 1,
    step_started_at: startedAt,
    step_deadline: timeout === undefined ? null : new Date(instance.updatedAt + timeout).toISOString(),
    compensating: instance.status === 'compensating',
  };
}

function history(app: ApplicationRecord, transitions: readonly SagaTransition[]): HistoryEntry[] {
  const failures: HistoryEntry[] = transitions
    .filter((t) => t.kind === 'step-failed' || t.kind === 'step-timed-out' || t.kind === 'compensation-failed')
    .map((t) => ({
      sequence: 0,
      event_type: 'benefit.saga-transitioned',
      step: stepName(t.step),
      status: t.to.status === 'compensating' ? 'compensating' : 'failed',
      occurred_at: new Date(t.at).toISOString(),
    }));
  // A stable sort: entries of the same instant keep the application's order, failures after them.
  return [...app.history, ...failures]
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => a.entry.occurred_at.localeCompare(b.entry.occurred_at) || a.index - b.index)
    .map(({ entry }, i) => ({ ...entry, sequence: i + 1 }));
}
