import {
  type ChannelBinding,
  isProvisioner,
  type ReceivedMessage,
  type Transport,
  type TransportMessage,
} from '@humangov/sdk';

/** What a transport promises; a case needing a promise the transport does not make is skipped, with the reason. */
export interface TransportConformanceFeatures {
  /** Messages with the same key on a channel arrive in publish order. */
  readonly ordering: boolean;
  /** Members of one group share the messages; every group gets all of them. */
  readonly consumerGroups: boolean;
  /** Messages and group positions outlive a subscription and a transport (a restarted consumer loses nothing). */
  readonly persistence: boolean;
  /** A nacked (or failed) message comes back. */
  readonly redelivery: boolean;
  /** Largest body the transport carries intact; the large-payload case is skipped when absent. */
  readonly largePayloadBytes?: number;
}

/** Options of `describeTransportConformance`. */
export interface TransportConformanceOptions {
  /** Names the transport in the suite's title and in skip reasons. */
  readonly name: string;
  /** Fresh transport per call, connected to the same broker; the suite closes each one after its case. */
  create(): Promise<Transport>;
  readonly features: TransportConformanceFeatures;
  /** Per-case unique channel names (each also names the case's consumer groups). @default `conformance.<random>` */
  readonly channel?: () => string;
  /**
   * Timeout per case; waits inside a case give up a little earlier, with a message saying what was missing.
   * @default 30_000
   */
  readonly timeoutMs?: number;
}

/** What a case gets: transports it need not close, unique provisioned channels, a bound for its waits. */
export interface CaseContext {
  readonly name: string;
  readonly features: TransportConformanceFeatures;
  /** Bound for each wait in the case. */
  readonly waitMs: number;
  /** A new transport from `create()`, the case's channels provisioned (if a Provisioner); closed after the case. */
  open(): Promise<Transport>;
  /** A fresh channel of the case, and a transport from `open()`. */
  setup(): Promise<{ readonly transport: Transport; readonly channel: string }>;
}

/** The bindings the suite provisions: a 4-partition topic; a durable topic exchange with the channel as key. */
export function conformanceBinding(channel: string): ChannelBinding {
  return {
    kafka: { topic: channel, partitions: 4, replicas: 1 },
    amqp: { exchange: 'humangov.conformance', exchangeType: 'topic', routingKey: channel, durable: true },
  };
}

/** Creates the per-case context and the hook that closes what the case opened. */
export function createCaseContext(options: TransportConformanceOptions): {
  readonly context: CaseContext;
  cleanup(): Promise<void>;
} {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const nextChannel = options.channel ?? (() => `conformance.${globalThis.crypto.randomUUID().slice(0, 12)}`);
  let opened: Transport[] = [];
  let channels: string[] = [];
  // Every transport provisions the case's channels, as every process of a service would at start-up: a
  // transport must not depend on another having declared its topics, exchanges or queues.
  const open = async (): Promise<Transport> => {
    const transport = await options.create();
    opened.push(transport);
    if (isProvisioner(transport) && channels.length > 0)
      await transport.provision(new Map(channels.map((channel) => [channel, conformanceBinding(channel)])));
    return transport;
  };
  const context: CaseContext = {
    name: options.name,
    features: options.features,
    waitMs: Math.max(timeoutMs - 2_000, Math.floor(timeoutMs * 0.8)),
    open,
    async setup() {
      const channel = nextChannel();
      channels.push(channel);
      return { transport: await open(), channel };
    },
  };
  return {
    context,
    async cleanup() {
      const closing = opened;
      opened = [];
      channels = [];
      const results = await Promise.allSettled(closing.map((transport) => transport.close()));
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      if (failures.length > 0) throw new AggregateError(failures, `${options.name}: close() failed`);
    },
  };
}

const encoder = new TextEncoder();

/** A test message with CloudEvents attributes; `id` identifies it, the body defaults to the id's bytes. */
export function testMessage(
  channel: string,
  id: string,
  extra: { readonly key?: string; readonly body?: Uint8Array } = {},
): TransportMessage {
  return {
    channel,
    ...(extra.key === undefined ? {} : { key: extra.key }),
    attributes: { id, type: 'gov.humangov.conformance.Tested', source: '/humangov/conformance', specversion: '1.0' },
    headers: {},
    body: extra.body ?? encoder.encode(id),
  };
}

/** The `id` attribute of a message. */
export const idOf = (message: ReceivedMessage): string => message.attributes.id ?? '';

/** How many deliveries each id had. */
export function countById(messages: readonly ReceivedMessage[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of messages) counts.set(idOf(message), (counts.get(idOf(message)) ?? 0) + 1);
  return counts;
}

/** `prefix-0` .. `prefix-(n-1)`. */
export const ids = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

/** Ids of `expected` not among the ids of `messages`, for a readable failure. */
export function missing(expected: readonly string[], messages: readonly ReceivedMessage[]): string[] {
  const seen = new Set(messages.map(idOf));
  return expected.filter((id) => !seen.has(id));
}

/** True once every id of `expected` is among the ids of `messages`. */
export const hasAll = (expected: readonly string[]) => (messages: readonly ReceivedMessage[]) =>
  missing(expected, messages).length === 0;
