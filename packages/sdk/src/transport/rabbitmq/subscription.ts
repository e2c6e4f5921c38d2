import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { DeliveryHandler, ReceivedMessage, Subscription, SubscriptionSpec } from '../port.js';
import { decode } from './codec.js';
import type { ReconnectingConnection } from './connection.js';
import { backoff, errorMessage } from './connection.js';
import type { ResolvedOptions } from './options.js';
import { scrub } from './options.js';
import { Semaphore } from './semaphore.js';
import type { Topology } from './topology.js';

/**
 * One member of a consumer group on a set of channels: one AMQP channel, one consumer per queue
 * (`<group>.<channel>`), manual acks. At most `concurrency` handlers run at once and messages with the same key
 * run one at a time, in delivery order. After a lost connection (or channel) it declares its queues and
 * consumes again; deliveries of the dead channel are redelivered by the broker, so their ack/nack do nothing.
 */
export class RabbitSubscription implements Subscription {
  private channel: Channel | undefined;
  private consumerTags: string[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly keyTails = new Map<string, Promise<void>>();
  private readonly wakers = new Set<() => void>();
  private readonly limiter: Semaphore;
  private readonly prefetch: number;
  private closing: Promise<void> | undefined;
  private recovering = false;
  private started = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly unlisten: () => void;

  constructor(
    private readonly spec: SubscriptionSpec,
    private readonly handler: DeliveryHandler,
    private readonly options: ResolvedOptions,
    private readonly connection: ReconnectingConnection,
    private readonly topology: Topology,
    private readonly onClosed: (s: RabbitSubscription) => void,
  ) {
    const concurrency = Math.max(1, spec.concurrency ?? 1);
    this.limiter = new Semaphore(concurrency);
    this.prefetch = options.prefetch ?? concurrency;
    this.unlisten = connection.onConnected((model) => void this.recover(model));
  }

  /** First start: a refused declaration (e.g. a queue that exists with other arguments) rejects `subscribe`. */
  async start(): Promise<void> {
    try {
      const model = await this.connection.readyWithin(this.options.connectTimeoutMs);
      await this.consume(model);
      this.started = true;
    } catch (error) {
      this.unlisten();
      throw error;
    }
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.unlisten();
    clearTimeout(this.retryTimer);
    const ch = this.channel;
    if (ch) await Promise.all(this.consumerTags.map((tag) => ch.cancel(tag).catch(() => {})));
    for (const wake of this.wakers) wake();
    await this.drain();
    this.channel = undefined;
    if (ch) await ch.close().catch(() => {});
    this.onClosed(this);
  }

  private async drain(): Promise<void> {
    if (this.inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.closeTimeoutMs);
    });
    const result = await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
    clearTimeout(timer);
    if (result === 'timeout') {
      this.options.logger.warn('rabbitmq: handlers still running at close; their messages will be redelivered', {
        group: this.spec.group,
        inFlight: this.inFlight.size,
      });
    }
  }

  private async consume(model: ChannelModel): Promise<void> {
    const ch = await model.createChannel();
    ch.on('error', (error: Error) => {
      this.options.logger.warn('rabbitmq: consumer channel error', {
        group: this.spec.group,
        reason: scrub(error.message),
      });
    });
    ch.once('close', () => this.onChannelClosed(ch, model));
    try {
      await ch.prefetch(this.prefetch, false);
      const tags: string[] = [];
      for (const name of this.spec.channels) {
        const queue = await this.topology.declareQueue(ch, this.spec.group, name);
        const { consumerTag } = await ch.consume(
          queue,
          (msg) => (msg === null ? this.onCancelled(ch) : this.deliverSafely(ch, name, msg)),
          { noAck: false },
        );
        tags.push(consumerTag);
      }
      this.channel = ch;
      this.consumerTags = tags;
      this.failures = 0;
    } catch (error) {
      await ch.close().catch(() => {});
      throw error;
    }
  }

  /** After a reconnection, or a channel the broker closed while the connection lived on. */
  private async recover(model: ChannelModel): Promise<void> {
    if (!this.started || this.closing || this.recovering || this.channel) return;
    if (this.connection.current !== model) return;
    this.recovering = true;
    try {
      await this.consume(model);
      this.options.emit({ type: 'resubscribed', group: this.spec.group, channels: this.spec.channels });
    } catch (error) {
      this.failures++;
      this.options.logger.error('rabbitmq: could not resume consuming', {
        group: this.spec.group,
        attempt: this.failures,
        reason: scrub(errorMessage(error)),
      });
      this.retryLater(model);
    } finally {
      this.recovering = false;
    }
  }

  private retryLater(model: ChannelModel): void {
    const r = this.options.reconnect;
    if (r === false || this.closing) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(
      () => void this.recover(model),
      backoff(this.failures, r.initialDelayMs, r.maxDelayMs),
    );
  }

  private onChannelClosed(ch: Channel, model: ChannelModel): void {
    if (this.channel !== ch) return;
    this.channel = undefined;
    this.consumerTags = [];
    // When the whole connection died, `onConnected` resumes us; otherwise only the channel went away.
    if (!this.closing) this.retryLater(model);
  }

  /** The broker cancelled the consumer (its queue was deleted): start over on a fresh channel. */
  private onCancelled(ch: Channel): void {
    this.options.logger.warn('rabbitmq: consumer cancelled by the broker', { group: this.spec.group });
    void ch.close().catch(() => {});
  }

  /** A throw inside amqplib's delivery callback would surface as a connection error: never let one escape. */
  private deliverSafely(ch: Channel, channelName: string, msg: ConsumeMessage): void {
    try {
      this.deliver(ch, channelName, msg);
    } catch (error) {
      this.options.logger.error('rabbitmq: could not decode a delivery; requeueing it', {
        group: this.spec.group,
        reason: scrub(errorMessage(error)),
      });
      try {
        ch.nack(msg, false, true);
      } catch {
        /* channel gone: the broker redelivers */
      }
    }
  }

  private deliver(ch: Channel, channelName: string, msg: ConsumeMessage): void {
    const received = this.receive(ch, channelName, msg);
    const task = async (): Promise<void> => {
      await this.limiter.acquire();
      try {
        // Not started yet at close: left unacked, the broker redelivers it when the channel closes.
        if (this.closing) return;
        await this.handler(received);
      } catch (error) {
        this.options.logger.warn('rabbitmq: handler rejected; nacking', {
          group: this.spec.group,
          reason: scrub(errorMessage(error)),
        });
        await received.nack();
      } finally {
        this.limiter.release();
      }
    };
    const key = received.key === undefined ? undefined : `${channelName}\u0000${received.key}`;
    const previous = key === undefined ? undefined : this.keyTails.get(key);
    const run = previous ? previous.then(task) : task();
    if (key !== undefined) this.keyTails.set(key, run);
    this.inFlight.add(run);
    // One reaction per message for both books.
    const forget = (): void => {
      this.inFlight.delete(run);
      if (key !== undefined && this.keyTails.get(key) === run) this.keyTails.delete(key);
    };
    void run.then(forget, forget);
  }

  private receive(ch: Channel, channelName: string, msg: ConsumeMessage): ReceivedMessage {
    let claimed = false;
    // A closed channel throws; its deliveries come back from the broker anyway, so the call becomes a no-op.
    const settle = (act: () => void) => {
      try {
        act();
      } catch {
        /* channel gone */
      }
    };
    const decoded = decode(channelName, msg);
    return {
      channel: decoded.channel,
      key: decoded.key,
      attributes: decoded.attributes,
      contentType: decoded.contentType,
      headers: decoded.headers,
      body: decoded.body,
      deliveryAttempt: decoded.deliveryAttempt,
      offset: String(msg.fields.deliveryTag),
      ack: async () => {
        if (claimed) return;
        claimed = true;
        settle(() => ch.ack(msg));
      },
      nack: async (options) => {
        if (claimed) return;
        claimed = true;
        const delayMs = options?.delayMs ?? 0;
        if (delayMs > 0 && !this.closing) await this.sleep(delayMs);
        settle(() => ch.nack(msg, false, true));
      },
    };
  }

  /** A nack delay that `close()` cuts short. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }
}
