import { describe, expect, it } from 'vitest';
import { checkEnvelope, isJsonContentType, isRfc3339, isValidAttributeName } from './envelope.js';

const minimal = { specversion: '1.0', id: '1', source: '/s', type: 't' };

describe('checkEnvelope', () => {
  it('accepts the four required attributes alone', () => {
    expect(checkEnvelope(minimal)).toEqual([]);
  });

  it('names every missing or malformed attribute', () => {
    const paths = checkEnvelope({ specversion: '0.3', id: '', type: 1, time: 'yesterday', dataschema: 'x' }).map(
      (issue) => issue.path,
    );
    expect(paths.sort()).toEqual(['/dataschema', '/id', '/source', '/specversion', '/time', '/type']);
  });

  it('rejects invalid extension names and non-integer extension numbers', () => {
    const issues = checkEnvelope({ ...minimal, a_invalid_name: 'x', UPPER: 1, decimal: 42.42, nested: {} });
    expect(issues.map((issue) => issue.path)).toEqual(['/a_invalid_name', '/UPPER', '/decimal', '/nested']);
    expect(issues[2]?.message).toContain('decimal');
  });

  it('checks extensions named like Object.prototype members as plain extensions', () => {
    expect(checkEnvelope({ ...minimal, constructor: 'x', tostring: 'y', valueof: 1 })).toEqual([]);
    expect(checkEnvelope({ ...minimal, constructor: {} }).map((issue) => issue.path)).toEqual(['/constructor']);
  });

  it('limits extension names to 20 characters', () => {
    expect(isValidAttributeName('a'.repeat(20))).toBe(true);
    expect(isValidAttributeName('a'.repeat(21))).toBe(false);
  });

  it('treats null attributes as absent and refuses data with data_base64', () => {
    expect(checkEnvelope({ ...minimal, subject: null, ext: null })).toEqual([]);
    expect(checkEnvelope({ ...minimal, data: {}, data_base64: 'e30=' }).map((i) => i.path)).toEqual(['/data_base64']);
  });

  it('types the HumanGov extensions', () => {
    const issues = checkEnvelope({ ...minimal, version: 1.5, correlationid: 3 });
    expect(issues.map((issue) => issue.path)).toEqual(['/version', '/correlationid']);
  });

  it('rejects anything but an object', () => {
    expect(checkEnvelope([minimal])).toEqual([expect.objectContaining({ path: '' })]);
  });
});

describe('attribute helpers', () => {
  it('recognises RFC 3339 timestamps and JSON content types', () => {
    expect(isRfc3339('2018-04-26T14:48:09+02:00')).toBe(true);
    expect(isRfc3339('2018-04-26 14:48:09')).toBe(false);
    expect(isRfc3339('2018-13-45T00:00:00Z')).toBe(false);
    expect(isJsonContentType('application/cloudevents+json; charset=utf-8')).toBe(true);
    expect(isJsonContentType('text/plain')).toBe(false);
    expect(isJsonContentType(undefined)).toBe(true);
  });
});
