/**
 * The service's writes, each in the caller's transaction: load and save applications, and the effects the saga
 * steps and the saga sink share (the citizen's notification). Every event gets an id derived from what it is
 * about, so a write repeated after a crash is recognisably the same event downstream.
 */

import type { EventMap } from '@humangov/events';
import type { Outbox } from '@humangov/sdk';
import type { ServiceDatabase } from '@humangov-examples/kit';
import { type Tx, uuidFrom } from '@humangov-examples/kit';
import { ApplicationMissingError } from './errors.js';
import { type ApplicationChannel, type ApplicationRecord, addEffect, hasEffect, kinds, withEvent } from './model.js';

export type BenefitsOutbox = Outbox<EventMap, Tx>;

export const nowIso = (): string => new Date().toISOString();

/** The application, locked until `tx` ends (PostgreSQL), for a read-modify-write. */
export async function loadApplication(db: ServiceDatabase, tx: Tx, id: string): Promise<ApplicationRecord> {
  const found = await db.records.get<ApplicationRecord>(kinds.application, id, tx, { forUpdate: true });
  if (!found) throw new ApplicationMissingError(id);
  return found.value;
}

export async function saveApplication(db: ServiceDatabase, tx: Tx, app: ApplicationRecord): Promise<void> {
  await db.records.put(tx, kinds.application, app.application_id, app);
}

/** Templates of the letters the saga sends. */
export type NotificationTemplate = 'benefit-approved' | 'benefit-rejected' | 'benefit-application-failed';

/** The channel of the citizen's letters, by the channel they applied through. */
export const channelOf: Record<ApplicationChannel, 'email' | 'sms' | 'letter'> = {
  online: 'email',
  telephone: 'sms',
  'in-person': 'letter',
  post: 'letter',
};

/**
 * Writes `notification.requested` (once per application: the `notified` effect) and returns the application with
 * the history entry; the caller saves it. The notification names the citizen by id only (no contact details).
 */
export async function requestNotification(
  outbox: BenefitsOutbox,
  tx: Tx,
  app: ApplicationRecord,
  template: NotificationTemplate,
  patch: Partial<ApplicationRecord> = {},
): Promise<ApplicationRecord> {
  if (hasEffect(app, 'notified')) return { ...app, ...patch };
  const now = nowIso();
  const notificationId = uuidFrom(`notification:${app.application_id}`);
  await outbox.add(
    tx,
    'notification.requested',
    {
      notification_id: notificationId,
      citizen_id: app.citizen_id,
      channel: channelOf[app.channel],
      template_id: template,
      parameters: [
        { name: 'benefit_type', value: app.benefit_type },
        ...(app.award_id ? [{ name: 'award_id', value: app.award_id }] : []),
      ],
      requested_by: 'benefits',
      application_id: app.application_id,
      requested_at: now,
    },
    { id: uuidFrom(`notification.requested:${notificationId}`), correlationId: app.application_id },
  );
  return withEvent(app, { event_type: 'notification.requested', step: 'notification' }, now, {
    ...patch,
    effects: addEffect(app, 'notified'),
  });
}
