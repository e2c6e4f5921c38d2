import { describe, expect, it } from 'vitest';
import { dateOf, minorUnitExponent, splitFullName, toMinorUnits } from './upcast-rules.js';

describe('toMinorUnits', () => {
  it.each([
    ['412.50', 'GBP', 41250],
    ['412.5', 'EUR', 41250],
    ['0.1', 'USD', 10],
    ['0.29', 'USD', 29], // 0.29 * 100 is 28.999999999999996 in floating point
    ['1000', 'JPY', 1000],
    ['1000.00', 'KRW', 1000],
    ['1.234', 'BHD', 1234],
    ['7', 'KWD', 7000],
    ['1.2345', 'CLF', 12345],
    ['90071992547409.91', 'GBP', Number.MAX_SAFE_INTEGER],
  ])('%s %s -> %d', (amount, currency, minor) => {
    expect(toMinorUnits(amount, currency)).toBe(minor);
  });

  it.each([
    ['1.5', 'JPY'],
    ['1.001', 'GBP'],
    ['-1', 'GBP'],
    ['1e3', 'GBP'],
    ['90071992547409.92', 'GBP'],
  ])('refuses %s %s instead of rounding', (amount, currency) => {
    expect(() => toMinorUnits(amount, currency)).toThrow(RangeError);
  });

  it('knows the exponents', () => {
    expect([minorUnitExponent('JPY'), minorUnitExponent('GBP'), minorUnitExponent('KWD')]).toEqual([0, 2, 3]);
    expect(minorUnitExponent('constructor')).toBe(2);
  });
});

describe('splitFullName', () => {
  it.each([
    ['Ada Lovelace', 'Ada', 'Lovelace'],
    ['  Ada   King  Lovelace ', 'Ada King', 'Lovelace'],
    ['Sukarno', 'Sukarno', 'Sukarno'],
  ])('%j -> %j + %j', (name, given, family) => {
    expect(splitFullName(name)).toEqual({ given_name: given, family_name: family });
  });
});

describe('dateOf', () => {
  it('keeps the date in the producer offset', () => {
    expect(dateOf('2025-04-01T23:30:00-05:00')).toBe('2025-04-01');
    expect(() => dateOf('yesterday')).toThrow(RangeError);
  });
});
