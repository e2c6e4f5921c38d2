/**
 * The notifications service: sends every requested notification through the delivery gateway. A failed send is
 * retried in process, then redelivered after a delay, then dead-lettered with its reason; once the gateway is
 * back, `replayDeadLetters()` re-drives the dead letters and each is sent exactly once (the record of a sent
 * notification makes a redelivered or replayed request a no-op).
 */

import { createOutbox, createOutboxRelay, createRouter } from '@humangov/sdk';
import { createReadiness, drainOutbox, type RunningService, type ServiceContext } from '@humangov-examples/kit';
import type { DeliveryGateway } from './gateway.js';
import { createSendHandler, NOTIFICATION_KINDS } from './send.js';

/** The part of an SDK dead-letter queue (`create*DeadLetterQueue` of @humangov/sdk) the service uses. */
export interface DeadLetters {
  list(options: {
    readonly since: Date;
    readonly limit: number;
  }): Promise<readonly { readonly id: string; readonly replayedAt?: string }[]>;
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
  /**
   * Notification requests received (each once), sent, and dead letters waiting for a replay. Dead letters count from
   * the service's start: a durable dead-letter queue on a shared broker also holds earlier runs' letters, and
   * `list()` returns the oldest first (100 by default), so those would hide this run's.
   */
  summary(): Promise<{ readonly requested: number; readonly sent: number; readonly deadLettered: number }>;
  /** Replays every dead letter of this run not replayed yet; resolves with how many. */
  replayDeadLetters(): Promise<number>;
}

/** Most dead letters one summary or replay reads (a run dead-letters a few dozen). */
const MAX_LETTERS = 10_000;

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
    createSendHandler({ db, outbox, gateway: options.gateway }),
  );

  const since = new Date();
  const ours = () => options.deadLetters.list({ since, limit: MAX_LETTERS });
  const readiness = createReadiness(db);
  await relay.start();
  await router.start();
  readiness.markStarted();
  return {
    name: 'notifications',
    readiness,
    async summary() {
      const letters = await ours();
      return {
        requested: await db.records.count(NOTIFICATION_KINDS.requested),
        sent: await db.records.count(NOTIFICATION_KINDS.sent),
        deadLettered: letters.filter((l) => !l.replayedAt).length,
      };
    },
    async replayDeadLetters() {
      const pending = (await ours()).filter((l) => !l.replayedAt).map((l) => l.id);
      if (pending.length === 0) return 0;
      const result = await options.deadLetters.replay({ ids: pending });
      log('notifications', `replayed ${result.replayed.length} dead letter(s)`);
      return result.replayed.length;
    },
    async close() {
      readiness.markStopping();
      await router.close();
      await drainOutbox(db.outbox);
      await relay.close();
      await options.deadLetters.close();
    },
  };
}
