import { describe, expect, it } from 'vitest';
import { backoff } from './connection.js';
import { displayUrl, scrub } from './options.js';

describe('reconnect backoff', () => {
  it('doubles from the initial delay up to the maximum, with half of each step random', () => {
    const low = (attempt: number) => backoff(attempt, 100, 1_000, () => 0);
    const high = (attempt: number) => backoff(attempt, 100, 1_000, () => 1);
    expect([1, 2, 3, 4, 5, 30].map(low)).toEqual([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3, 4, 5, 30].map(high)).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });
});

describe('credentials', () => {
  it('never show in display URLs or scrubbed messages', () => {
    expect(displayUrl('amqps://svc:p%40ss@mq.gov:5671/prod?heartbeat=5')).toBe('amqps://mq.gov:5671/prod');
    expect(displayUrl({ hostname: 'mq', username: 'u', password: 'p' })).toBe('amqp://mq:5672');
    expect(scrub('connect amqp://svc:secret@mq.gov:5672 failed')).toBe('connect amqp://***@mq.gov:5672 failed');
  });
});
