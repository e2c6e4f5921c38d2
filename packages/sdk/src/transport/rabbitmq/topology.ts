import type { Channel, ChannelModel } from 'amqplib';
import type { ChannelBinding } from '../port.js';
import type { ResolvedOptions } from './options.js';

export type AmqpBinding = NonNullable<ChannelBinding['amqp']>;

/**
 * Where channels live on the broker, and the declarations that make them exist. Exchanges are declared once per
 * connection before the first publish to them; declarations run on a short-lived channel of their own, so a
 * refused one (e.g. 406 PRECONDITION_FAILED for a type mismatch) never closes the publish channel.
 */
export class Topology {
  private declared = new WeakMap<ChannelModel, Map<string, Promise<void>>>();
  private readonly bindings: Map<string, AmqpBinding>;

  constructor(private readonly options: ResolvedOptions) {
    this.bindings = amqpBindings(options.channels);
  }

  binding(channel: string): AmqpBinding {
    return (
      this.bindings.get(channel) ?? {
        exchange: this.options.exchange,
        exchangeType: 'topic',
        routingKey: channel,
        durable: true,
      }
    );
  }

  /** The queue of one group on one channel. The default exchange routes by queue name, so all groups share it. */
  queueName(group: string, channel: string): string {
    const b = this.binding(channel);
    return isDefaultExchange(b) ? b.routingKey : `${group}.${channel}`;
  }

  queueArguments(): Record<string, unknown> {
    return {
      'x-queue-type': this.options.queueType,
      ...(this.options.singleActiveConsumer ? { 'x-single-active-consumer': true } : {}),
      ...(this.options.queueExpiresMs === undefined ? {} : { 'x-expires': Math.round(this.options.queueExpiresMs) }),
    };
  }

  /** Declares the exchange of `binding` on this connection once; concurrent callers share the declaration. */
  ensureExchange(model: ChannelModel, binding: AmqpBinding): Promise<void> {
    if (isDefaultExchange(binding)) return Promise.resolve();
    let done = this.declared.get(model);
    if (!done) {
      done = new Map();
      this.declared.set(model, done);
    }
    const known = done.get(binding.exchange);
    if (known) return known;
    const declaring = withChannel(model, (ch) => assertExchange(ch, binding));
    done.set(binding.exchange, declaring);
    declaring.catch(() => done.delete(binding.exchange));
    return declaring;
  }

  /** Declares (idempotently) the queue of `group` on `channel` and binds it, on a caller's channel. */
  async declareQueue(ch: Channel, group: string, channel: string): Promise<string> {
    const b = this.binding(channel);
    const queue = this.queueName(group, channel);
    if (!isDefaultExchange(b)) await assertExchange(ch, b);
    await ch.assertQueue(queue, { durable: true, arguments: this.queueArguments() });
    if (!isDefaultExchange(b)) await ch.bindQueue(queue, b.exchange, b.routingKey);
    return queue;
  }

  /** Declares the exchanges of `channels`; from then on publish and subscribe use these bindings for them. */
  async provision(model: ChannelModel, channels: ReadonlyMap<string, ChannelBinding>): Promise<void> {
    const given = amqpBindings(channels);
    // The `channels` option is the user's word; provisioning (e.g. a router's catalog bindings) never overrides it.
    const configured = amqpBindings(this.options.channels);
    const bindings = [...channels.keys()].map((c) => configured.get(c) ?? given.get(c) ?? this.binding(c));
    await withChannel(model, async (ch) => {
      for (const b of bindings) {
        if (isDefaultExchange(b)) continue;
        await assertExchange(ch, b);
        if (b.queue === undefined) continue;
        await ch.assertQueue(b.queue, { durable: true, arguments: { 'x-queue-type': this.options.queueType } });
        await ch.bindQueue(b.queue, b.exchange, b.routingKey);
      }
    });
    for (const [channel, b] of given) if (!configured.has(channel)) this.bindings.set(channel, b);
  }
}

function amqpBindings(channels: ReadonlyMap<string, ChannelBinding>): Map<string, AmqpBinding> {
  const out = new Map<string, AmqpBinding>();
  for (const [channel, b] of channels) if (b.amqp) out.set(channel, b.amqp);
  return out;
}

function isDefaultExchange(b: AmqpBinding): boolean {
  return b.exchangeType === 'default' || b.exchange === '';
}

async function assertExchange(ch: Channel, b: AmqpBinding): Promise<void> {
  await ch.assertExchange(b.exchange, b.exchangeType, { durable: b.durable });
}

async function withChannel<T>(model: ChannelModel, use: (ch: Channel) => Promise<T>): Promise<T> {
  const ch = await model.createChannel();
  // A refused declaration closes the channel and also arrives as an 'error' event: the rejection carries it.
  ch.on('error', () => {});
  try {
    return await use(ch);
  } finally {
    await ch.close().catch(() => {});
  }
}
