import { createEvent } from '@humangov/events';
import { describe, expect, it } from 'vitest';
import { auditedEvent, canonicalJson, GENESIS_HASH, hashOf } from './chain.js';

describe('audit chain records', () => {
  it('hashes the same value the same whatever its key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}',
    );
    const content = { seq: 0, event: { id: 'x' }, hashed: [], recorded_at: 't', prev_hash: GENESIS_HASH };
    const reordered = { prev_hash: GENESIS_HASH, recorded_at: 't', hashed: [], event: { id: 'x' }, seq: 0 };
    expect(hashOf(content as never)).toBe(hashOf(reordered as never));
  });

  it('keeps no personal data: x-pii fields become the SHA-256 of their value', () => {
    const event = createEvent(
      'citizen.registered',
      {
        citizen_id: '0b7c6f52-3f0e-4e8a-9d47-2f6f1c2a9b10',
        given_name: 'Ada',
        family_name: 'Lovelace',
        date_of_birth: '1815-12-10',
        address: { line1: '12 St James Square', locality: 'London', postal_code: 'SW1Y 4JH', country_code: 'GB' },
        registered_at: '2026-11-26T09:30:00Z',
      },
      { source: '/test' },
    );
    const { event: audited, hashed } = auditedEvent(event);
    const data = audited.data as Record<string, unknown>;
    expect(data.citizen_id).toBe('0b7c6f52-3f0e-4e8a-9d47-2f6f1c2a9b10');
    expect(data.family_name).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(hashed).toEqual(expect.arrayContaining(['/given_name', '/family_name', '/date_of_birth']));
    expect(JSON.stringify(audited)).not.toMatch(/Ada|Lovelace|1815|James|SW1Y/);
    // The same value always hashes the same, so an investigator can confirm a value they already hold.
    expect(auditedEvent(event).event).toEqual(audited);
  });
});
