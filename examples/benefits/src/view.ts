/**
 * An application as the API shows it (`Application` of the OpenAPI spec): the stored record with its history (the
 * events of the application, and the saga's failures written by the saga sink), and the saga's state from the
 * saga store: its position, and when the current step began from the saga's history.
 */
import type { SagaHistory, SagaInstance, SagaStore, SagaTransition } from '@humangov/resilience';
import { type ApplicationRecord, type ApplicationView, type SagaStepName, sagaSteps } from './model.js';

const stepName = (step: string | undefined): SagaStepName =>
  sagaSteps.find((s) => s === step) ?? (step === undefined ? 'completed' : 'compensation');

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
  const last = transitions.at(-1);
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
    saga: sagaState(deps, app, instance, last),
    history: [...app.history],
  };
}

function sagaState(
  deps: ViewDeps,
  app: ApplicationRecord,
  instance: SagaInstance | undefined,
  last: SagaTransition | undefined,
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
  // The step began with the transition that moved the saga to where it is (the last one in its history).
  const since = last?.at ?? instance.updatedAt;
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
    step_started_at: new Date(since).toISOString(),
    step_deadline: timeout === undefined ? null : new Date(since + timeout).toISOString(),
    compensating: instance.status === 'compensating',
  };
}
