import { describe, expect, it } from 'vitest';
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  isResilienceError,
  PermanentError,
  RetryExhaustedError,
  TimeoutError,
} from './errors.js';

describe('errors', () => {
  it('carry a code, retryable and their fields', () => {
    const last = new Error('503');
    const exhausted = new RetryExhaustedError({ attempts: 3, elapsedMs: 250 }, { cause: last });
    expect(exhausted).toMatchObject({ code: 'HUMANGOV_RETRY_EXHAUSTED', attempts: 3, elapsedMs: 250, retryable: true });
    expect(exhausted.cause).toBe(last);
    expect(exhausted.message).toContain('503');
    expect(new PermanentError('bad input')).toMatchObject({ code: 'HUMANGOV_PERMANENT', retryable: false });
    expect(new TimeoutError(50)).toMatchObject({ code: 'HUMANGOV_POLICY_TIMEOUT', timeoutMs: 50, retryable: true });
    expect(new BulkheadRejectedError({ maxConcurrent: 2, maxQueue: 1 })).toMatchObject({
      code: 'HUMANGOV_BULKHEAD_REJECTED',
      maxConcurrent: 2,
      maxQueue: 1,
    });
    expect(new BrokenCircuitError({ state: 'open', retryAfterMs: 400 })).toMatchObject({
      retryable: true,
      retryAfterMs: 400,
      isolated: false,
    });
    expect(new BrokenCircuitError({ state: 'open', isolated: true })).toMatchObject({
      retryable: false,
      retryAfterMs: undefined,
    });
  });

  it('are recognised by code, also when made by another copy of the package', () => {
    const foreign = Object.assign(new Error('x'), { code: 'HUMANGOV_BROKEN_CIRCUIT' });
    expect(isResilienceError(foreign)).toBe(true);
    expect(isResilienceError(foreign, 'HUMANGOV_BROKEN_CIRCUIT')).toBe(true);
    expect(isResilienceError(foreign, 'HUMANGOV_PERMANENT')).toBe(false);
    expect(isResilienceError(Object.assign(new Error('x'), { code: 'HUMANGOV_PUBLISH_FAILED' }))).toBe(false);
    expect(isResilienceError(null)).toBe(false);
    expect(isResilienceError('HUMANGOV_PERMANENT')).toBe(false);
  });
});
