/**
 * What the saga store writes in the transaction of every transition: the `benefit.saga-transitioned` event
 * (`sagaTransitionEvents`, for the audit trail) and the application's status when the saga turns back or ends
 * badly. A step that failed or timed out is added to the application's history as `benefit.saga-transitioned`.
 * A failed saga has no step left to run, so its end is recorded here, atomically with the transition: the
 * application becomes `failed` and the citizen's notification goes into the outbox.
 */

import type { SagaTransition, SagaTransitionSink } from '@humangov/resilience';
import { sagaTransitionEvents } from '@humangov/sdk';
import type { ServiceDatabase, Tx } from '@humangov-examples/kit';
import { type BenefitsOutbox, nowIso, requestNotification, saveApplication } from './effects.js';
import { type ApplicationRecord, kinds, type SagaStepName, sagaSteps, settled, withEvent } from './model.js';

export function applicationSagaSink(db: ServiceDatabase, outbox: BenefitsOutbox): SagaTransitionSink<Tx> {
  const transitionEvent = sagaTransitionEvents(outbox);
  return {
    transactor: db,
    async write(tx, transition) {
      await transitionEvent(tx, transition);
      await onApplication(db, outbox, tx, transition);
    },
  };
}

const failures: readonly SagaTransition['kind'][] = ['step-failed', 'step-timed-out', 'compensation-failed'];

async function onApplication(db: ServiceDatabase, outbox: BenefitsOutbox, tx: Tx, t: SagaTransition): Promise<void> {
  const status = t.to.status;
  if (status !== 'compensating' && status !== 'failed' && status !== 'compensation-failed') return;
  const found = await db.records.get<ApplicationRecord>(kinds.application, t.sagaId, tx, { forUpdate: true });
  if (!found || settled.includes(found.value.status)) return;
  let app = found.value;
  if (failures.includes(t.kind)) {
    // The failure itself goes into the history, in its place: after the reply that caused it, before the
    // compensations it starts.
    app = withEvent(
      app,
      {
        event_type: 'benefit.saga-transitioned',
        step: stepOf(t.step),
        status: status === 'compensating' ? 'compensating' : 'failed',
      },
      new Date(t.at).toISOString(),
    );
  }
  if (status === 'compensating') {
    await saveApplication(db, tx, { ...app, status: 'compensating', updated_at: nowIso() });
    return;
  }
  // failed (every compensation done) or compensation-failed (a person must finish it): the application failed.
  const failed = await requestNotification(outbox, tx, app, 'benefit-application-failed', { status: 'failed' });
  await saveApplication(db, tx, failed);
}

const stepOf = (step: string | undefined): SagaStepName => sagaSteps.find((s) => s === step) ?? 'compensation';
