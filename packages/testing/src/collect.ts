import type { ReceivedMessage, SubscriberPort, Subscription, SubscriptionSpec } from '@humangov/sdk';
import { type WaitForOptions, waitFor } from './wait.js';

/** A subscription that records what it receives, for assertions. */
export interface Collector {
  /** Every delivery so far, in arrival order (redeliveries included). */
  readonly messages: readonly ReceivedMessage[];
  /**
   * Resolves with `messages` once `count` deliveries arrived, or once `until(messages)` is true; rejects after
   * `timeoutMs` (see `waitFor`) with the number received so far.
   */
  waitFor(
    until: number | ((messages: readonly ReceivedMessage[]) => boolean),
    options?: WaitForOptions,
  ): Promise<readonly ReceivedMessage[]>;
  /** Closes the subscription (see `Subscription.close`). */
  close(): Promise<void>;
}

/** Options of `createCollector`. */
export interface CollectorOptions {
  /**
   * Settles each delivery, after it is recorded; it must call `ack()` or `nack()` (or throw, a nack) unless the
   * test means to leave the message un-acked. @default (message) => message.ack()
   */
  readonly onMessage?: (message: ReceivedMessage) => void | Promise<void>;
}

/** Subscribes `spec` on `transport` and records every delivery (acking each, unless `onMessage` says otherwise). */
export async function createCollector(
  transport: SubscriberPort,
  spec: SubscriptionSpec,
  options: CollectorOptions = {},
): Promise<Collector> {
  const messages: ReceivedMessage[] = [];
  const onMessage = options.onMessage ?? ((message: ReceivedMessage) => message.ack());
  const subscription: Subscription = await transport.subscribe(spec, async (message) => {
    messages.push(message);
    await onMessage(message);
  });
  return {
    messages,
    async waitFor(until, waitOptions = {}) {
      const done = typeof until === 'number' ? () => messages.length >= until : () => until(messages);
      const what = typeof until === 'number' ? `${until} messages` : 'the expected messages';
      await waitFor(done, {
        ...waitOptions,
        message: () => `${what} on ${spec.channels.join(', ')} (group ${spec.group}; ${messages.length} received)`,
      });
      return messages;
    },
    close: () => subscription.close(),
  };
}

/**
 * Subscribes, acks the first `count` deliveries, closes the subscription and returns them in arrival order.
 * Deliveries beyond `count` are left un-acked, so the group gets them again later. Rejects after `timeoutMs`
 * (default 5 s), closing the subscription first.
 */
export async function collect(
  transport: SubscriberPort,
  spec: SubscriptionSpec,
  count: number,
  options: Pick<WaitForOptions, 'timeoutMs'> = {},
): Promise<ReceivedMessage[]> {
  let acked = 0;
  const collector = await createCollector(transport, spec, {
    onMessage: (message) => (acked++ < count ? message.ack() : undefined),
  });
  try {
    return [...(await collector.waitFor(count, options))].slice(0, count);
  } finally {
    await collector.close();
  }
}
