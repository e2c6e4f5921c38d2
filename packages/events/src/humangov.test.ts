import { fullFormats } from 'ajv-formats/dist/formats.js';
import { describe, expect, it } from 'vitest';
import {
  catalog,
  createEvent,
  type EventMap,
  type MessageVersion,
  parse,
  serialize,
  upcast,
  validate,
} from './index.js';

const source = '/humangov/test';
const versions: MessageVersion[] = Object.values(catalog).flatMap((entry) => Object.values(entry.versions));

describe('every example in the specs', () => {
  it('is in the catalog: at least 20 event types, each version with an example', () => {
    expect(Object.keys(catalog).length).toBeGreaterThanOrEqual(20);
    for (const version of versions)
      expect(version.examples.length, `${version.type} v${version.version}`).toBeGreaterThan(0);
  });

  it.each(
    versions.flatMap((v) => v.examples.map((example, i) => [`${v.type} v${v.version} #${i + 1}`, v, example] as const)),
  )('%s round-trips: create -> serialize -> parse -> validate -> upcast to latest', (_label, version, example) => {
    const type = version.type as keyof EventMap;
    const event = createEvent(type, example as never, { source, version: version.version as never });
    expect(event).toMatchObject({ specversion: '1.0', type, version: version.version, source, data: example });
    expect(event.dataschema).toBe(version.dataschema);
    const parsed = parse(serialize(event));
    expect(parsed.issues).toBeUndefined();
    expect(parsed.value).toEqual(event);
    const checked = validate(parsed.value);
    expect(checked.value).toEqual(event);
    const latest = catalog[type].latest;
    const upcasted = upcast(parsed.value!, latest as never);
    expect(upcasted.issues).toBeUndefined();
    expect(upcasted.value!.version).toBe(latest);
    const target = (catalog[type].versions as Record<number, MessageVersion>)[latest]!;
    expect(target.validate(upcasted.value!.data)).toBe(true);
  });
});

describe('generated validators', () => {
  // notification.requested v1: a template parameter value has maxLength 500, counted in code points (as ajv does).
  const validator = catalog['notification.requested'].versions[1].validate;
  const withValue = (value: string) => ({
    ...catalog['notification.requested'].versions[1].examples[0]!,
    parameters: [{ name: 'summary', value }],
  });

  it.each([
    ['500 ASCII characters', 'a'.repeat(500), true],
    ['501 ASCII characters', 'a'.repeat(501), false],
    ['500 emoji (1,000 UTF-16 units)', '😀'.repeat(500), true],
    ['501 emoji', '😀'.repeat(501), false],
    ['499 emoji and 2 lone surrogates (501 code points)', `${'😀'.repeat(499)}\uDC00\uD800`, false],
    ['498 emoji and 2 lone surrogates (500 code points)', `\uDC00${'😀'.repeat(498)}\uD800`, true],
  ])('counts maxLength in code points: %s', (_label, value, valid) => {
    expect(validator(withValue(value))).toBe(valid);
  });

  // citizen.registered v2: given_name has minLength 1 and maxLength 200, address.postal_code minLength 2 and
  // maxLength 16, all in code points (the module decides most strings from their UTF-16 length alone).
  const citizen = catalog['citizen.registered'].versions[2];
  const person = citizen.examples[0]!;
  it.each([
    ['an empty given name', { given_name: '' }, false],
    ['a one-letter given name', { given_name: 'A' }, true],
    ['a given name of one emoji (2 UTF-16 units, 1 code point)', { given_name: '😀' }, true],
    ['a given name of one lone surrogate (1 code point)', { given_name: '\uD800' }, true],
    ['200 emoji as given name (400 units, 200 code points)', { given_name: '😀'.repeat(200) }, true],
    ['201 emoji as given name', { given_name: '😀'.repeat(201) }, false],
    ['a postal code of one emoji (2 units but 1 code point, under minLength 2)', { postal: '😀' }, false],
    ['a postal code of two emoji (4 units, 2 code points)', { postal: '😀😀' }, true],
    ['a postal code of 16 emoji (32 units, 16 code points)', { postal: '😀'.repeat(16) }, true],
    ['a postal code of 17 characters', { postal: 'A'.repeat(17) }, false],
  ])('counts minLength and maxLength in code points: %s', (_label, change, valid) => {
    const { postal, ...rest } = change as { postal?: string; given_name?: string };
    const data = {
      ...person,
      ...rest,
      ...(postal !== undefined && { address: { ...(person.address as object), postal_code: postal } }),
    };
    expect(citizen.validate(data)).toBe(valid);
  });

  it('accepts exactly the date-times that ajv-formats accepts (the module has a fast path for UTC timestamps)', () => {
    const full = fullFormats['date-time'] as { validate: (s: string) => boolean };
    const seeds = [
      '2025-04-21T06:02:45Z',
      '2025-04-21T06:02:45.123456Z',
      '2024-02-29T23:59:59Z',
      '2023-02-29T12:00:00Z',
      '2000-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2025-12-31T23:59:60Z',
      '2025-04-31T10:00:00Z',
      '2025-04-21t06:02:45z',
      '2025-04-21 06:02:45+02:00',
      '2025-04-21T06:02:45.Z',
    ];
    // Every seed, and every one-character change of it to a character that matters to the grammar.
    const replacements = ['0', '1', '2', '3', '5', '9', '-', ':', '.', 'T', 't', 'Z', 'z', ' ', '+', 'x', '\u0660'];
    const candidates = new Set(seeds);
    for (const seed of seeds) {
      for (let i = 0; i < seed.length; i++) {
        for (const r of replacements) candidates.add(seed.slice(0, i) + r + seed.slice(i + 1));
        candidates.add(seed.slice(0, i) + seed.slice(i + 1));
      }
    }
    const audit = catalog['audit.chain-verified'].versions[1];
    const disagreements = [...candidates].filter(
      (s) => audit.validate({ ...audit.examples[0]!, started_at: s }) !== full.validate(s),
    );
    expect(candidates.size).toBeGreaterThan(2_000);
    expect(disagreements).toEqual([]);
  });
});

describe('HumanGov upcasters', () => {
  it('citizen.registered v1 -> v2 splits the name and keeps every other field', () => {
    const v1 = catalog['citizen.registered'].versions[1].examples[0]!;
    const event = createEvent('citizen.registered', { ...v1, name: 'Ada King Lovelace' }, { source, version: 1 });
    const result = upcast(event, 2);
    expect(result.value?.data).toMatchObject({
      given_name: 'Ada King',
      family_name: 'Lovelace',
      citizen_id: v1.citizen_id,
    });
    expect(result.value?.data).not.toHaveProperty('name');
  });

  it('citizen.circumstances-changed v1 -> v2 takes effective_date from the event time', () => {
    const v1 = catalog['citizen.circumstances-changed'].versions[1].examples[0]!;
    const codecTime = createEvent('citizen.circumstances-changed', v1, { source, version: 1 });
    const result = upcast(codecTime, 2);
    expect(result.value?.data.effective_date).toBe(codecTime.time.slice(0, 10));
  });

  it('payment.disbursed v1 -> v2 turns a decimal string into exact minor units', () => {
    const v1 = catalog['payment.disbursed'].versions[1].examples[0]!;
    const event = createEvent(
      'payment.disbursed',
      { ...v1, amount: { amount: '1234.56', currency: 'EUR' } },
      { source, version: 1 },
    );
    expect(upcast(event, 2).value?.data.amount).toEqual({ amount_minor: 123456, currency: 'EUR' });
  });
});

describe('bindings', () => {
  it.each(versions.map((v) => [`${v.type} v${v.version}`, v] as const))(
    '%s has a Kafka topic, an AMQP exchange and a partition key',
    (_label, v) => {
      expect(v.kafka?.topic).toBe(`humangov.${v.type}`);
      expect(v.amqp).toMatchObject({
        exchange: `humangov.${v.type.split('.')[0]}`,
        exchangeType: 'topic',
        routingKey: v.type,
      });
      expect(v.partitionKey).toMatch(/^\/[a-z_]+$/);
      const event = createEvent(v.type as keyof EventMap, v.examples[0] as never, {
        source,
        version: v.version as never,
      });
      expect(event.partitionkey).toBe((v.examples[0] as Record<string, string>)[v.partitionKey!.slice(1)]);
      expect(v.producers.length).toBeGreaterThan(0);
    },
  );
});

describe('wire-exact property names', () => {
  it('keeps snake_case keys and JavaScript words (name, status, delete, class) as the specs spell them', () => {
    expect(Object.keys(catalog['citizen.registered'].versions[1].schema.properties)).toContain('name');
    expect(Object.keys(catalog['citizen.erasure-requested'].versions[1].schema.properties)).toContain('delete');
    expect(Object.keys(catalog['payment.scheduled'].versions[2].schema.properties)).toContain('class');
    expect(Object.keys(catalog['citizen.circumstances-changed'].versions[2].schema.properties)).toContain('status');
  });

  it('marks personal data fields in the catalog', () => {
    expect(catalog['citizen.registered'].versions[2].pii).toEqual(
      expect.arrayContaining(['/given_name', '/family_name']),
    );
  });
});

describe('type checks on the HumanGov catalog', () => {
  it('rejects wrong event names, wrong fields and missing required fields at compile time', () => {
    const v2 = catalog['citizen.registered'].versions[2].examples[0]!;
    const { given_name: _omitted, ...withoutGivenName } = v2;
    const reject = (fn: () => unknown) => expect(fn).toThrow();
    // @ts-expect-error: 'citizen.registred' is not an event type
    reject(() => createEvent('citizen.registred', v2, { source }));
    // @ts-expect-error: v2 has no `name` (it was split into given_name and family_name)
    reject(() => createEvent('citizen.registered', { ...v2, name: 'Ada Lovelace' }, { source }));
    // @ts-expect-error: given_name is required in v2
    reject(() => createEvent('citizen.registered', withoutGivenName, { source }));
    const payment = catalog['payment.scheduled'].versions[2].examples[0]!;
    const decimalAmount = { ...payment, amount: { amount_minor: '12.50', currency: 'EUR' } };
    // @ts-expect-error: amount_minor is a number in payment.scheduled v2, not a decimal string
    reject(() => createEvent('payment.scheduled', decimalAmount, { source }));
    // @ts-expect-error: citizen.registered has no version 3
    reject(() => createEvent('citizen.registered', v2, { source, version: 3 }));
  });
});
