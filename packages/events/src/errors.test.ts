import { describe, expect, it } from 'vitest';
import { EventValidationError, isHumanGovError, UnknownEventError, UpcastError } from './errors.js';

describe('errors', () => {
  it('carry a code, structured fields and a readable message', () => {
    const error = new EventValidationError({
      type: 'citizen.registered',
      version: 2,
      issues: [
        { path: '/data/given_name', message: 'must be string' },
        { path: '/data', message: 'x' },
      ],
    });
    expect(error).toMatchObject({ code: 'HUMANGOV_EVENT_INVALID', name: 'EventValidationError', version: 2 });
    expect(error.message).toBe('invalid citizen.registered v2: /data/given_name must be string (+1 more)');
    const cause = new Error('boom');
    expect(new UpcastError({ type: 't', fromVersion: 1, toVersion: 2 }, { cause }).cause).toBe(cause);
  });

  it('isHumanGovError checks the code, not the class', () => {
    const foreign = Object.assign(new Error('from another copy'), { code: 'HUMANGOV_EVENT_UNKNOWN' });
    expect(isHumanGovError(foreign)).toBe(true);
    expect(isHumanGovError(foreign, 'HUMANGOV_EVENT_UNKNOWN')).toBe(true);
    expect(isHumanGovError(new UnknownEventError({ type: 'x' }), 'HUMANGOV_EVENT_INVALID')).toBe(false);
    expect(isHumanGovError(Object.assign(new Error(), { code: 'ECONNRESET' }))).toBe(false);
    expect(isHumanGovError(null)).toBe(false);
  });
});
