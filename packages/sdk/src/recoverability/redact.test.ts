import { type CloudEvent, catalog } from '@humangov/events';
import { describe, expect, it } from 'vitest';
import { REDACTED, redact, redactLifecycleEvent, scrubPayloadValues } from './redact.js';

const data = catalog['citizen.registered'].versions[2].examples[0] as Record<string, unknown>;
const event = {
  specversion: '1.0',
  id: 'e-1',
  source: '/test',
  type: 'citizen.registered',
  version: 2,
  data,
} as unknown as CloudEvent;

describe('redact', () => {
  it('replaces the x-pii fields of citizen.registered and keeps the rest', () => {
    const out = redact(event, catalog).data as Record<string, unknown>;
    expect(out.given_name).toBe(REDACTED);
    expect(out.family_name).toBe(REDACTED);
    expect(out.date_of_birth).toBe(REDACTED);
    expect(out.address).toBe(REDACTED);
    expect(out.citizen_id).toBe(data.citizen_id);
    expect(JSON.stringify(out)).not.toContain('Amara');
    expect(data.given_name).toBe('Amara'); // the original is untouched
  });

  it('follows * into array items and map values, and redacts all data of an unknown type', () => {
    const custom = {
      'x.people': { latest: 1, versions: { 1: { pii: ['/people/*/name'] } } },
    } as unknown as typeof catalog;
    const people = {
      ...event,
      type: 'x.people',
      version: 1,
      data: { people: [{ name: 'Ada', n: 1 }, { name: 'Bo' }] },
    };
    expect(redact(people as CloudEvent, custom).data).toEqual({
      people: [{ name: REDACTED, n: 1 }, { name: REDACTED }],
    });
    expect(redact({ ...event, type: 'nope' } as CloudEvent, catalog).data).toBe(REDACTED);
  });

  it('gives a redacted view of lifecycle events', () => {
    const view = redactLifecycleEvent({ kind: 'handled', event, durationMs: 1 }, catalog);
    expect(JSON.stringify(view)).not.toContain('Okafor');
    expect(redactLifecycleEvent({ kind: 'received', channel: 'c' }, catalog)).toEqual({
      kind: 'received',
      channel: 'c',
    });
  });

  it('scrubs payload values out of error texts', () => {
    const text = 'Error: no account for Amara Okafor born 1988-11-02';
    expect(scrubPayloadValues(text, data)).toBe(`Error: no account for ${REDACTED} ${REDACTED} born ${REDACTED}`);
  });
});
