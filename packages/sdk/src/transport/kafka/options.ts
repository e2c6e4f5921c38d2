import type { ConnectionOptions } from 'node:tls';
import { humangovBindings } from '../../channels.js';
import type { ChannelBinding } from '../port.js';

/** SASL credentials handed to kafkajs. They never appear in logs, events or error messages. */
export type KafkaSaslOptions = {
  readonly [M in 'plain' | 'scram-sha-256' | 'scram-sha-512']: {
    readonly mechanism: M;
    readonly username: string;
    readonly password: string;
  };
}['plain' | 'scram-sha-256' | 'scram-sha-512'];

/** The logger the transport writes to: only warnings and errors (kafkajs logs at warn and above are mapped here). */
export interface KafkaLogger {
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/**
 * Lifecycle events of the transport, for metrics and alerting. Errors carried here are scrubbed of credentials.
 * - `producer.flush`: one produce request (kafkajs `sendBatch`) finished; `error` is set when it failed.
 * - `consumer.group-join`: a subscription joined (or re-joined) its group and got `partitions` partitions.
 * - `consumer.rebalancing`: the group is rebalancing.
 * - `consumer.crash`: the kafkajs consumer crashed; `restart` says whether it restarts itself.
 * - `consumer.request-timeout` / `producer.request-timeout`: a broker did not answer a request in time (a stall).
 * - `consumer.commit-failed`: an offset commit failed; the acked messages may be delivered again.
 */
export type KafkaTransportEvent =
  | {
      readonly type: 'producer.flush';
      readonly messages: number;
      readonly bytes: number;
      readonly durationMs: number;
      readonly error?: Error;
    }
  | { readonly type: 'producer.request-timeout'; readonly broker: string; readonly apiName: string }
  | {
      readonly type: 'consumer.group-join';
      readonly group: string;
      readonly memberId: string;
      readonly partitions: number;
    }
  | { readonly type: 'consumer.rebalancing'; readonly group: string }
  | { readonly type: 'consumer.crash'; readonly group: string; readonly error: Error; readonly restart: boolean }
  | {
      readonly type: 'consumer.request-timeout';
      readonly group: string;
      readonly broker: string;
      readonly apiName: string;
    }
  | { readonly type: 'consumer.commit-failed'; readonly group: string; readonly error: Error };

/** Options of {@link createKafkaTransport}. */
export interface KafkaTransportOptions {
  /** Bootstrap brokers, `host:port`. @default ['127.0.0.1:9092'] */
  readonly brokers?: readonly string[];
  /** Client id sent to the brokers (shows in broker logs and quotas). @default 'humangov-sdk' */
  readonly clientId?: string;
  /** TLS: `true` for the system CAs, or node `tls` options (CA, client certificate). @default undefined (plaintext) */
  readonly ssl?: boolean | ConnectionOptions;
  /** SASL authentication (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512). @default undefined (none) */
  readonly sasl?: KafkaSaslOptions;
  /**
   * Channel -> topic bindings (usually from the generated catalog). A channel without a binding uses its own name
   * as the topic. Bindings given to `provision()` are used for channels missing here. @default the HumanGov
   * catalog's bindings (so an outbox relay publishes `citizen.registered` to `humangov.citizen.registered`)
   */
  readonly channels?: ReadonlyMap<string, ChannelBinding>;
  /** A publish not acknowledged by all in-sync replicas within this time rejects with `PublishTimeoutError`. @default 15_000 */
  readonly confirmTimeoutMs?: number;
  /**
   * How long a publish to an idle topic waits for others to share its produce request (while a request of the
   * topic is in flight, publishes queue anyway and go out together as soon as it returns). @default 5
   */
  readonly linger?: number;
  /**
   * Most bytes (keys, values and headers) that concurrent publishes share in one produce request. A single message
   * larger than this (up to `maxMessageBytes`) is sent in a request of its own. @default 1_048_576
   */
  readonly maxBatchBytes?: number;
  /**
   * Largest single message (key, value and headers) `publish` accepts; a larger one rejects at once with
   * `HUMANGOV_MESSAGE_TOO_LARGE`, before anything is sent. Raise it only together with the broker's
   * `message.max.bytes` (or the topic's `max.message.bytes`): past those the broker refuses the record with the
   * same error code. @default 1_048_576 (Kafka's own default limit)
   */
  readonly maxMessageBytes?: number;
  /** How long `Subscription.close()` waits for in-flight handlers before it gives up on them. @default 30_000 */
  readonly shutdownTimeoutMs?: number;
  /**
   * Most bytes one fetch of a consumer returns, over all its partitions (kafkajs `maxBytes`). Records fetched but
   * not yet handled stay in memory, so this bounds a consumer's footprint: kafkajs's own default of 10 MiB took a
   * consumer of 1 KiB events to ~210 MB RSS, 2 MiB kept it near 155 MB at the same throughput
   * (docs/benchmarks/messaging.md). A record batch larger than the limit is still returned whole, so nothing
   * stalls. @default 2_097_152
   */
  readonly fetchMaxBytes?: number;
  /** Most bytes one fetch returns per partition (kafkajs `maxBytesPerPartition`). @default 524_288 */
  readonly fetchMaxBytesPerPartition?: number;
  /** Kafka session timeout of the consumers (a member silent this long is evicted from its group). @default 30_000 */
  readonly sessionTimeoutMs?: number;
  /** Where warnings and errors (including kafkajs's own, at warn and above) go. @default a no-op logger */
  readonly logger?: KafkaLogger;
  /** Lifecycle events (stalls, crashes, rebalances, flushes). Must not throw. @default none */
  readonly onEvent?: (event: KafkaTransportEvent) => void;
}

/** Options with their defaults applied and checked, in one place. */
export interface ResolvedKafkaOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly ssl: boolean | ConnectionOptions | undefined;
  readonly sasl: KafkaSaslOptions | undefined;
  readonly channels: ReadonlyMap<string, ChannelBinding>;
  readonly confirmTimeoutMs: number;
  readonly linger: number;
  readonly maxBatchBytes: number;
  readonly maxMessageBytes: number;
  readonly shutdownTimeoutMs: number;
  readonly fetchMaxBytes: number;
  readonly fetchMaxBytesPerPartition: number;
  readonly sessionTimeoutMs: number;
  readonly logger: KafkaLogger;
  readonly onEvent: (event: KafkaTransportEvent) => void;
}

const noop = (): void => {};
export const noopLogger: KafkaLogger = { warn: noop, error: noop };

function positive(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new RangeError(`kafka: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${v}`);
  }
  return v;
}

export function resolveKafkaOptions(options: KafkaTransportOptions): ResolvedKafkaOptions {
  const brokers = options.brokers ?? ['127.0.0.1:9092'];
  if (brokers.length === 0) throw new RangeError('kafka: brokers must not be empty');
  const onEvent = options.onEvent;
  return {
    brokers,
    clientId: options.clientId ?? 'humangov-sdk',
    ssl: options.ssl,
    sasl: options.sasl,
    channels: options.channels ?? humangovBindings(),
    confirmTimeoutMs: positive('confirmTimeoutMs', options.confirmTimeoutMs, 15_000),
    linger: positive('linger', options.linger, 5, true),
    maxBatchBytes: positive('maxBatchBytes', options.maxBatchBytes, 1_048_576),
    maxMessageBytes: positive('maxMessageBytes', options.maxMessageBytes, 1_048_576),
    shutdownTimeoutMs: positive('shutdownTimeoutMs', options.shutdownTimeoutMs, 30_000, true),
    fetchMaxBytes: positive('fetchMaxBytes', options.fetchMaxBytes, 2_097_152),
    fetchMaxBytesPerPartition: positive('fetchMaxBytesPerPartition', options.fetchMaxBytesPerPartition, 524_288),
    sessionTimeoutMs: positive('sessionTimeoutMs', options.sessionTimeoutMs, 30_000),
    logger: options.logger ?? noopLogger,
    // A throwing listener must not break the transport.
    onEvent: onEvent
      ? (event) => {
          try {
            onEvent(event);
          } catch {}
        }
      : noop,
  };
}
