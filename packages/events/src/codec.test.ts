import { describe, expect, it } from 'vitest';
import { createCodec } from './codec.js';
import { isHumanGovError } from './errors.js';
import { catalog, type EventMap } from './test-fixtures/catalog.js';
import { defineUpcasters } from './upcast.js';

const now = () => new Date('2025-03-01T09:30:00.000Z');
const upcasters = defineUpcasters<EventMap>()({
  'citizen.registered': {
    1: ({ citizen_id, name }) => {
      const [given = name, ...rest] = name.split(' ');
      return { citizen_id, given_name: given, family_name: rest.join(' ') };
    },
    2: (data) => ({ ...data, display_name: `${data.given_name} ${data.family_name}`.trim() }),
  },
});
const codec = createCodec<EventMap>(catalog, { source: '/humangov/test', now, upcasters });
const v1 = { citizen_id: 'c-1', name: 'Ada Lovelace' };
const decode = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes));

describe('create', () => {
  it('builds a frozen CloudEvent at the latest version with catalog attributes', () => {
    const event = codec.create('citizen.registered', {
      citizen_id: 'c-1',
      given_name: 'Ada',
      family_name: 'L',
      display_name: 'Ada L',
    });
    expect(event).toMatchObject({
      specversion: '1.0',
      source: '/humangov/test',
      type: 'citizen.registered',
      time: '2025-03-01T09:30:00.000Z',
      datacontenttype: 'application/json',
      dataschema: 'https://schemas.humangov.example/citizen.registered/v3.json',
      version: 3,
      partitionkey: 'c-1',
    });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.correlationid).toBe(event.id);
    expect(Object.isFrozen(event) && Object.isFrozen(event.data)).toBe(true);
    expect('causationid' in event || 'subject' in event).toBe(false);
  });

  it('copies the payload, so the caller keeps a mutable object', () => {
    const data = { payment_id: 'p-1', amount_minor: 100, tags: ['a'] };
    const event = codec.create('benefit.paid', data);
    data.tags.push('b');
    expect(event.data.tags).toEqual(['a']);
    expect(Object.isFrozen(event.data.tags)).toBe(true);
    expect('partitionkey' in event).toBe(false);
  });

  it('chains correlation and causation from the causing event', () => {
    const cause = codec.create('citizen.registered', v1, { version: 1, correlationId: 'flow-7', traceparent: 'tp' });
    const effect = codec.create(
      'benefit.paid',
      { payment_id: 'p', amount_minor: 1 },
      { causedBy: cause, subject: 's' },
    );
    expect(cause).toMatchObject({ version: 1, correlationid: 'flow-7', traceparent: 'tp' });
    expect(effect).toMatchObject({ correlationid: 'flow-7', causationid: cause.id, subject: 's' });
    expect(codec.create('benefit.paid', { payment_id: 'p', amount_minor: 1 }, { id: 'fixed' }).id).toBe('fixed');
  });

  it('throws EventValidationError naming the field when run-time data is invalid', () => {
    const bad = { citizen_id: 'c-1', name: 42 } as unknown as typeof v1;
    expect(() => codec.create('citizen.registered', bad, { version: 1 })).toThrow(
      expect.objectContaining({
        code: 'HUMANGOV_EVENT_INVALID',
        issues: [expect.objectContaining({ path: '/data/name' })],
      }),
    );
    const hostile = JSON.parse('{"citizen_id":"c","name":"n","__proto__":{"x":1}}');
    expect(() => codec.create('citizen.registered', hostile, { version: 1 })).toThrow(/__proto__/);
  });

  it('copies values that are not plain JSON data as structuredClone does, then validates the copy', () => {
    class Registration {
      citizen_id = 'c-1';
      name = 'Ada';
    }
    const event = codec.create('citizen.registered', new Registration(), { version: 1 });
    expect(event.data).toEqual({ citizen_id: 'c-1', name: 'Ada' });
    expect(Object.getPrototypeOf(event.data)).toBe(Object.prototype);
    expect(Object.isFrozen(event.data)).toBe(true);
    const dated = { citizen_id: 'c-1', name: new Date(0) } as unknown as typeof v1;
    expect(() => codec.create('citizen.registered', dated, { version: 1 })).toThrow(
      expect.objectContaining({
        code: 'HUMANGOV_EVENT_INVALID',
        issues: [expect.objectContaining({ path: '/data/name' })],
      }),
    );
    const cyclic: Record<string, unknown> = { citizen_id: 'c-1', name: 'Ada' };
    cyclic.self = cyclic;
    expect(() => codec.create('citizen.registered', cyclic as typeof v1, { version: 1 })).toThrow(
      expect.objectContaining({
        issues: [expect.objectContaining({ path: '/data/self', message: 'value contains a cycle' })],
      }),
    );
  });

  it('throws for an unknown type or version and for a missing source', () => {
    const untyped = codec as unknown as { create(type: string, data: unknown, options?: object): unknown };
    expect(() => untyped.create('nope', {})).toThrow(expect.objectContaining({ code: 'HUMANGOV_EVENT_UNKNOWN' }));
    expect(() => untyped.create('constructor', {})).toThrow(
      expect.objectContaining({ code: 'HUMANGOV_EVENT_UNKNOWN' }),
    );
    expect(() => untyped.create('citizen.registered', v1, { version: 9 })).toThrow(/no version 9/);
    const sourceless = createCodec<EventMap>(catalog);
    expect(() => sourceless.create('citizen.registered', v1, { version: 1 })).toThrow(
      expect.objectContaining({ code: 'HUMANGOV_OPTIONS_INVALID', option: 'source' }),
    );
    expect(sourceless.create('citizen.registered', v1, { version: 1, source: '/s' }).source).toBe('/s');
  });
});

describe('serialize and parse', () => {
  it('round-trips create -> serialize -> parse -> validate -> upcast', () => {
    const created = codec.create('citizen.registered', v1, { version: 1, subject: 'citizen/c-1' });
    const bytes = codec.serialize(created);
    expect(decode(bytes)).toEqual(created);
    const parsed = codec.parse(bytes);
    expect(parsed).toEqual({ value: created });
    const validated = codec.validate(parsed.value);
    expect(validated.value).toEqual(created);
    if (parsed.value?.type !== 'citizen.registered') throw new Error('expected a citizen event');
    const upcasted = codec.upcast(parsed.value, 3);
    expect(upcasted.value).toEqual({
      ...created,
      version: 3,
      dataschema: 'https://schemas.humangov.example/citizen.registered/v3.json',
      data: { citizen_id: 'c-1', given_name: 'Ada', family_name: 'Lovelace', display_name: 'Ada Lovelace' },
    });
    expect(Object.isFrozen(upcasted.value?.data)).toBe(true);
  });

  it('reports schema violations under /data with ajv pointers', () => {
    const wire = decode(codec.serialize(codec.create('citizen.registered', v1, { version: 1 })));
    const result = codec.parse(JSON.stringify({ ...wire, data: { name: 7, extra: true } }));
    expect(result.issues).toEqual([
      { path: '/data/citizen_id', message: "must have required property 'citizen_id'", code: 'HUMANGOV_EVENT_INVALID' },
      { path: '/data/name', message: 'must be string', code: 'HUMANGOV_EVENT_INVALID' },
      { path: '/data/extra', message: 'must NOT have additional properties', code: 'HUMANGOV_EVENT_INVALID' },
    ]);
  });

  it('reports an unknown type and an unknown version as issues', () => {
    const wire = decode(codec.serialize(codec.create('citizen.registered', v1, { version: 1 })));
    expect(codec.parse({ ...wire, type: 'citizen.deleted' }).issues).toEqual([
      { path: '/type', message: "unknown event type 'citizen.deleted'", code: 'HUMANGOV_EVENT_UNKNOWN' },
    ]);
    expect(codec.parse({ ...wire, type: '__proto__' }).issues?.[0]?.code).toBe('HUMANGOV_EVENT_UNKNOWN');
    expect(codec.parse({ ...wire, version: 4 }).issues).toEqual([
      expect.objectContaining({ path: '/version', code: 'HUMANGOV_VERSION_UNKNOWN' }),
    ]);
  });

  it('rejects hostile keys anywhere in the event, oversized input and malformed bytes', () => {
    const wire = decode(codec.serialize(codec.create('citizen.registered', v1, { version: 1 })));
    const hostile = JSON.stringify(wire).replace('"name"', '"__proto__":{"admin":true},"name"');
    expect(codec.parse(hostile).issues).toEqual([expect.objectContaining({ path: '/data/__proto__' })]);
    const big = codec.serialize(codec.create('citizen.registered', v1, { version: 1 }));
    expect(codec.parse(big, { maxBytes: big.byteLength }).value).toBeDefined();
    expect(codec.parse(big, { maxBytes: big.byteLength - 1 }).issues?.[0]?.code).toBe('HUMANGOV_PAYLOAD_TOO_LARGE');
    expect(codec.parse(big.subarray(0, big.byteLength - 2)).issues?.[0]?.code).toBe('HUMANGOV_JSON_INVALID');
    expect(codec.parse(new Uint8Array([0xc3, 0x28])).issues?.[0]?.code).toBe('HUMANGOV_JSON_INVALID');
    expect(codec.parse('[]').issues?.[0]).toMatchObject({ path: '', code: 'HUMANGOV_ENVELOPE_INVALID' });
  });

  it('decodes data_base64 as JSON for JSON content types and as bytes otherwise', () => {
    const wire = decode(codec.serialize(codec.create('citizen.registered', v1, { version: 1 })));
    const { data, ...attributes } = wire;
    const base64 = Buffer.from(JSON.stringify(data)).toString('base64');
    expect(codec.parse({ ...attributes, data_base64: base64 }).value?.data).toEqual(v1);
    const hostile = Buffer.from('{"__proto__":1}').toString('base64');
    expect(codec.parse({ ...attributes, data_base64: hostile }).issues?.[0]?.path).toBe('/data_base64/__proto__');
  });
});

describe('validate', () => {
  it('returns a frozen copy: attributes in their order, nulls dropped, defaults appended', () => {
    const {
      time: _time,
      correlationid: _c,
      partitionkey: _p,
      ...event
    } = codec.create('citizen.registered', v1, {
      version: 1,
    });
    const checked = codec.validate({ ...event, subject: null, extra: 'x' });
    expect(checked.value).toMatchObject({
      time: '2025-03-01T09:30:00.000Z',
      correlationid: event.id,
      partitionkey: 'c-1',
    });
    expect(Object.keys(checked.value ?? {})).toEqual([
      ...Object.keys(event),
      'extra',
      'time',
      'correlationid',
      'partitionkey',
    ]);
    expect(Object.isFrozen(checked.value) && Object.isFrozen(checked.value?.data)).toBe(true);
  });

  it('checks an in-memory envelope without freezing the caller object', () => {
    const event = { ...codec.create('citizen.registered', v1, { version: 1 }), data: { ...v1 } };
    expect(codec.validate(event).value).toEqual(event);
    expect(Object.isFrozen(event.data)).toBe(false);
    expect(codec.validate({ ...event, specversion: '0.3' }).issues?.[0]?.path).toBe('/specversion');
    expect(codec.validate({ ...event, data: () => 1 }).issues?.[0]?.code).toBe('HUMANGOV_ENVELOPE_INVALID');
  });
});

describe('upcast', () => {
  const event = codec.create('citizen.registered', v1, { version: 1 });

  it('applies single steps and validates the result of each', () => {
    expect(codec.upcast(event, 2).value?.data).toEqual({
      citizen_id: 'c-1',
      given_name: 'Ada',
      family_name: 'Lovelace',
    });
    expect(codec.upcast(event, 1).value).toEqual(event);
    const broken = createCodec<EventMap>(catalog, {
      upcasters: {
        'citizen.registered': { ...upcasters['citizen.registered'], 1: () => ({ citizen_id: 'c-1' }) as never },
      },
    });
    expect(broken.upcast(event, 3).issues?.[0]).toMatchObject({
      path: '/data/given_name',
      message: "after upcasting to v2: must have required property 'given_name'",
    });
  });

  it('reports a missing upcaster, an unknown version and a downcast', () => {
    const partial = { 'citizen.registered': { 1: upcasters['citizen.registered'][1] } } as unknown as typeof upcasters;
    const missing = createCodec<EventMap>(catalog, { upcasters: partial });
    expect(missing.upcast(event, 3).issues).toEqual([
      { path: '/version', message: 'no upcaster for citizen.registered v2 -> v3', code: 'HUMANGOV_UPCASTER_MISSING' },
    ]);
    const latest = codec.upcast(event, 3).value!;
    expect(codec.upcast(latest, 1).issues?.[0]?.code).toBe('HUMANGOV_DOWNCAST');
    expect(codec.upcast(event, 7 as 3).issues?.[0]?.code).toBe('HUMANGOV_VERSION_UNKNOWN');
  });

  it('throws UpcastError with the cause when an upcaster throws', () => {
    const cause = new Error('boom');
    const throwing = createCodec<EventMap>(catalog, {
      upcasters: {
        'citizen.registered': {
          1: () => {
            throw cause;
          },
          2: upcasters['citizen.registered'][2],
        },
      },
    });
    let caught: unknown;
    try {
      throwing.upcast(event, 2);
    } catch (error) {
      caught = error;
    }
    expect(isHumanGovError(caught, 'HUMANGOV_UPCAST_FAILED')).toBe(true);
    expect((caught as Error).cause).toBe(cause);
  });
});
