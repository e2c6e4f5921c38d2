/**
 * The notifications service: sends every requested notification through the delivery gateway. A failed send is
 * retried in process, then redelivered after a delay, then dead-lettered with its reason; once the gateway is
 * back, `replayDeadLetters()` re-drives the dead letters and each is sent exactly once (the record of a sent
 * notification makes a redelivered or replayed request a no-op).
 */

import { createOutbox, createOutboxRelay, createRouter } from '@humangov/sdk';
import { type RunningService, type ServiceContext, uuidFrom } from '@humangov-examples/kit';
import type { DeliveryGateway } from './gateway.js';

/** The part of an SDK dead-letter queue (`create*DeadLetterQueue` of @humangov/sdk) the service uses. */
export interface DeadLetters {
  list(): Promise<readonly { readonly id: string; readonly replayedAt?: string }[]>;
  replay(selection: { readonly ids: readonly string[] }): Promise<{ readonly replayed: readonly string[] }>;
  close(): Promise<void>;
}

export interface NotificationsOptions {
  readonly gateway: DeliveryGateway;
  /** The dead-letter queue of group `notifications` on the context's transport (for `replayDeadLetters`). */
  readonly deadLetters: DeadLetters;
  /** Delays of the redeliveries before a request is dead-lettered (ms). @default [100, 300] */
  readonly redeliveries?: readonly number[];
}

export interface NotificationsService extends RunningService {
  /** Notification requests received (each once), sent, and dead letters waiting for a replay. */
  summary(): Promise<{ readonly requested: number; readonly sent: number; readonly deadLettered: number }>;
  /** Replays every dead letter not replayed yet; resolves with how many. */
  replayDeadLetters(): Promise<number>;
}

interface Sent {
  readonly notificationId: string;
  readonly providerReference: string;
}

export async function startNotifications(
  context: ServiceContext,
  options: NotificationsOptions,
): Promise<NotificationsService> {
  const { db, transport, log } = context;
  const outbox = createOutbox({ store: db.outbox, source: '/humangov/notifications' });
  const relay = createOutboxRelay({ store: db.outbox, transport, pollMs: 50 });
  const router = createRouter({ transport, group: 'notifications', shutdownOnSignals: false });

  router.handle(
    'notification.requested',
    { recoverability: { retries: 2, redeliveries: options.redeliveries ?? [100, 300], deadLetter: true } },
    async (event) => {
      const { notification_id: id, citizen_id, channel } = event.data;
      if (await db.records.get<Sent>('sent', id)) return; // a redelivery or replay of a request already sent
      if (!(await db.records.get('requested', id))) {
        await db.transaction((tx) =>
          db.records.put(tx, 'requested', id, { notificationId: id, citizenId: citizen_id }),
        );
      }
      const providerReference = await options.gateway.send(id, channel);
      await db.transaction(async (tx) => {
        await db.records.put<Sent>(tx, 'sent', id, { notificationId: id, providerReference });
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
    },
  );

  await relay.start();
  await router.start();
  return {
    name: 'notifications',
    async summary() {
      const letters = await options.deadLetters.list();
      return {
        requested: await db.records.count('requested'),
        sent: await db.records.count('sent'),
        deadLettered: letters.filter((l) => !l.replayedAt).length,
      };
    },
    async replayDeadLetters() {
      const pending = (await options.deadLetters.list()).filter((l) => !l.replayedAt).map((l) => l.id);
      if (pending.length === 0) return 0;
      const result = await options.deadLetters.replay({ ids: pending });
      log('notifications', `replayed ${result.replayed.length} dead letter(s)`);
      return result.replayed.length;
    },
    async close() {
      await router.close();
      await relay.close();
      await options.deadLetters.close();
    },
  };
}
