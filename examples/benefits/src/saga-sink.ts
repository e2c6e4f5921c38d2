/**
 * What the saga store writes in the transaction of every transition: the `benefit.saga-transitioned` event
 * (`sagaTransitionEvents`, for the audit trail) and the application's status when the saga turns back or ends
 * badly. A failed saga has no step left to run, so its end is recorded here, atomically with the transition:
 * the application becomes `failed` and the citizen's notification goes into the outbox.
 */

import type { SagaTransition, SagaTransitionSink } from '@humangov/resilience';
import { sagaTransitionEvents } from '@humangov/sdk';
import type { ServiceDatabase, Tx } from '@humangov-examples/kit';
import { type BenefitsOutbox, nowIso, requestNotification, saveApplication } from './effects.js';
import { type ApplicationRecord, kinds, settled } from './model.js';

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

async function onApplication(db: ServiceDatabase, outbox: BenefitsOutbox, tx: Tx, t: SagaTransition): Promise<void> {
  const status = t.to.status;
  if (status !== 'compensating' && status !== 'failed' && status !== 'compensation-failed') return;
  const found = await db.records.get<ApplicationRecord>(kinds.application, t.sagaId, tx);
  if (!found || settled.includes(found.value.status)) return;
  const app = found.value;
  if (status === 'compensating') {
    if (app.status !== 'compensating') {
      await saveApplication(db, tx, { ...app, status: 'compensating', updated_at: nowIso() });
    }
    return;
  }
  // failed (every compensation done) or compensation-failed (a person must finish it): the application failed.
  const failed = await requestNotification(outbox, tx, app, 'benefit-application-failed', { status: 'failed' });
  await saveApplication(db, tx, failed);
}
