import { describe, expect, it } from 'vitest';
import { boolean, integer, isDate, object, string, validate } from './validation.js';

describe('request validation', () => {
  const check = object(
    { name: string({ minLength: 1 }), born: string({ format: 'date' }), size: integer({ minimum: 1 }), ok: boolean() },
    ['name', 'born'],
  );

  it('names every offending member with a JSON pointer and a code', () => {
    expect(validate(check, { born: '2025-02-30', size: 0, ok: 'yes', extra: 1 })).toEqual([
      { pointer: '/name', detail: 'is required', code: 'required' },
      { pointer: '/born', detail: 'must be a calendar date (YYYY-MM-DD)', code: 'format' },
      { pointer: '/size', detail: 'must be at least 1', code: 'minimum' },
      { pointer: '/ok', detail: 'must be true or false', code: 'type' },
      { pointer: '/extra', detail: 'is not a member of this request', code: 'additionalProperties' },
    ]);
  });

  it('accepts a valid body and refuses a missing or non-object one', () => {
    expect(validate(check, { name: 'A', born: '2024-02-29' })).toEqual([]);
    expect(validate(check, undefined)).toEqual([{ pointer: '/', detail: 'a JSON body is required', code: 'required' }]);
    expect(validate(check, [1])).toEqual([{ pointer: '/', detail: 'must be a JSON object', code: 'type' }]);
  });

  it('knows real calendar dates', () => {
    expect(isDate('2024-02-29')).toBe(true);
    expect(isDate('2023-02-29')).toBe(false);
    expect(isDate('2023-2-1')).toBe(false);
  });
});
