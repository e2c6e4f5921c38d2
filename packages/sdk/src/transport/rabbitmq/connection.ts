import type { ChannelModel } from 'amqplib';
import { ClosedError, ConnectionError } from '../../errors.js';
import type { ResolvedOptions } from './options.js';
import { scrub } from './options.js';

type Connect = () => Promise<ChannelModel>;

interface Waiter {
  resolve(model: ChannelModel): void;
  reject(error: Error): void;
}

/**
 * One AMQP connection that comes back after it is lost: exponential backoff with jitter between attempts,
 * `onConnected` listeners run on every (re)connection so callers re-declare what they own. Connects lazily,
 * on the first `ready()`.
 */
export class ReconnectingConnection {
  private model: ChannelModel | undefined;
  private waiters: Waiter[] = [];
  private readonly listeners = new Set<(model: ChannelModel) => void>();
  private connecting = false;
  private closed = false;
  private failure: Error | undefined;
  private lastError: unknown;
  private sleepTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly connect: Connect,
  ) {}

  /** The live connection, or the next one. Rejects after `close()`, or when down with reconnect off. */
  ready(): Promise<ChannelModel> {
    if (this.closed) return Promise.reject(new ClosedError('rabbitmq transport'));
    if (this.model) return Promise.resolve(this.model);
    if (this.failure) return Promise.reject(this.failure);
    const p = new Promise<ChannelModel>((resolve, reject) => this.waiters.push({ resolve, reject }));
    void this.run();
    return p;
  }

  /** `ready()` bounded by `ms`; the timeout is a retryable ConnectionError whose cause is the last failure. */
  readyWithin(ms: number): Promise<ChannelModel> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new ConnectionError('rabbitmq', `not connected within ${ms} ms${this.reason()}`, { cause: this.lastError }),
        );
      }, ms);
      this.ready().then(
        (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  }

  get current(): ChannelModel | undefined {
    return this.model;
  }

  /** Runs on every (re)connection, including the first. Returns an unsubscribe function. */
  onConnected(listener: (model: ChannelModel) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.sleepTimer);
    this.wake?.();
    this.flush(new ClosedError('rabbitmq transport'));
    const model = this.model;
    this.model = undefined;
    if (model) await model.close().catch(() => {});
    this.options.emit({ type: 'closed' });
  }

  private reason(): string {
    return this.lastError === undefined ? '' : `: ${scrub(errorMessage(this.lastError))}`;
  }

  private flush(error: Error): void {
    for (const w of this.waiters.splice(0)) w.reject(error);
  }

  private async run(): Promise<void> {
    if (this.connecting || this.closed || this.model) return;
    this.connecting = true;
    const { logger, emit, displayUrl, reconnect } = this.options;
    try {
      for (let attempt = 1; !this.closed; attempt++) {
        let model: ChannelModel;
        try {
          model = await this.connect();
        } catch (error) {
          this.lastError = error;
          const reason = scrub(errorMessage(error));
          if (reconnect === false) {
            this.failure = new ConnectionError('rabbitmq', reason, { cause: error });
            this.flush(this.failure);
            return;
          }
          const delayMs = backoff(attempt, reconnect.initialDelayMs, reconnect.maxDelayMs);
          logger.warn('rabbitmq: connection attempt failed', { url: displayUrl, attempt, delayMs, reason });
          emit({ type: 'reconnecting', attempt, delayMs, reason });
          await this.sleep(delayMs);
          continue;
        }
        if (this.closed) {
          await model.close().catch(() => {});
          return;
        }
        this.attach(model);
        logger.debug('rabbitmq: connected', { url: displayUrl, attempt });
        emit({ type: 'connected', url: displayUrl, attempt });
        for (const w of this.waiters.splice(0)) w.resolve(model);
        for (const listener of this.listeners) listener(model);
        return;
      }
    } finally {
      this.connecting = false;
    }
  }

  private attach(model: ChannelModel): void {
    const { logger, emit } = this.options;
    this.model = model;
    this.failure = undefined;
    model.on('error', (error: Error) => {
      this.lastError = error;
      logger.warn('rabbitmq: connection error', { reason: scrub(error.message) });
    });
    model.on('blocked', (reason: string) => emit({ type: 'blocked', reason }));
    model.on('unblocked', () => emit({ type: 'unblocked' }));
    model.once('close', (error?: Error) => {
      if (this.model !== model) return;
      this.model = undefined;
      if (this.closed) return;
      const reason = scrub(error?.message ?? 'connection closed');
      this.lastError = error;
      logger.warn('rabbitmq: connection lost', { reason });
      emit({ type: 'disconnected', reason });
      if (this.options.reconnect === false) {
        this.failure = new ConnectionError('rabbitmq', `connection lost: ${reason}`, { cause: error });
        this.flush(this.failure);
        return;
      }
      void this.run();
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.sleepTimer = setTimeout(resolve, ms);
    });
  }
}

/** Exponential backoff with "equal jitter": half the step is fixed, half random, so retries spread out. */
export function backoff(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const step = Math.min(maxMs, initialMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(step / 2 + (random() * step) / 2);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
