import { describe, expect, it } from 'vitest';
import { deepFreeze, frozenCopy, NOT_PLAIN } from './deep-freeze.js';

describe('deepFreeze', () => {
  it('freezes nested objects and arrays in place and leaves typed arrays alone', () => {
    const bytes = new Uint8Array([1]);
    const value = deepFreeze({ a: { b: [1, { c: 2 }] }, bytes });
    expect(Object.isFrozen(value.a.b[1])).toBe(true);
    expect(Object.isFrozen(bytes)).toBe(false);
  });
});

describe('frozenCopy', () => {
  it('returns a deep-frozen copy and leaves the input mutable', () => {
    const input = { id: 'x', list: [{ n: 1 }, null, 'a'], nested: { ok: true, none: undefined } };
    const copy = frozenCopy(input, 100) as typeof input;
    expect(copy).toEqual(input);
    expect(copy).not.toBe(input);
    expect(copy.list[0]).not.toBe(input.list[0]);
    expect(Object.isFrozen(copy) && Object.isFrozen(copy.list) && Object.isFrozen(copy.list[0])).toBe(true);
    expect(Object.isFrozen(input) || Object.isFrozen(input.list) || Object.isFrozen(input.list[0])).toBe(false);
    input.list.push('b');
    expect(copy.list).toHaveLength(3);
  });

  it('can leave the root copy mutable for its new owner', () => {
    const copy = frozenCopy({ a: { b: 1 } }, 100, { root: false }) as { a: object; c?: number };
    expect(Object.isFrozen(copy)).toBe(false);
    expect(Object.isFrozen(copy.a)).toBe(true);
  });

  it('copies a shared object once per reference, like JSON', () => {
    const shared = { a: 1 };
    const copy = frozenCopy({ x: shared, y: [shared] }, 100) as { x: object; y: object[] };
    expect(copy.x).toEqual(shared);
    expect(copy.y[0]).toEqual(shared);
  });

  it('gives primitives back as they are', () => {
    for (const value of ['s', 1, true, null, undefined]) expect(frozenCopy(value, 100)).toBe(value);
  });

  it.each([
    ['a __proto__ key', JSON.parse('{"a":[{"__proto__":{"admin":true}}]}')],
    ['a constructor key', { a: { constructor: { prototype: {} } } }],
    ['a prototype key', { prototype: 1 }],
    ['a Date', { at: new Date(0) }],
    ['a Map', { m: new Map() }],
    ['a class instance', { c: new (class Point {})() }],
    ['a typed array', { bytes: new Uint8Array(1) }],
    ['a function', { f: () => 1 }],
    ['a symbol', [Symbol('s')]],
    ['a bigint', { n: 1n }],
  ])('returns NOT_PLAIN for %s, so the caller takes the slow path', (_label, value) => {
    expect(frozenCopy(value, 100)).toBe(NOT_PLAIN);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('returns NOT_PLAIN past maxDepth and for a cycle, without overflowing the stack', () => {
    expect(frozenCopy([[[1]]], 3)).toEqual([[[1]]]);
    expect(frozenCopy([[[1]]], 2)).toBe(NOT_PLAIN);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    cyclic.again = cyclic;
    expect(frozenCopy(cyclic, 100)).toBe(NOT_PLAIN);
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(frozenCopy(deep, 100)).toBe(NOT_PLAIN);
  });
});
