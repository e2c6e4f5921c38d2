// Compile-time contract of the codec, checked by `tsc --noEmit` (CI). Every `@ts-expect-error` line sits next to
// a valid twin that differs only in the part named by its comment, and also asserts the run-time rejection.
import { describe, expect, it } from 'vitest';
import { createCodec } from './codec.js';
import type { BenefitPaidV1, CitizenRegisteredV1, EventMap } from './test-fixtures/catalog.js';
import { catalog } from './test-fixtures/catalog.js';
import { defineUpcasters, type Upcasters } from './upcast.js';

const codec = createCodec<EventMap>(catalog, { source: '/humangov/types' });
const v1: CitizenRegisteredV1 = { citizen_id: 'c-1', name: 'Ada Lovelace' };
const paid: BenefitPaidV1 = { payment_id: 'p-1', amount_minor: 100 };

describe('compile-time contract', () => {
  it('accepts only declared event names', () => {
    expect(codec.create('benefit.paid', paid).type).toBe('benefit.paid');
    // @ts-expect-error TS2345: '"benefit.payed"' is not assignable to '"citizen.registered" | "benefit.paid"'
    expect(() => codec.create('benefit.payed', paid)).toThrow(/unknown event type/);
  });

  it('checks field types, unknown fields and required fields of the payload', () => {
    expect(codec.create('citizen.registered', { citizen_id: 'c-1', name: 'A' }, { version: 1 }).version).toBe(1);
    // @ts-expect-error TS2322: citizen_id is a string, not a number
    expect(() => codec.create('citizen.registered', { citizen_id: 1, name: 'A' }, { version: 1 })).toThrow();
    // @ts-expect-error TS2353: 'nickname' does not exist in type 'CitizenRegisteredV1'
    expect(() => codec.create('citizen.registered', { ...v1, nickname: 'A' }, { version: 1 })).toThrow();
    // @ts-expect-error TS2345: property 'name' is missing in type '{ citizen_id: string; }'
    expect(() => codec.create('citizen.registered', { citizen_id: 'c-1' }, { version: 1 })).toThrow();
  });

  it('types data by the latest version unless a declared version is given', () => {
    // @ts-expect-error TS2345: without `version`, data must be the latest (v3) payload, and v1 lacks given_name
    expect(() => codec.create('citizen.registered', v1)).toThrow();
    // @ts-expect-error TS2322: version 4 is not a declared version (1 | 2 | 3)
    expect(() => codec.create('citizen.registered', v1, { version: 4 })).toThrow(/no version 4/);
  });

  it('hands out deep-readonly events, narrowed by type and version', () => {
    const event = codec.create('benefit.paid', { ...paid, tags: ['x'] });
    // @ts-expect-error TS2540: data is readonly
    expect(() => (event.data.payment_id = 'p-2')).toThrow(TypeError);
    const parsed = codec.parse(codec.serialize(event)).value!;
    if (parsed.type === 'citizen.registered' && parsed.version === 1) {
      expect(parsed.data.name).toBeTypeOf('string');
      // @ts-expect-error TS2339: v1 of citizen.registered has no given_name
      expect(parsed.data.given_name).toBeUndefined();
    }
    expect(parsed.type === 'benefit.paid' && parsed.data.amount_minor).toBe(100);
  });

  it('requires an upcaster for every step between declared versions', () => {
    const one = (data: Readonly<CitizenRegisteredV1>) => ({
      citizen_id: data.citizen_id,
      given_name: data.name,
      family_name: '',
    });
    const two = defineUpcasters<EventMap>()({
      'citizen.registered': { 1: one, 2: (data) => ({ ...data, display_name: data.given_name }) },
    });
    expect(Object.keys(two['citizen.registered'])).toEqual(['1', '2']);
    // @ts-expect-error TS2741: property '2' (the v2 -> v3 upcaster) is missing
    const missingStep: Upcasters<EventMap> = { 'citizen.registered': { 1: one } };
    // @ts-expect-error TS2741: property 'citizen.registered' is missing (it has versions 1 to 3)
    const missingType: Upcasters<EventMap> = {};
    // @ts-expect-error TS2741: the v2 -> v3 upcaster must return display_name
    const wrongResult: Upcasters<EventMap> = { 'citizen.registered': { 1: one, 2: (data) => ({ ...data }) } };
    const single = { 'citizen.registered': two['citizen.registered'] };
    // @ts-expect-error TS2353: benefit.paid has a single version, so it takes no upcasters
    const extraType: Upcasters<EventMap> = { ...single, 'benefit.paid': {} };
    expect([missingStep, missingType, wrongResult, extraType]).toHaveLength(4);
  });

  it('upcasts only to declared versions', () => {
    const event = codec.create('citizen.registered', v1, { version: 1 });
    // @ts-expect-error TS2345: 5 is not a declared version of citizen.registered
    expect(codec.upcast(event, 5).issues?.[0]?.code).toBe('HUMANGOV_VERSION_UNKNOWN');
  });
});
