/**
 * The memory transport: the embedded default, no broker process. It keeps Kafka's semantics so that code tested
 * on it behaves the same on Kafka: partitioned append-only logs, consumer groups with committed offsets,
 * in-order delivery per partition, redelivery of whatever was not acked.
 */
import { ClosedError, SdkError } from '../errors.js';
import {
  brokerOf,
  createMemoryBroker,
  type MemoryBroker,
  type MemoryBrokerOptions,
  positiveInteger,
} from './memory/broker.js';
import { Member, type MemoryTimers } from './memory/consumer-group.js';
import type {
  ChannelBinding,
  DeliveryHandler,
  Provisioner,
  PublishOptions,
  Subscription,
  SubscriptionSpec,
  Transport,
  TransportMessage,
} from './port.js';

export { createMemoryBroker, type MemoryBroker, type MemoryBrokerOptions, type MemoryTimers };

/** Options of `createMemoryTransport`. */
export interface MemoryTransportOptions extends MemoryBrokerOptions {
  /**
   * The broker to share with other memory transports (two transports on one broker talk like two processes on
   * one Kafka cluster). Set `partitions` and `retention` on the broker then, not here (a TypeError otherwise).
   * @default a private broker created with this object's `partitions` and `retention`
   */
  readonly broker?: MemoryBroker;
  /**
   * Largest body accepted, in bytes; a bigger one is rejected with an `SdkError` of code
   * `HUMANGOV_MESSAGE_TOO_LARGE` (not retryable). Only the body counts: headers and attributes are small and
   * bounded by the envelope. The default admits the 1 MiB payload the conformance suite promises, plus 64 KiB of
   * headroom; configure Kafka's `max.message.bytes` to at least the same for code to behave alike.
   * @default 1_114_112 (1 MiB + 64 KiB)
   */
  readonly maxMessageBytes?: number;
  /** Timers for nack delays, the only timers the transport uses (inject a fake clock in tests). @default globals */
  readonly timers?: MemoryTimers;
}

/** A memory transport: a `Transport` that can also provision channels (set their partition count). */
export interface MemoryTransport extends Transport, Provisioner {
  readonly name: 'memory';
}

const defaultTimers: MemoryTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Creates a memory transport.
 *
 * Publishing: a message goes to partition `murmur2(key) % partitions` (Kafka's default partitioner, so a key
 * lands on the same partition number as on Kafka), round robin without a key; `publish` resolves once the message
 * is stored in the partition's log (the body is copied: mutating it afterwards changes nothing). Channels are
 * created on first use with the broker's `partitions`; `provision` creates them first with a binding's
 * `kafka.partitions` (an existing channel keeps its partitions).
 *
 * Subscribing: every group gets every message; the members of one group (on this or another transport of the same
 * broker) share the partitions, reassigned when a member joins or leaves. A group new to a channel starts at the
 * oldest retained message (`fromBeginning`, the default) or at the end. Per partition, messages are delivered
 * strictly in order and one at a time: the next only after `ack()` or `nack()` of the previous (a handler that
 * resolves without either keeps its partition blocked). Across partitions a member runs up to `concurrency`
 * (default 1) unsettled deliveries at once. `ack()` commits the offset; `nack({ delayMs })` redelivers the same
 * message with `deliveryAttempt + 1` after `delayMs` (default 0), blocking its partition meanwhile; a handler that
 * rejects is a `nack()`. Both are idempotent, and a no-op once the subscription has released the message.
 *
 * Closing: `subscription.close()` stops deliveries, waits for running handlers (acks they make still count), then
 * leaves the group: messages still un-acked, or waiting out a nack delay, go at once to the remaining members or
 * the next subscriber of the group (at-least-once; nothing is lost across a consumer restart). `close()` closes
 * every subscription of this transport the same way; nothing is pending on the publish side (publish stores
 * synchronously). The broker and its messages outlive the transport. After `close()`, `publish` and `subscribe`
 * reject with a `ClosedError`; `close()` is idempotent.
 *
 * A `signal` already aborted rejects the publish with its reason, storing nothing; storing is synchronous, so a
 * later abort changes nothing. Deliveries run on later turns of the event loop (`setImmediate`, bound when the
 * module loads, so fake timers do not stall them); the only timers are those of nack delays (`timers`).
 */
export function createMemoryTransport(options: MemoryTransportOptions = {}): MemoryTransport {
  if (options.broker && (options.partitions !== undefined || options.retention !== undefined))
    throw new TypeError('memory: set partitions and retention on createMemoryBroker() when passing a broker');
  const broker = brokerOf(options.broker ?? createMemoryBroker(options));
  const maxMessageBytes = options.maxMessageBytes ?? 1_114_112;
  positiveInteger('maxMessageBytes', maxMessageBytes);
  const timers = options.timers ?? defaultTimers;
  const members = new Set<Member>();
  let closing: Promise<void> | undefined;

  return {
    name: 'memory',

    async provision(channels: ReadonlyMap<string, ChannelBinding>): Promise<void> {
      if (closing) throw new ClosedError('memory transport');
      for (const [channel, binding] of channels) {
        const partitions = binding.kafka?.partitions ?? broker.partitions;
        positiveInteger(`partitions of ${channel}`, partitions);
        broker.topic(channel, partitions);
      }
    },

    async publish(message: TransportMessage, publishOptions?: PublishOptions): Promise<void> {
      if (closing) throw new ClosedError('memory transport');
      publishOptions?.signal?.throwIfAborted();
      if (typeof message.channel !== 'string' || message.channel === '')
        throw new TypeError('memory: a message needs a channel');
      if (!(message.body instanceof Uint8Array)) throw new TypeError('memory: a message body must be a Uint8Array');
      const size = message.body.byteLength;
      if (size > maxMessageBytes) {
        const reason = `a ${size}-byte body on ${message.channel} exceeds maxMessageBytes (${maxMessageBytes})`;
        throw new SdkError('HUMANGOV_MESSAGE_TOO_LARGE', `memory: ${reason}`, false);
      }
      broker.append(message.channel, {
        ...(message.key === undefined ? {} : { key: message.key }),
        attributes: Object.freeze({ ...message.attributes }),
        ...(message.contentType === undefined ? {} : { contentType: message.contentType }),
        headers: Object.freeze({ ...message.headers }),
        body: message.body.slice(),
      });
    },

    async subscribe(spec: SubscriptionSpec, handler: DeliveryHandler): Promise<Subscription> {
      if (closing) throw new ClosedError('memory transport');
      if (typeof spec.group !== 'string' || spec.group === '')
        throw new TypeError('memory: a subscription needs a group');
      if (spec.channels.length === 0) throw new TypeError('memory: a subscription needs at least one channel');
      const concurrency = spec.concurrency ?? 1;
      positiveInteger('concurrency', concurrency);
      const member = new Member(timers, concurrency, handler);
      members.add(member);
      for (const channel of new Set(spec.channels))
        broker.join(spec.group, channel, member, spec.fromBeginning ?? true);
      let closed: Promise<void> | undefined;
      return {
        close() {
          closed ??= member.close().finally(() => members.delete(member));
          return closed;
        },
      };
    },

    close(): Promise<void> {
      closing ??= Promise.all([...members].map((member) => member.close())).then(() => members.clear());
      return closing;
    },
  };
}
