import { getEventListeners } from 'node:events';
import type { Message, TopicMessages } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isSdkError, PublishError } from '../../errors.js';
import { createPublishBatcher, type PublishBatcherOptions } from './publish-batcher.js';

const record = (value: string): Message => ({ key: null, value: Buffer.from(value), headers: {} });

/** A fake produce path: records each request; the test settles them. */
function fakeSend() {
  const requests: Array<{ topicMessages: TopicMessages[]; resolve(): void; reject(e: unknown): void }> = [];
  const send = (topicMessages: TopicMessages[]) =>
    new Promise<void>((resolve, reject) => {
      requests.push({ topicMessages, resolve, reject });
    });
  return { requests, send };
}

function batcher(send: PublishBatcherOptions['send'], overrides: Partial<PublishBatcherOptions> = {}) {
  return createPublishBatcher({
    transport: 'kafka',
    linger: 5,
    maxBatchBytes: 10_000,
    maxMessageBytes: 10_000,
    confirmTimeoutMs: 1_000,
    send,
    toError: (e) => new PublishError('kafka', String(e), true),
    ...overrides,
  });
}

const values = (r: { topicMessages: TopicMessages[] }) =>
  r.topicMessages.flatMap((t) => t.messages.map((m) => `${t.topic}:${String(m.value)}`));

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('publish batcher', () => {
  it('waits `linger` ms, then sends everything queued in one request per topic', async () => {
    const { requests, send } = fakeSend();
    const b = batcher(send);
    const done = [b.publish('a', record('1')), b.publish('a', record('2')), b.publish('b', record('3'))];
    await vi.advanceTimersByTimeAsync(4);
    expect(requests).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(requests.map(values)).toEqual([['a:1', 'a:2'], ['b:3']]);
    for (const r of requests) r.resolve();
    await expect(Promise.all(done)).resolves.toBeDefined();
  });

  it('fills the next request while one is in flight, keeping publish order', async () => {
    const { requests, send } = fakeSend();
    const b = batcher(send);
    const first = b.publish('a', record('1'));
    await vi.advanceTimersByTimeAsync(5);
    const later = [b.publish('a', record('2')), b.publish('a', record('3'))];
    await vi.advanceTimersByTimeAsync(50);
    expect(requests).toHaveLength(1); // one in flight per topic
    requests[0]!.resolve();
    await first;
    await vi.advanceTimersByTimeAsync(0);
    expect(requests.map(values)).toEqual([['a:1'], ['a:2', 'a:3']]);
    requests[1]!.resolve();
    await Promise.all(later);
  });

  it('splits at maxBatchBytes and sends a full batch without waiting', async () => {
    const { requests, send } = fakeSend();
    const b = batcher(send, { maxBatchBytes: 250 });
    void b.publish('a', record('x'.repeat(100)));
    void b.publish('a', record('y'.repeat(100)));
    await vi.advanceTimersByTimeAsync(0);
    expect(requests).toHaveLength(1);
    expect(values(requests[0]!)).toHaveLength(1);
  });

  it('sends a record larger than maxBatchBytes (within maxMessageBytes) in a request of its own, in order', async () => {
    const { requests, send } = fakeSend();
    const b = batcher(send, { maxBatchBytes: 250, maxMessageBytes: 1_000 });
    const done = [
      b.publish('a', record('1')),
      b.publish('a', record('z'.repeat(600))),
      b.publish('a', record('2')),
      b.publish('a', record('3')),
    ];
    await vi.advanceTimersByTimeAsync(0); // 600+ bytes queued: over maxBatchBytes, no linger
    for (let i = 0; i < 3; i++) {
      requests[i]!.resolve();
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(requests.map((r) => values(r).map((v) => v.slice(0, 4)))).toEqual([['a:1'], ['a:zz'], ['a:2', 'a:3']]);
    await expect(Promise.all(done)).resolves.toBeDefined();
  });

  it('rejects a record larger than maxMessageBytes at once, sending nothing', async () => {
    const { requests, send } = fakeSend();
    const b = batcher(send, { maxBatchBytes: 100, maxMessageBytes: 150 });
    const error = await b.publish('a', record('z'.repeat(200))).catch((e: unknown) => e);
    expect(isSdkError(error, 'HUMANGOV_MESSAGE_TOO_LARGE')).toBe(true);
    await vi.advanceTimersByTimeAsync(50);
    expect(requests).toHaveLength(0);
  });

  it('gives every caller of a failed request the mapped error', async () => {
    const { requests, send } = fakeSend();
    const b = batcher(send);
    const done = [b.publish('a', record('1')), b.publish('a', record('2'))].map((p) => p.catch((e: unknown) => e));
    await vi.advanceTimersByTimeAsync(5);
    requests[0]!.reject(new Error('boom'));
    const errors = await Promise.all(done);
    expect(errors.every((e) => isSdkError(e, 'HUMANGOV_PUBLISH_FAILED'))).toBe(true);
  });

  it('times out after confirmTimeoutMs and drops a record that was never sent', async () => {
    const { requests, send } = fakeSend();
    const b = batcher(send);
    const stuck = b.publish('a', record('1')).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5);
    const queued = b.publish('a', record('2')).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(isSdkError(await stuck, 'HUMANGOV_PUBLISH_TIMEOUT')).toBe(true);
    expect(isSdkError(await queued, 'HUMANGOV_PUBLISH_TIMEOUT')).toBe(true);
    requests[0]!.resolve();
    await vi.advanceTimersByTimeAsync(10);
    expect(requests).toHaveLength(1); // '2' timed out while queued: not sent
  });

  it('stops waiting when the signal aborts', async () => {
    const b = batcher(fakeSend().send);
    const controller = new AbortController();
    const done = b.publish('a', record('1'), controller.signal).catch((e: unknown) => e);
    controller.abort(new Error('gave up'));
    expect(await done).toEqual(new Error('gave up'));
  });

  it('a signal shared by many publishes: listeners do not pile up, and its abort rejects every publish still waiting', async () => {
    const { requests, send } = fakeSend();
    const b = batcher(send);
    const controller = new AbortController();
    for (let i = 0; i < 50; i++) {
      const done = b.publish('a', record(`s${i}`), controller.signal);
      await vi.advanceTimersByTimeAsync(5);
      requests.at(-1)!.resolve();
      await done;
    }
    expect(getEventListeners(controller.signal, 'abort').length).toBeLessThanOrEqual(1); // no listener piles up
    const waiting = ['w1', 'w2', 'w3'].map((v) =>
      b.publish('a', record(v), controller.signal).catch((e: unknown) => e),
    );
    controller.abort(new Error('batch deadline'));
    expect(await Promise.all(waiting)).toEqual([1, 2, 3].map(() => new Error('batch deadline')));
  });

  it('close sends what is queued at once, waits for the outcomes, then rejects new publishes', async () => {
    const { requests, send } = fakeSend();
    const b = batcher(send);
    const pending = b.publish('a', record('1'));
    const closed = b.close();
    expect(requests).toHaveLength(1);
    requests[0]!.resolve();
    await pending;
    await closed;
    const error = await b.publish('a', record('2')).catch((e: unknown) => e);
    expect(isSdkError(error, 'HUMANGOV_TRANSPORT_CLOSED')).toBe(true);
  });

  describe('publishAll', () => {
    const all = (...items: Array<[string, string]>) =>
      items.map(([topic, value]) => ({ topic, record: record(value) }));

    it('sends at once, in order, one request after another of up to maxBatchBytes, topics sharing a request', async () => {
      const { requests, send } = fakeSend();
      const b = batcher(send, { maxBatchBytes: 350 }); // a record here is ~160 bytes
      const x = 'x'.repeat(90);
      const done = b.publishAll(all(['a', `1${x}`], ['b', `2${x}`], ['a', `3${x}`]));
      await vi.advanceTimersByTimeAsync(0);
      expect(requests.map(values)).toEqual([[`a:1${x}`, `b:2${x}`]]); // no linger; the third would pass 350 bytes
      requests[0]!.resolve();
      await vi.advanceTimersByTimeAsync(0);
      expect(requests.map(values)[1]).toEqual([`a:3${x}`]);
      requests[1]!.resolve();
      await expect(done).resolves.toBeUndefined();
    });

    it('rejects with the failed request and sends nothing after it', async () => {
      const { requests, send } = fakeSend();
      const b = batcher(send, { maxBatchBytes: 150 });
      const x = 'x'.repeat(90);
      const done = b.publishAll(all(['a', `1${x}`], ['a', `2${x}`], ['a', `3${x}`]));
      await vi.advanceTimersByTimeAsync(0);
      requests[0]!.resolve();
      await vi.advanceTimersByTimeAsync(0);
      requests[1]!.reject(new Error('not enough replicas'));
      const error = await done.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PublishError);
      expect(String((error as Error).message)).toContain('not enough replicas');
      await vi.advanceTimersByTimeAsync(100);
      expect(requests).toHaveLength(2);
    });

    it('refuses the whole call before sending anything when one record is over maxMessageBytes', async () => {
      const { requests, send } = fakeSend();
      const b = batcher(send, { maxMessageBytes: 500 });
      const error = await b.publishAll(all(['a', '1'], ['a', 'y'.repeat(600)])).catch((e: unknown) => e);
      expect(isSdkError(error, 'HUMANGOV_MESSAGE_TOO_LARGE')).toBe(true);
      await vi.advanceTimersByTimeAsync(50);
      expect(requests).toHaveLength(0);
    });

    it('times out a request after confirmTimeoutMs, and stops when the signal aborts', async () => {
      const { send } = fakeSend();
      const b = batcher(send, { confirmTimeoutMs: 1_000 });
      const late = b.publishAll(all(['a', '1'])).catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(isSdkError(await late, 'HUMANGOV_PUBLISH_TIMEOUT')).toBe(true);
      const controller = new AbortController();
      const aborted = b.publishAll(all(['a', '2']), controller.signal).catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(0);
      controller.abort(new Error('lease nearly over'));
      expect(await aborted).toMatchObject({ message: 'lease nearly over' });
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });

    it('close waits for it, then refuses new calls', async () => {
      const { requests, send } = fakeSend();
      const b = batcher(send);
      const done = b.publishAll(all(['a', '1']));
      await vi.advanceTimersByTimeAsync(0);
      let closed = false;
      const closing = b.close().then(() => {
        closed = true;
      });
      await vi.advanceTimersByTimeAsync(10);
      expect(closed).toBe(false);
      requests[0]!.resolve();
      await done;
      await closing;
      const error = await b.publishAll(all(['a', '2'])).catch((e: unknown) => e);
      expect(isSdkError(error, 'HUMANGOV_TRANSPORT_CLOSED')).toBe(true);
    });
  });
});
