import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { ClosedError, isSdkError, PublishError, PublishTimeoutError, SdkError } from '../../errors.js';
import type { PublishOptions, TransportMessage } from '../port.js';
import { encode } from './codec.js';
import type { ReconnectingConnection } from './connection.js';
import { errorMessage } from './connection.js';
import type { ResolvedOptions } from './options.js';
import { scrub } from './options.js';
import type { Topology } from './topology.js';

/** The confirm channel of one connection, with its backpressure state. */
interface PublishChannel {
  readonly model: ChannelModel;
  readonly channel: ConfirmChannel;
  /** Set while amqplib's buffer is over its high-water mark; resolves on 'drain' (or close). */
  drained: Promise<void> | undefined;
  closed: boolean;
  /** Why the broker closed the channel, when it said so (e.g. 404 exchange, 406 message too large). */
  closeError: (Error & { code?: number }) | undefined;
}

/**
 * Publishes on one ConfirmChannel per connection. Publishes run concurrently, each waiting for its own confirm;
 * every publish is bounded by `confirmTimeoutMs` from the call, covering reconnection, backpressure and the
 * confirm itself.
 */
export class ConfirmPublisher {
  private current: { readonly model: ChannelModel; readonly channel: Promise<PublishChannel> } | undefined;
  private readonly pending = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly connection: ReconnectingConnection,
    private readonly topology: Topology,
  ) {}

  publish(message: TransportMessage, publishOptions?: PublishOptions): Promise<void> {
    if (this.closed) return Promise.reject(new ClosedError('rabbitmq transport'));
    const p = this.bounded(message, publishOptions?.signal);
    this.pending.add(p);
    const forget = () => this.pending.delete(p);
    p.then(forget, forget);
    return p;
  }

  /** Stops new publishes and waits for the pending ones (each is bounded by its confirm timeout). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.pending]);
    const current = this.current;
    this.current = undefined;
    const ch = current ? await current.channel.catch(() => undefined) : undefined;
    if (ch && !ch.closed) await ch.channel.close().catch(() => {});
  }

  private bounded(message: TransportMessage, signal: AbortSignal | undefined): Promise<void> {
    const timeoutMs = this.options.confirmTimeoutMs;
    return new Promise<void>((resolve, reject) => {
      // `settled` also stops a publish that timed out while waiting for a connection from being sent later.
      const state = { settled: false };
      const finish = (error?: unknown) => {
        if (state.settled) return;
        state.settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error === undefined) resolve();
        else reject(error);
      };
      const timer = setTimeout(() => finish(new PublishTimeoutError('rabbitmq', timeoutMs)), timeoutMs);
      const onAbort = () => finish(signal?.reason);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.send(message, state).then(finish, (error: unknown) => finish(asPublishError(error)));
    });
  }

  private async send(message: TransportMessage, state: { readonly settled: boolean }): Promise<void> {
    const binding = this.topology.binding(message.channel);
    const { content, options } = encode(message);
    const model = await this.connection.ready();
    await this.topology.ensureExchange(model, binding);
    const ch = await this.channelFor(model);
    while (ch.drained && !ch.closed) await ch.drained;
    if (state.settled) return;
    if (ch.closed) throw lost(ch, content.length);
    await new Promise<void>((resolve, reject) => {
      let ok: boolean;
      try {
        ok = ch.channel.publish(binding.exchange, binding.routingKey, content, options, (err: unknown) => {
          if (err === null || err === undefined) resolve();
          // amqplib calls back with 'message nacked' for basic.nack, and with 'channel closed' when it dies.
          else if (errorMessage(err) === 'message nacked') {
            reject(new PublishError('rabbitmq', 'the broker refused the message (basic.nack)', true, { cause: err }));
          } else reject(lost(ch, content.length));
        });
      } catch (error) {
        // amqplib throws synchronously when the channel closed between our check and the call.
        reject(new PublishError('rabbitmq', scrub(errorMessage(error)), true, { cause: error }));
        return;
      }
      if (!ok && !ch.drained) {
        ch.drained = new Promise<void>((done) => {
          const release = () => {
            ch.drained = undefined;
            ch.channel.off('drain', release);
            ch.channel.off('close', release);
            done();
          };
          ch.channel.on('drain', release);
          ch.channel.on('close', release);
        });
      }
    });
  }

  private channelFor(model: ChannelModel): Promise<PublishChannel> {
    const current = this.current;
    if (current?.model === model) return current.channel;
    // Concurrent callers share one channel per connection.
    const channel = this.open(model);
    const entry = { model, channel };
    this.current = entry;
    const forget = () => {
      if (this.current === entry) this.current = undefined;
    };
    channel.then((ch) => ch.channel.once('close', forget), forget);
    return channel;
  }

  private async open(model: ChannelModel): Promise<PublishChannel> {
    const channel = await model.createConfirmChannel();
    const ch: PublishChannel = { model, channel, drained: undefined, closed: false, closeError: undefined };
    channel.on('error', (error: Error & { code?: number }) => {
      ch.closeError = error;
      this.options.logger.warn('rabbitmq: publish channel error', { reason: scrub(error.message) });
    });
    channel.once('close', () => {
      ch.closed = true;
    });
    return ch;
  }
}

function lost(ch: PublishChannel, size: number): SdkError {
  const error = ch.closeError;
  // The broker closes the whole channel for one oversized message: only that one gets the permanent error.
  const max = error?.code === 406 ? /larger than configured max size (\d+)/i.exec(error.message)?.[1] : undefined;
  if (max !== undefined && size > Number(max)) {
    return new SdkError('HUMANGOV_MESSAGE_TOO_LARGE', `rabbitmq: ${size} bytes exceed the broker's ${max}`, false, {
      cause: error,
    });
  }
  const reason = error ? `channel closed by the broker: ${scrub(error.message)}` : 'connection lost before the confirm';
  // The broker may still have stored the message: a retry can make a duplicate the consumer must absorb.
  return new PublishError('rabbitmq', reason, true, { cause: error });
}

function asPublishError(error: unknown): unknown {
  if (isSdkError(error)) return error;
  // e.g. the exchange declaration was refused: 403/406 are the broker's final word.
  const code = (error as { code?: unknown } | null)?.code;
  const permanent = typeof code === 'number' && code >= 400 && code < 500;
  return new PublishError('rabbitmq', scrub(errorMessage(error)), !permanent, { cause: error });
}
