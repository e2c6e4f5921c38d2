/**
 * A transport wrapper that injects the faults of an at-least-once broker (see `FaultKind`) into any transport,
 * by a rule table and a seeded generator, so that resilience tests are reproducible and can count what they got.
 */
import { type Clock, systemClock, type TimerHandle } from '@humangov/resilience';
import {
  ClosedError,
  type DeliveryHandler,
  isDelayedRedeliverer,
  isProvisioner,
  PublishError,
  type PublishOptions,
  type ReceivedMessage,
  type Subscription,
  type SubscriptionSpec,
  type Transport,
  type TransportMessage,
} from '@humangov/sdk';
import { createFaultBook, type FaultRule, type FaultStats, type InjectedFault } from './fault-rules.js';

/** Options of `createFaultyTransport`. */
export interface FaultyTransportOptions {
  /** The rule table; the first rule that selects a message decides its fault. @default [] (a transparent wrapper) */
  readonly rules?: readonly FaultRule[];
  /** Seed of the generator behind `probability`: the same seed and the same calls give the same faults. @default 1 */
  readonly seed?: number;
  /** Clock of `delay` and `reorder` (pass the fake clock your policies use). @default systemClock */
  readonly clock?: Clock;
}

/** What was injected, and the switch to stop injecting. */
export interface Faults {
  /** Counters of injected faults by kind, publishes and first deliveries seen. A snapshot. */
  readonly stats: FaultStats;
  /** Every injected fault, in order (compare two runs with one seed: they are equal). */
  readonly log: readonly InjectedFault[];
  readonly seed: number;
  /** Injects no new fault from now on ("the network healed"); messages held back by `reorder` are released. */
  heal(): Promise<void>;
}

/**
 * A transport that injects faults. It also has the optional abilities of the wrapped transport
 * (`provision`, `prepareRedelivery`, passed through untouched), so `isProvisioner` answers as for the original.
 */
export interface FaultyTransport extends Transport {
  readonly faults: Faults;
}

const DEFAULT_DELAY_MS = 100;

/**
 * Wraps `transport` so that it injects the faults of `options.rules` (see `FaultKind` for what each does and why it
 * is realistic). Nothing confirmed is ever lost: drop and duplicate go through the wrapped transport's own
 * redelivery (nack), so they need a transport that redelivers. Without rules the wrapper is transparent (it passes
 * the transport conformance suite as the transport it wraps).
 *
 * `publish` resolves or rejects as the wrapped one does, except for injected faults. Delivery-side faults apply
 * only to a message's first delivery to a group (`deliveryAttempt` 1), so a redelivery they cause is never
 * faulted again (a probability of 1 cannot loop). `close()` releases held-back messages, cancels delays (their
 * messages are nacked, for redelivery to the group's next member), waits for publishes in flight, then closes the
 * wrapped transport; a held-back message whose late publish failed makes `close()` reject with that error.
 */
export function createFaultyTransport(transport: Transport, options: FaultyTransportOptions = {}): FaultyTransport {
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new TypeError(`faults: seed must be an integer, got ${String(seed)}`);
  const rules = options.rules ?? [];
  const book = createFaultBook(rules, seed);
  const clock = options.clock ?? systemClock;
  const name = `faulty(${transport.name})`;
  const held = new Map<string, { readonly message: TransportMessage; readonly timer: TimerHandle }>();
  const inFlight = new Set<Promise<unknown>>();
  const lateFailures: unknown[] = [];
  const aborters = new Set<AbortController>();
  // Message identities per group whose first delivery was considered, so a redelivery is not faulted again.
  const considered = new Set<string>();
  let closing: Promise<void> | undefined;

  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    const forget = () => inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  };

  /** Stores the message held back on `channel`, if any (a failure is kept for `close()`). */
  const release = (channel: string): Promise<void> => {
    const entry = held.get(channel);
    if (!entry) return Promise.resolve();
    held.delete(channel);
    clock.clearTimeout(entry.timer);
    return track(transport.publish(entry.message).catch((error: unknown) => void lateFailures.push(error)));
  };

  const injected = (fault: string, what: string) => new PublishError(name, `injected fault "${fault}": ${what}`, true);

  async function publish(message: TransportMessage, publishOptions?: PublishOptions): Promise<void> {
    if (closing) throw new ClosedError(name);
    const decision = book.decide('publish', message);
    const waiting = held.get(message.channel);
    if (waiting && waiting.message.key !== undefined && waiting.message.key === message.key)
      await release(message.channel); // order per key is kept
    switch (decision?.rule.fault) {
      case 'fail':
        throw injected('fail', 'the broker refused the message; nothing was stored');
      case 'lose-confirm':
        await transport.publish(message, publishOptions);
        await release(message.channel);
        throw injected('lose-confirm', 'the message was stored but its confirmation was lost');
      case 'reorder':
        if (!held.has(message.channel)) {
          publishOptions?.signal?.throwIfAborted();
          const channel = message.channel;
          const copy = { ...message, body: message.body.slice() };
          const delayMs = decision.rule.delayMs ?? DEFAULT_DELAY_MS;
          held.set(channel, { message: copy, timer: clock.setTimeout(() => void release(channel), delayMs) });
          return;
        }
        break;
    }
    await transport.publish(message, publishOptions);
    await release(message.channel);
  }

  const identity = (group: string, m: ReceivedMessage): string | undefined => {
    const id = m.partition !== undefined && m.offset !== undefined ? `${m.partition}@${m.offset}` : m.attributes.id;
    return id === undefined ? undefined : `${group}\u0000${m.channel}\u0000${id}`;
  };

  const wrap = (spec: SubscriptionSpec, handler: DeliveryHandler, aborter: AbortController): DeliveryHandler => {
    return async (message) => {
      const id = identity(spec.group, message);
      if (message.deliveryAttempt !== 1 || id === undefined || considered.has(id)) return handler(message);
      considered.add(id);
      const decision = book.decide('delivery', message, spec.group);
      switch (decision?.rule.fault) {
        case 'drop':
          return message.nack();
        case 'duplicate':
          return handler(ackLost(message));
        case 'delay':
          try {
            await clock.sleep(decision.rule.delayMs ?? DEFAULT_DELAY_MS, aborter.signal);
          } catch {
            return message.nack(); // the subscription is closing: the group's next member gets it
          }
          return handler(message);
        default:
          return handler(message);
      }
    };
  };

  const faulty: FaultyTransport = {
    name,
    publish: (message, publishOptions) => track(publish(message, publishOptions)),
    async subscribe(spec, handler): Promise<Subscription> {
      if (closing) throw new ClosedError(name);
      const aborter = new AbortController();
      aborters.add(aborter);
      const subscription = await transport.subscribe(spec, wrap(spec, handler, aborter));
      let closed: Promise<void> | undefined;
      return {
        close() {
          closed ??= (async () => {
            aborter.abort(new ClosedError('subscription'));
            aborters.delete(aborter);
            await subscription.close();
          })();
          return closed;
        },
      };
    },
    close() {
      closing ??= (async () => {
        for (const aborter of aborters) aborter.abort(new ClosedError(name));
        await Promise.all([...held.keys()].map(release));
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
        await transport.close();
        if (lateFailures.length > 0)
          throw new AggregateError(lateFailures, `${name}: a message held back by "reorder" could not be stored`);
      })();
      return closing;
    },
    faults: {
      get stats() {
        return book.stats;
      },
      log: book.log,
      seed,
      async heal() {
        book.heal();
        await Promise.all([...held.keys()].map(release));
      },
    },
  };
  if (isProvisioner(transport)) Object.assign(faulty, { provision: transport.provision.bind(transport) });
  if (isDelayedRedeliverer(transport))
    Object.assign(faulty, { prepareRedelivery: transport.prepareRedelivery.bind(transport) });
  return faulty;
}

/** The same delivery, whose ack is lost: it becomes a nack, so the broker delivers the message again. */
function ackLost(message: ReceivedMessage): ReceivedMessage {
  return {
    channel: message.channel,
    ...(message.key !== undefined && { key: message.key }),
    attributes: message.attributes,
    ...(message.contentType !== undefined && { contentType: message.contentType }),
    headers: message.headers,
    body: message.body,
    ...(message.partition !== undefined && { partition: message.partition }),
    ...(message.offset !== undefined && { offset: message.offset }),
    deliveryAttempt: message.deliveryAttempt,
    ack: () => message.nack(),
    nack: (nackOptions) => message.nack(nackOptions),
  };
}
