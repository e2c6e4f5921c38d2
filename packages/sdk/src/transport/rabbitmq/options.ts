import type { Options, SocketOptions } from 'amqplib';
import { humangovBindings } from '../../channels.js';
import type { ChannelBinding } from '../port.js';

/** A tiny logger; the transport logs connection changes and failures it absorbs. No-op by default. */
export interface RabbitMqLogger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** Lifecycle of the transport's connection, for metrics and logs. URLs in events never carry credentials. */
export type RabbitMqEvent =
  | { readonly type: 'connected'; readonly url: string; readonly attempt: number }
  | { readonly type: 'disconnected'; readonly reason: string }
  | { readonly type: 'reconnecting'; readonly attempt: number; readonly delayMs: number; readonly reason: string }
  | { readonly type: 'blocked'; readonly reason: string }
  | { readonly type: 'unblocked' }
  | { readonly type: 'resubscribed'; readonly group: string; readonly channels: readonly string[] }
  | { readonly type: 'closed' };

/** Backoff between connection attempts: exponential from `initialDelayMs` to `maxDelayMs`, with jitter. */
export interface RabbitMqReconnectOptions {
  /** @default 100 */
  readonly initialDelayMs?: number;
  /** @default 10_000 */
  readonly maxDelayMs?: number;
}

export type RabbitMqQueueType = 'quorum' | 'classic';

export interface RabbitMqTransportOptions {
  /**
   * Broker address: an `amqp://` / `amqps://` URL or amqplib's connect options. Credentials in it never appear
   * in logs, events or error messages.
   * @default 'amqp://localhost:5672'
   */
  readonly url?: string | Options.Connect;
  /** Socket and TLS options passed to amqplib as-is (`ca`, `cert`, `key`, `servername`, `timeout`...). @default {} */
  readonly socketOptions?: SocketOptions;
  /** Shown as the connection name in the management UI and `rabbitmqctl list_connections`. @default 'humangov-sdk' */
  readonly connectionName?: string;
  /** Heartbeat asked of the broker; a frozen or dead broker is noticed (and reported) after about twice this. @default 5 */
  readonly heartbeatSeconds?: number;
  /**
   * Channel -> exchange + routing key. Channels that are absent (or have no `amqp` binding) go to `exchange`
   * with the channel name as routing key.
   * @default the HumanGov catalog's bindings
   */
  readonly channels?: ReadonlyMap<string, ChannelBinding>;
  /** Topic exchange used for channels without an AMQP binding. @default 'humangov' */
  readonly exchange?: string;
  /** Type of the queues `subscribe` declares. Changing it for an existing queue fails the subscription. @default 'quorum' */
  readonly queueType?: RabbitMqQueueType;
  /**
   * Declare subscription queues with `x-single-active-consumer`: one member of a group consumes a queue at a
   * time (the others wait as hot standbys), which keeps publish order per queue across members. Turn it off to
   * spread one channel over several members at the price of ordering.
   * @default true
   */
  readonly singleActiveConsumer?: boolean;
  /**
   * Let the broker delete a subscription queue after it had no consumer for this long (`x-expires`), with the
   * messages in it: for short-lived groups (tests, previews), never for groups that must not lose messages.
   * @default undefined (queues live until deleted)
   */
  readonly queueExpiresMs?: number;
  /** Unacked messages per queue and member (AMQP `basic.qos`). @default the subscription's `concurrency` */
  readonly prefetch?: number;
  /**
   * Longest a `publish` waits in total (connection, backpressure, broker confirm) before it rejects with
   * `PublishTimeoutError`. A frozen broker never answers, so this is the only bound.
   * @default 15_000
   */
  readonly confirmTimeoutMs?: number;
  /** Longest `subscribe` and `provision` wait for a connection before `ConnectionError`. @default 30_000 */
  readonly connectTimeoutMs?: number;
  /** Longest `close()` waits for in-flight handlers. @default 30_000 */
  readonly closeTimeoutMs?: number;
  /** Reconnect after a lost connection, re-declaring topology and consumers; `false` to stay down. @default {} */
  readonly reconnect?: false | RabbitMqReconnectOptions;
  /** @default a no-op logger */
  readonly logger?: RabbitMqLogger;
  /** Lifecycle hook; must not throw (errors are logged and ignored). @default none */
  readonly onEvent?: (event: RabbitMqEvent) => void;
}

export interface ResolvedOptions {
  readonly url: string | Options.Connect;
  readonly socketOptions: SocketOptions;
  readonly displayUrl: string;
  readonly channels: ReadonlyMap<string, ChannelBinding>;
  readonly exchange: string;
  readonly queueType: RabbitMqQueueType;
  readonly singleActiveConsumer: boolean;
  readonly queueExpiresMs: number | undefined;
  readonly prefetch: number | undefined;
  readonly confirmTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly closeTimeoutMs: number;
  readonly reconnect: { readonly initialDelayMs: number; readonly maxDelayMs: number } | false;
  readonly logger: RabbitMqLogger;
  readonly emit: (event: RabbitMqEvent) => void;
}

const noop = (): void => {};
export const noopLogger: RabbitMqLogger = { debug: noop, warn: noop, error: noop };

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0) throw new TypeError(`rabbitmq: ${name} must be a positive number, got ${v}`);
  return v;
}

/** Defaults and validation in one place. Programmer errors (bad numbers) throw a TypeError. */
export function resolveOptions(options: RabbitMqTransportOptions): ResolvedOptions {
  const logger = options.logger ?? noopLogger;
  const heartbeat = positive('heartbeatSeconds', options.heartbeatSeconds, 5);
  const connectionName = options.connectionName ?? 'humangov-sdk';
  const raw = options.url ?? 'amqp://localhost:5672';
  const url = typeof raw === 'string' ? withHeartbeat(raw, heartbeat) : { heartbeat, ...raw };
  const socketOptions: SocketOptions = {
    ...options.socketOptions,
    clientProperties: { connection_name: connectionName, ...options.socketOptions?.clientProperties },
  };
  const r = options.reconnect;
  const initialDelayMs = r === false ? 0 : positive('reconnect.initialDelayMs', r?.initialDelayMs, 100);
  const onEvent = options.onEvent;
  return {
    url,
    socketOptions,
    displayUrl: displayUrl(raw),
    channels: options.channels ?? humangovBindings(),
    exchange: options.exchange ?? 'humangov',
    queueType: options.queueType ?? 'quorum',
    singleActiveConsumer: options.singleActiveConsumer ?? true,
    queueExpiresMs:
      options.queueExpiresMs === undefined ? undefined : positive('queueExpiresMs', options.queueExpiresMs, 1),
    prefetch: options.prefetch === undefined ? undefined : positive('prefetch', options.prefetch, 1),
    confirmTimeoutMs: positive('confirmTimeoutMs', options.confirmTimeoutMs, 15_000),
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, 30_000),
    closeTimeoutMs: positive('closeTimeoutMs', options.closeTimeoutMs, 30_000),
    reconnect:
      r === false
        ? false
        : {
            initialDelayMs,
            maxDelayMs: Math.max(initialDelayMs, positive('reconnect.maxDelayMs', r?.maxDelayMs, 10_000)),
          },
    logger,
    emit: (event) => {
      if (!onEvent) return;
      try {
        onEvent(event);
      } catch (error) {
        logger.error('rabbitmq: onEvent hook threw', { event: event.type, error: scrub(String(error)) });
      }
    },
  };
}

function withHeartbeat(url: string, heartbeat: number): string {
  try {
    const u = new URL(url);
    if (!u.searchParams.has('heartbeat')) u.searchParams.set('heartbeat', String(heartbeat));
    return u.toString();
  } catch {
    return url; // amqplib reports the malformed URL on connect
  }
}

/** The address without user info, for logs and events. */
export function displayUrl(url: string | Options.Connect): string {
  if (typeof url !== 'string') {
    const protocol = url.protocol ?? 'amqp';
    return `${protocol}://${url.hostname ?? 'localhost'}:${url.port ?? (protocol === 'amqps' ? 5671 : 5672)}${url.vhost ? `/${encodeURIComponent(url.vhost)}` : ''}`;
  }
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '<invalid url>';
  }
}

/** Removes `user:password@` from any URL inside a message. */
export function scrub(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
}
