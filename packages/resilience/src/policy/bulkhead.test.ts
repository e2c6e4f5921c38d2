import { describe, expect, it } from 'vitest';
import { bulkhead } from './bulkhead.js';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('bulkhead', () => {
  it('runs at most maxConcurrent calls, queues maxQueue in order and rejects the rest', async () => {
    const policy = bulkhead({ maxConcurrent: 2, maxQueue: 1 });
    const g = gate();
    const order: number[] = [];
    const task = (n: number) => async () => {
      order.push(n);
      await g.opened;
      return n;
    };
    const running = [policy.execute(task(1)), policy.execute(task(2)), policy.execute(task(3))];
    await expect(policy.execute(task(4))).rejects.toMatchObject({
      code: 'HUMANGOV_BULKHEAD_REJECTED',
      maxConcurrent: 2,
      maxQueue: 1,
    });
    await Promise.resolve();
    expect({ running: policy.running, queued: policy.queued, order }).toEqual({ running: 2, queued: 1, order: [1, 2] });
    g.open();
    await expect(Promise.all(running)).resolves.toEqual([1, 2, 3]);
    expect(order).toEqual([1, 2, 3]);
    expect({ running: policy.running, queued: policy.queued }).toEqual({ running: 0, queued: 0 });
  });

  it('frees the slot when fn fails', async () => {
    const policy = bulkhead({ maxConcurrent: 1 });
    await expect(policy.execute(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    await expect(policy.execute(() => 'next')).resolves.toBe('next');
  });

  it('takes an aborted waiter out of the queue with the signal’s reason', async () => {
    const policy = bulkhead({ maxConcurrent: 1, maxQueue: 2 });
    const g = gate();
    const first = policy.execute(() => g.opened);
    const controller = new AbortController();
    let ran = false;
    const waiting = policy.execute(() => {
      ran = true;
    }, controller.signal);
    const last = policy.execute(() => 'last');
    controller.abort(new Error('not any more'));
    await expect(waiting).rejects.toThrow('not any more');
    expect(policy.queued).toBe(1);
    g.open();
    await first;
    await expect(last).resolves.toBe('last');
    expect(ran).toBe(false);
  });

  it('rejects nonsensical options', () => {
    expect(() => bulkhead({ maxConcurrent: 0 })).toThrow(RangeError);
    expect(() => bulkhead({ maxConcurrent: 1, maxQueue: -1 })).toThrow(RangeError);
  });
});
