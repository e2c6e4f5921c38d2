import { catalog } from '@humangov/events';
import { MatchersV3 } from '@pact-foundation/pact';
import { describe, expect, it } from 'vitest';
import { isMatcher, mergeExpectation, requiredOnly } from './matchable.js';
import { messageDescription, parseMessageDescription } from './message-interaction.js';

describe('expectation bodies', () => {
  it('keeps only the members the schema requires, following $ref into definitions', () => {
    const v2 = catalog['citizen.registered'].versions[2];
    const pruned = requiredOnly(v2.examples[0], v2.schema) as Record<string, unknown>;
    expect(Object.keys(pruned).sort()).toEqual(
      ['citizen_id', 'date_of_birth', 'family_name', 'given_name', 'registered_at'].sort(),
    );
    // The example's optional contact details are not promised by every producer, so they are not expected.
    expect(pruned).not.toHaveProperty('email');
  });

  it('prunes nested objects by their own required list', () => {
    const v1 = catalog['citizen.registered'].versions[1];
    const withAddress = { ...(v1.examples[0] as object) };
    const schema = { ...v1.schema, required: [...(v1.schema.required as readonly string[]), 'address'] };
    const pruned = requiredOnly(withAddress, schema) as { address: Record<string, unknown> };
    expect(pruned.address).not.toHaveProperty('line2');
    expect(pruned.address).toHaveProperty('line1', '14 Elm Grove');
  });

  it('lays overrides over the example: objects merge, matchers and arrays replace, undefined removes', () => {
    const merged = mergeExpectation(
      { a: 1, nested: { b: 2, c: 3 }, list: [1, 2], gone: true },
      { nested: { c: MatchersV3.integer(4) }, list: [9], gone: undefined },
    ) as Record<string, any>;
    expect(merged.a).toBe(1);
    expect(merged.nested.b).toBe(2);
    expect(isMatcher(merged.nested.c)).toBe(true);
    expect(merged.list).toEqual([9]);
    expect(merged).not.toHaveProperty('gone');
  });
});

describe('interaction descriptions', () => {
  it('round-trips the event type and version, with or without a scenario', () => {
    expect(parseMessageDescription(messageDescription('citizen.registered', 2))).toEqual({
      type: 'citizen.registered',
      version: 2,
    });
    expect(parseMessageDescription(messageDescription('payment.failed', 1, 'after retries'))).toEqual({
      type: 'payment.failed',
      version: 1,
    });
    expect(parseMessageDescription('a payment failed')).toBeUndefined();
  });
});
