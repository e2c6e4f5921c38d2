/**
 * The router: subscribes a consumer group to the channels of its routes and runs, for every delivery,
 * decode -> validate -> upcast to the version the handler declares -> middleware -> handler.
 * Resolve = ack, throw = nack (the transport redelivers). A message that cannot be decoded, fails validation,
 * has an unknown type or cannot be upcast never reaches a handler: it goes to the dead-letter channel with the
 * reason in headers, and only then is the original acked, so nothing acknowledged is lost.
 */
import {
  type CloudEvent,
  type Codec,
  type EventMap,
  type EventMapShape,
  type EventOf,
  type EventTypeOf,
  humangov,
  isHumanGovError,
  type LatestVersionOf,
  type VersionOf,
} from '@humangov/events';
import { context as otelContext } from '@opentelemetry/api';
import { settle } from './ack.js';
import { fromTransportMessage } from './binary-mode.js';
import { channelBindings } from './channels.js';
import { createDeadLetters, deadLetterBinding } from './dead-letter.js';
import { ClosedError, SdkError } from './errors.js';
import { type LifecycleListener, Listeners } from './lifecycle.js';
import { isDeadLetterRequest, isRedeliveryRequest } from './recoverability/outcome.js';
import { type RecoverabilityOptions, recoverability, resolveRecoverability } from './recoverability/recoverability.js';
import { createFailureBook, deliveryAttemptOf, type FailureBook, redeliveryCopy } from './recoverability/redelivery.js';
import { endSpan, startProcessSpan } from './tracing.js';
import {
  type ChannelBinding,
  isDelayedRedeliverer,
  isProvisioner,
  type PublisherPort,
  type ReceivedMessage,
  type Redelivery,
  type SubscriberPort,
  type Subscription,
} from './transport/port.js';

/** What a handler gets besides the event. */
export interface HandlerContext {
  /** The transport message (channel, partition, offset, raw bytes). Do not ack it: the router does. */
  readonly message: ReceivedMessage;
  /** 1 on first delivery; higher on redelivery (also across broker-side delayed redeliveries). */
  readonly attempt: number;
  /** Set by policy middleware (`policyMiddleware`, `recoverability`): aborts when the policy gives up on the call. */
  readonly signal?: AbortSignal;
}

export type Handler<E> = (event: E, context: HandlerContext) => Promise<void> | void;
/** A handler of any event; what middleware wraps. */
export type AnyHandler = (event: CloudEvent, context: HandlerContext) => Promise<void>;
/** Wraps the next handler (STYLE.md rule 4); composed once, when the router starts. */
export type Middleware = (next: AnyHandler) => AnyHandler;

export interface RouteOptions<V extends number> {
  /** The version the handler receives; older events are upcast to it. @default the latest */
  readonly version?: V;
  /** Most events of this route handled at once (ordering per key is kept by the transport). @default 1 */
  readonly concurrency?: number;
  /**
   * In-process retries -> delayed redeliveries -> dead letter for this handler (see `recoverability`); its
   * redelivery delays are prepared on the broker at `start()` where the transport can. @default none: a failure
   * is a plain `nack()`
   */
  readonly recoverability?: RecoverabilityOptions;
}

export interface RouterOptions<M extends EventMapShape> {
  /** Where the router reads, and writes dead letters. It does not own it (`close()` leaves it open). */
  readonly transport: SubscriberPort & PublisherPort;
  /** Consumer group: instances of one service share one group. */
  readonly group: string;
  /** @default the HumanGov catalog's codec */
  readonly codec?: Codec<M>;
  /** Channel of messages that cannot be handled. @default `<group>.dead-letter` */
  readonly deadLetterChannel?: string;
  /** Largest body decoded. @default 1_048_576 */
  readonly maxBytes?: number;
  /** Close on SIGTERM and SIGINT (then let the signal take its default course). @default true */
  readonly shutdownOnSignals?: boolean;
}

export interface Router<M extends EventMapShape> {
  /** Routes events of `type` (upcast to the latest version) to `handler`. One handler per type. */
  handle<T extends EventTypeOf<M>>(type: T, handler: Handler<EventOf<M, T, LatestVersionOf<M, T>>>): Router<M>;
  /** Routes events of `type`, upcast to `options.version`, to `handler`. */
  handle<T extends EventTypeOf<M>, V extends VersionOf<M, T>>(
    type: T,
    options: RouteOptions<V>,
    handler: Handler<EventOf<M, T, V>>,
  ): Router<M>;
  /** Adds middleware around every handler; the first added is the outermost. Only before `start()`. */
  use(middleware: Middleware): Router<M>;
  /** Subscribes; resolves when the transport accepted the subscriptions. */
  start(): Promise<void>;
  /** Listens to lifecycle events (received, handled, failed, ignored, dead-lettered). Returns the unsubscribe. */
  onEvent(listener: LifecycleListener): () => void;
  /** Stops fetching, waits for in-flight handlers (bounded by the transport), leaves the group. Idempotent. */
  close(): Promise<void>;
}

/** A route's handler as the pipeline calls it: the user's own, or the composed middleware chain. */
type ComposedHandler = (event: CloudEvent, context: HandlerContext) => Promise<void> | void;

interface Route {
  readonly version: number;
  readonly concurrency: number;
  readonly handler: Handler<CloudEvent>;
  readonly recoverability?: RecoverabilityOptions;
}

export function createRouter<M extends EventMapShape = EventMap>(options: RouterOptions<M>): Router<M> {
  const codec = (options.codec ?? humangov) as unknown as Codec<M>;
  const catalog = codec.catalog;
  const routes = new Map<string, Route>();
  const middleware: Middleware[] = [];
  const listeners = new Listeners();
  const subscriptions: Subscription[] = [];
  // Broker-side delays by channel; failures of this process by message, for first-failure times.
  const redeliveries = new Map<string, { readonly delays: ReadonlySet<number>; readonly redelivery: Redelivery }>();
  const failures: FailureBook = createFailureBook();
  const deadLetters = createDeadLetters({
    transport: options.transport,
    group: options.group,
    channel: options.deadLetterChannel ?? `${options.group}.dead-letter`,
    listeners,
    failures,
  });
  let state: 'new' | 'started' | 'closed' = 'new';
  let closing: Promise<void> | undefined;

  const onSignal = (signal: NodeJS.Signals) => {
    void router.close().finally(() => {
      // Our listener is gone; if nobody else listens, the signal now does what it would have done.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };

  /** Through the broker's delay channel when prepared (then ack the original), else `nack({ delayMs })`. */
  async function redeliver(message: ReceivedMessage, event: CloudEvent, delayMs: number, attempt: number) {
    const first = failures.record(message, new Date());
    const prepared = redeliveries.get(message.channel);
    if (prepared?.delays.has(delayMs)) {
      try {
        await prepared.redelivery.later(redeliveryCopy(message, attempt + 1, first), delayMs);
        failures.forget(message);
        listeners.emit({ kind: 'redelivery-scheduled', event, attempt, delayMs, broker: true });
        return settle(message.ack());
      } catch {
        // Not stored: fall back to the transport's own delayed redelivery, nothing is lost.
      }
    }
    listeners.emit({ kind: 'redelivery-scheduled', event, attempt, delayMs, broker: false });
    return message.nack({ delayMs });
  }

  function pipeline(): (message: ReceivedMessage) => Promise<void> {
    // Per type: the version handlers want and the composed chain, resolved with one lookup per message. A route
    // without middleware or recoverability calls the handler itself (no extra async layer per message).
    const composed = new Map<string, { readonly version: number; readonly handler: ComposedHandler }>();
    for (const [type, route] of routes) {
      let handler: ComposedHandler = route.handler;
      if (middleware.length > 0 || route.recoverability) {
        const inner: AnyHandler = async (event, context) => route.handler(event, context);
        const chain = middleware.reduceRight((next, mw) => mw(next), inner);
        // Per-handler recoverability is outermost: its retries run the whole chain again.
        handler = route.recoverability ? recoverability(route.recoverability)(chain) : chain;
      }
      composed.set(type, { version: route.version, handler });
    }
    const decodeOptions = { maxBytes: options.maxBytes };
    return async (message) => {
      if (listeners.size > 0) {
        listeners.emit({
          kind: 'received',
          channel: message.channel,
          ...(message.partition !== undefined && { partition: message.partition }),
          ...(message.offset !== undefined && { offset: message.offset }),
        });
      }
      const decoded = fromTransportMessage(message, decodeOptions);
      if (decoded.issues) return deadLetters.reject(message, 'undecodable', decoded.issues);
      const checked = codec.validateOwned(decoded.value);
      if (checked.issues) {
        const unknown = checked.issues.some(
          (i) => i.code === 'HUMANGOV_EVENT_UNKNOWN' || i.code === 'HUMANGOV_VERSION_UNKNOWN',
        );
        return deadLetters.reject(message, unknown ? 'unknown-type' : 'invalid', checked.issues);
      }
      const event = checked.value as CloudEvent;
      const route = composed.get(event.type);
      if (!route) {
        listeners.emit({ kind: 'ignored', event, reason: `group ${options.group} has no handler for ${event.type}` });
        return settle(message.ack());
      }
      let target = event;
      if (event.version !== route.version) {
        let upcast: ReturnType<Codec<M>['upcast']>;
        try {
          upcast = codec.upcast(event as never, route.version as never);
        } catch (error) {
          if (!isHumanGovError(error)) throw error;
          const issue = { path: '/data', message: error instanceof Error ? error.message : String(error) };
          return deadLetters.reject(message, 'upcast-failed', [issue]);
        }
        if (upcast.issues) return deadLetters.reject(message, 'upcast-failed', upcast.issues);
        target = upcast.value as CloudEvent;
      }
      const started = listeners.size > 0 ? performance.now() : 0;
      const attempt = deliveryAttemptOf(message);
      const context: HandlerContext = { message, attempt };
      const processing = startProcessSpan(target);
      try {
        if (processing) {
          await otelContext.with(processing.context, route.handler, undefined, target, context);
          endSpan(processing.span);
        } else {
          await route.handler(target, context);
        }
      } catch (error) {
        if (processing) endSpan(processing.span, error);
        listeners.emit({ kind: 'failed', event: target, error, attempt });
        if (isDeadLetterRequest(error)) return deadLetters.fail(message, target, error.cause, attempt);
        if (isRedeliveryRequest(error)) return redeliver(message, target, error.delayMs, attempt);
        return message.nack();
      }
      failures.forget(message);
      if (listeners.size > 0) {
        listeners.emit({ kind: 'handled', event: target, durationMs: performance.now() - started });
      }
      return settle(message.ack());
    };
  }

  const router: Router<M> = {
    handle(type: string, ...rest: unknown[]) {
      if (state !== 'new') throw new SdkError('HUMANGOV_HANDLER_CONFLICT', 'add routes before start()', false);
      const [routeOptions, handler] = (rest.length === 1 ? [{}, rest[0]] : rest) as [
        RouteOptions<number>,
        Handler<CloudEvent>,
      ];
      const entry = catalog[type];
      if (!entry) throw new SdkError('HUMANGOV_UNKNOWN_CHANNEL', `unknown event type ${type}`, false);
      if (routes.has(type)) {
        throw new SdkError(
          'HUMANGOV_HANDLER_CONFLICT',
          `${type} already has a handler in group ${options.group}`,
          false,
        );
      }
      const version = routeOptions.version ?? entry.latest;
      if (!entry.versions[version])
        throw new SdkError('HUMANGOV_UNKNOWN_CHANNEL', `${type} has no version ${version}`, false);
      if (routeOptions.recoverability) resolveRecoverability(routeOptions.recoverability); // validates now
      routes.set(type, {
        version,
        concurrency: Math.max(1, routeOptions.concurrency ?? 1),
        handler,
        ...(routeOptions.recoverability && { recoverability: routeOptions.recoverability }),
      });
      return router;
    },
    use(mw) {
      if (state !== 'new') throw new SdkError('HUMANGOV_HANDLER_CONFLICT', 'add middleware before start()', false);
      middleware.push(mw);
      return router;
    },
    async start() {
      if (state === 'closed') throw new ClosedError(`router ${options.group}`);
      if (state === 'started') return;
      state = 'started';
      const deliver = pipeline();
      // One subscription per concurrency level; a channel goes with the highest concurrency of its routes.
      const channelConcurrency = new Map<string, number>();
      for (const [type, route] of routes) {
        const channel = catalog[type]!.versions[route.version]!.channel;
        channelConcurrency.set(channel, Math.max(channelConcurrency.get(channel) ?? 1, route.concurrency));
      }
      const byConcurrency = new Map<number, string[]>();
      for (const [channel, concurrency] of channelConcurrency) {
        byConcurrency.set(concurrency, [...(byConcurrency.get(concurrency) ?? []), channel]);
      }
      if (isProvisioner(options.transport)) {
        // The catalog's topics and exchanges, and a dead-letter channel that keeps messages before anyone reads it.
        const bindings = channelBindings(catalog);
        const wanted = new Map<string, ChannelBinding>([[deadLetters.channel, deadLetterBinding(deadLetters.channel)]]);
        for (const channel of channelConcurrency.keys()) wanted.set(channel, bindings.get(channel) ?? {});
        await options.transport.provision(wanted);
      }
      for (const [concurrency, channels] of byConcurrency) {
        subscriptions.push(await options.transport.subscribe({ group: options.group, channels, concurrency }, deliver));
      }
      // Broker-side delays of routes with recoverability, per channel.
      if (isDelayedRedeliverer(options.transport)) {
        const delaysByChannel = new Map<string, Set<number>>();
        for (const [type, route] of routes) {
          if (!route.recoverability) continue;
          const channel = catalog[type]!.versions[route.version]!.channel;
          const delays = delaysByChannel.get(channel) ?? new Set<number>();
          for (const d of resolveRecoverability(route.recoverability).redeliveries) delays.add(d);
          delaysByChannel.set(channel, delays);
        }
        for (const [channel, delays] of delaysByChannel) {
          const redelivery = await options.transport.prepareRedelivery(
            {
              group: options.group,
              channels: [channel],
              delaysMs: [...delays],
              concurrency: channelConcurrency.get(channel) ?? 1,
            },
            deliver,
          );
          subscriptions.push(redelivery);
          redeliveries.set(channel, { delays, redelivery });
        }
      }
      if (options.shutdownOnSignals !== false) {
        process.once('SIGTERM', onSignal);
        process.once('SIGINT', onSignal);
      }
    },
    onEvent: (listener) => listeners.on(listener),
    close() {
      closing ??= (async () => {
        state = 'closed';
        process.removeListener('SIGTERM', onSignal);
        process.removeListener('SIGINT', onSignal);
        await Promise.all(subscriptions.map((s) => s.close()));
      })();
      return closing;
    },
  };
  return router;
}
