import { describe, expect, it } from 'vitest';
import { isRetrySafe, parseRetryAfter } from './client-retry-rules.js';

describe('isRetrySafe', () => {
  it.each([
    ['GET', {}, true],
    ['HEAD', {}, true],
    ['OPTIONS', {}, true],
    ['PUT', {}, true],
    ['DELETE', {}, true],
    ['POST', {}, false],
    ['PATCH', {}, false],
    ['POST', { 'idempotency-key': 'k-1' }, true],
    ['PATCH', { 'Idempotency-Key': 'k-1' }, true],
    ['POST', { 'Idempotency-Key': '' }, false],
  ] as const)('%s with %o -> %s', (method, headers, want) => {
    expect(isRetrySafe(method, new Headers(headers))).toBe(want);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
  it.each([
    [null, undefined],
    ['0', 0],
    [' 2 ', 2000],
    ['Wed, 21 Oct 2026 07:28:03 GMT', 3000],
    ['Wed, 21 Oct 2026 07:27:00 GMT', 0],
    ['soon', undefined],
    ['-1', undefined],
  ] as const)('%o -> %o', (value, want) => {
    expect(parseRetryAfter(value, now)).toBe(want);
  });
});
