/**
 * The handler of `notification.requested`, as a plain function of the event: the service routes it (behind its
 * recoverability policy), and the consumer pact tests call the very same function.
 *
 * The request is recorded once (kind `requested`), sent through the gateway, and the sent record (kind `sent`)
 * and `notification.sent` go into the outbox in one transaction. A request already sent (a redelivery, or a
 * replayed dead letter of a request that got through meanwhile) is a no-op: nothing reaches the gateway. A failed
 * send throws, for the router to retry, redeliver or dead-letter.
 */
import type { EventMap, EventOf } from '@humangov/events';
import type { Outbox } from '@humangov/sdk';
import { type ServiceDatabase, type Tx, uuidFrom } from '@humangov-examples/kit';
import type { DeliveryGateway } from './gateway.js';

/** Record kinds of the notifications database. */
export const NOTIFICATION_KINDS = { requested: 'requested', sent: 'sent' } as const;

/** A sent notification (kind `sent`, keyed by notification id). */
export interface SentNotification {
  readonly notificationId: string;
  readonly providerReference: string;
}

/** What the handler works with. */
export interface SendOptions {
  readonly db: ServiceDatabase;
  readonly outbox: Outbox<EventMap, Tx>;
  readonly gateway: DeliveryGateway;
}

/** Handles one `notification.requested` v1 (see the module comment). */
export type SendHandler = (event: EventOf<EventMap, 'notification.requested', 1>) => Promise<void>;

/** Builds the `notification.requested` handler over `options`. */
export function createSendHandler(options: SendOptions): SendHandler {
  const { db, outbox, gateway } = options;
  const { requested, sent } = NOTIFICATION_KINDS;
  return async (event) => {
    const { notification_id: id, citizen_id, channel } = event.data;
    if (await db.records.get<SentNotification>(sent, id)) return; // a redelivery or replay of a request already sent
    if (!(await db.records.get(requested, id))) {
      await db.transaction((tx) => db.records.put(tx, requested, id, { notificationId: id, citizenId: citizen_id }));
    }
    const providerReference = await gateway.send(id, channel);
    await db.transaction(async (tx) => {
      await db.records.put<SentNotification>(tx, sent, id, { notificationId: id, providerReference });
      await outbox.add(
        tx,
        'notification.sent',
        {
          notification_id: id,
          citizen_id,
          channel,
          provider_reference: providerReference,
          sent_at: new Date().toISOString(),
        },
        { causedBy: event, id: uuidFrom(`notification.sent:${id}`) },
      );
    });
  };
}
