/**
 * The transport port: what the typed publisher and router need from a broker, and nothing more.
 * A transport publishes bytes with attributes and delivers them to subscriptions; it knows nothing of the
 * catalog, validation or handlers (STYLE.md rule 2: small ports; optional abilities are separate interfaces).
 */

/** A message as every transport carries it: CloudEvents binary content mode. */
export interface TransportMessage {
  /** Logical channel (the AsyncAPI channel address); a transport maps it to a topic, or an exchange + routing key. */
  readonly channel: string;
  /** Ordering / partition key. Messages with the same key on the same channel are delivered in publish order. */
  readonly key?: string;
  /**
   * CloudEvents context attributes and extensions, except `data` and `datacontenttype`, as strings
   * (`id`, `type`, `source`, `specversion`, `version`, `correlationid`...). Kafka writes them as `ce_<name>`
   * headers, AMQP as `cloudEvents:<name>` application properties; the receiving transport gives them back by name.
   */
  readonly attributes: Readonly<Record<string, string>>;
  /** `datacontenttype`: Kafka `content-type` header, AMQP `content_type` property. */
  readonly contentType?: string;
  /** Other headers, passed through unchanged (dead-letter reasons, headers of other producers). */
  readonly headers: Readonly<Record<string, string>>;
  /** The payload bytes (`data`), never parsed by the transport. */
  readonly body: Uint8Array;
}

/** Options of one publish call. */
export interface PublishOptions {
  /** Aborts waiting for the broker's confirmation (the message may still be written). */
  readonly signal?: AbortSignal;
}

/**
 * Writes messages. `publish` resolves only when the broker has durably accepted the message (Kafka acks=all,
 * RabbitMQ publisher confirm, memory: stored); it rejects with a typed error (`code`) otherwise, never hangs
 * past the transport's confirm timeout. `close()` waits for pending publishes, then disconnects.
 */
export interface PublisherPort {
  publish(message: TransportMessage, options?: PublishOptions): Promise<void>;
  close(): Promise<void>;
}

/**
 * Optional ability: publish many messages in one call, cheaper per message than `publish` (no per-message
 * promise, timer or linger). Messages with the same key on the same channel are written in array order.
 * Resolves when the broker durably accepted all of them. Rejects with a typed error as `publish` does, and
 * writes nothing after the part that failed; the part before it may have been written, so callers that need
 * at-least-once publish the whole batch again. Used by the outbox relay when the transport has it.
 */
export interface BatchPublisher {
  publishBatch(messages: readonly TransportMessage[], options?: PublishOptions): Promise<void>;
}

export const isBatchPublisher = (t: object): t is BatchPublisher =>
  typeof (t as BatchPublisher).publishBatch === 'function';

/** A message handed to a subscription. The transport redelivers it until it is acked. */
export interface ReceivedMessage extends TransportMessage {
  /** Partition (Kafka, memory) it was read from. */
  readonly partition?: number;
  /** Offset (Kafka, memory) or delivery tag (AMQP) as a string. */
  readonly offset?: string;
  /** 1 on first delivery; higher when the transport knows it is a redelivery. */
  readonly deliveryAttempt: number;
  /** Marks it processed: it is not delivered to this group again. Idempotent; later calls do nothing. */
  ack(): Promise<void>;
  /** Hands it back for redelivery to the group (after `delayMs`, where the transport supports it). Idempotent. */
  nack(options?: { readonly delayMs?: number }): Promise<void>;
}

/** What a subscription reads and how. */
export interface SubscriptionSpec {
  /** Consumer group: members of one group share the messages; every group gets all of them. */
  readonly group: string;
  readonly channels: readonly string[];
  /** Most messages handled at once by this member (ordering per key is kept: one at a time per key). @default 1 */
  readonly concurrency?: number;
  /** A new group starts at the earliest retained message instead of new ones only. @default true */
  readonly fromBeginning?: boolean;
}

/**
 * Called once per delivery. The transport does not ack on its own: the caller calls `ack()` or `nack()`.
 * A handler that rejects is treated as `nack()`.
 */
export type DeliveryHandler = (message: ReceivedMessage) => Promise<void>;

/** A running subscription; `close()` stops fetching, waits for in-flight deliveries, and leaves the group. */
export interface Subscription {
  close(): Promise<void>;
}

/** Reads messages. `close()` closes every subscription, then disconnects. */
export interface SubscriberPort {
  subscribe(spec: SubscriptionSpec, handler: DeliveryHandler): Promise<Subscription>;
  close(): Promise<void>;
}

/** Both directions over one connection set; every HumanGov transport is one. */
export interface Transport extends PublisherPort, SubscriberPort {
  /** Short name for logs and errors: `memory`, `kafka`, `rabbitmq`. */
  readonly name: string;
}

/** Broker-side binding of one channel, from the catalog (or given by hand for channels outside it). */
export interface ChannelBinding {
  readonly kafka?: { readonly topic: string; readonly partitions?: number; readonly replicas?: number };
  readonly amqp?: {
    readonly exchange: string;
    readonly exchangeType: 'topic' | 'direct' | 'fanout' | 'default' | 'headers';
    readonly routingKey: string;
    readonly durable: boolean;
    /**
     * A durable queue to declare and bind at `provision`, so messages are kept before anyone subscribes
     * (dead letters). Without it, AMQP drops messages no queue is bound for.
     */
    readonly queue?: string;
  };
}

/** Optional ability: create the broker objects (topics, exchanges, queues) of channels before use. */
export interface Provisioner {
  provision(channels: ReadonlyMap<string, ChannelBinding>): Promise<void>;
}

export const isProvisioner = (t: object): t is Provisioner => typeof (t as Provisioner).provision === 'function';

/** What `prepareRedelivery` sets up: delays after which messages of `channels` come back to `group`. */
export interface RedeliverySpec {
  readonly group: string;
  readonly channels: readonly string[];
  /** The delays messages can be handed back with; each gets its broker object (retry topic, TTL queue). */
  readonly delaysMs: readonly number[];
  /** Most redelivered messages handled at once, where the transport reads them separately. @default 1 */
  readonly concurrency?: number;
}

/** Prepared delayed redelivery of one group. `close()` stops whatever reads the delayed messages. */
export interface Redelivery extends Subscription {
  /**
   * Stores a copy of `message` (same key, attributes, content type, body; its headers) on the broker; it is delivered
   * again to the group after `delayMs` (one of the prepared delays), with `channel` the original channel.
   * Resolves once the broker has it durably; the caller then acks the original (at-least-once).
   */
  later(message: TransportMessage, delayMs: number): Promise<void>;
}

/**
 * Optional ability: delayed redelivery through the broker, so a failing message waits without holding its
 * partition or consumer (Kafka: `<group>.<topic>.retry.<delayMs>` topics; RabbitMQ: per-delay queues with a TTL that
 * dead-letter back to the group's queue). Redelivered messages reach `handler` (Kafka) or the group's own
 * subscription (RabbitMQ).
 */
export interface DelayedRedeliverer {
  prepareRedelivery(spec: RedeliverySpec, handler: DeliveryHandler): Promise<Redelivery>;
}

export const isDelayedRedeliverer = (t: object): t is DelayedRedeliverer =>
  typeof (t as DelayedRedeliverer).prepareRedelivery === 'function';
