import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BYTES, findUnsafe, safeJsonParse } from './safe-json.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('safeJsonParse', () => {
  it('parses bytes, strings and already-parsed values', () => {
    expect(safeJsonParse(bytes('{"a":[1,"é"]}'))).toEqual({ value: { a: [1, 'é'] } });
    expect(safeJsonParse(Buffer.from('{"a":1}'))).toEqual({ value: { a: 1 } });
    expect(safeJsonParse('[true,null]')).toEqual({ value: [true, null] });
    const parsed = { a: { b: 1 } };
    expect(safeJsonParse(parsed).value).toBe(parsed);
  });

  it.each([
    ['top level', '{"__proto__":{"polluted":true}}', '/__proto__'],
    ['nested deep', '{"a":{"b":{"c":{"__proto__":{"polluted":true}}}}}', '/a/b/c/__proto__'],
    ['inside an array', '{"list":[{"ok":1},{"constructor":{"prototype":{"polluted":true}}}]}', '/list/1/constructor'],
    ['as prototype', '{"x":{"prototype":1}}', '/x/prototype'],
  ])('reports a hostile key %s with its pointer and returns no value', (_, json, path) => {
    const result = safeJsonParse(json);
    expect(result.value).toBeUndefined();
    expect(result.issues).toContainEqual(expect.objectContaining({ path, code: 'HUMANGOV_JSON_UNSAFE_KEY' }));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('checks already-parsed objects that carry an own __proto__ key (as JSON.parse makes them)', () => {
    const hostile = JSON.parse('{"data":[{"__proto__":{"isAdmin":true}}]}');
    expect(safeJsonParse(hostile).issues).toEqual([
      { path: '/data/0/__proto__', message: "key '__proto__' is not allowed", code: 'HUMANGOV_JSON_UNSAFE_KEY' },
    ]);
  });

  it('escapes pointer tokens', () => {
    expect(safeJsonParse('{"a/b":{"c~d":{"constructor":1}}}').issues?.[0]?.path).toBe('/a~1b/c~0d/constructor');
  });

  it('accepts input of exactly the limit and rejects one byte more, before parsing', () => {
    const exact = `"${'a'.repeat(DEFAULT_MAX_BYTES - 2)}"`;
    expect(safeJsonParse(bytes(exact)).issues).toBeUndefined();
    const over = bytes(`"${'a'.repeat(DEFAULT_MAX_BYTES - 1)}"`);
    expect(safeJsonParse(over).issues).toEqual([expect.objectContaining({ code: 'HUMANGOV_PAYLOAD_TOO_LARGE' })]);
    expect(safeJsonParse('{"a":"xx"}', { maxBytes: 9 }).issues?.[0]?.code).toBe('HUMANGOV_PAYLOAD_TOO_LARGE');
  });

  it('counts string size in UTF-8 bytes', () => {
    const text = '"ééé"'; // 5 UTF-16 units, 8 UTF-8 bytes
    expect(safeJsonParse(text, { maxBytes: 8 }).value).toBe('ééé');
    expect(safeJsonParse(text, { maxBytes: 7 }).issues?.[0]?.code).toBe('HUMANGOV_PAYLOAD_TOO_LARGE');
  });

  it.each([
    ['invalid UTF-8', new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
    ['a truncated UTF-8 sequence', new Uint8Array([0x22, 0xe2, 0x82])],
    ['truncated JSON', bytes('{"a":[1,2')],
    ['empty input', bytes('')],
    ['trailing garbage', '{"a":1} x'],
  ])('reports %s as an issue instead of throwing', (_, input) => {
    const result = safeJsonParse(input);
    expect(result.issues).toEqual([expect.objectContaining({ path: '', code: 'HUMANGOV_JSON_INVALID' })]);
  });

  it('rejects nesting deeper than maxDepth without overflowing the stack', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(safeJsonParse(deep).issues?.[0]?.code).toBe('HUMANGOV_JSON_TOO_DEEP');
    expect(safeJsonParse('[[[1]]]', { maxDepth: 3 }).value).toEqual([[[1]]]);
    expect(safeJsonParse('[[[1]]]', { maxDepth: 2 }).issues?.[0]?.path).toBe('/0/0');
  });
});

describe('safeJsonParse with freeze', () => {
  it('deep-freezes what it parsed from bytes or a string', () => {
    for (const input of [bytes('{"a":[{"b":1}],"c":{}}'), '{"a":[{"b":1}],"c":{}}']) {
      const { value } = safeJsonParse(input, { freeze: true }) as { value: { a: [{ b: number }]; c: object } };
      expect(Object.isFrozen(value) && Object.isFrozen(value.a) && Object.isFrozen(value.a[0])).toBe(true);
      expect(Object.isFrozen(value.c)).toBe(true);
    }
    expect(Object.isFrozen(safeJsonParse('{"a":{}}').value)).toBe(false);
  });

  it("leaves an already-parsed value, the caller's own, unfrozen", () => {
    const parsed = { a: { b: 1 } };
    expect(safeJsonParse(parsed, { freeze: true }).value).toBe(parsed);
    expect(Object.isFrozen(parsed) || Object.isFrozen(parsed.a)).toBe(false);
  });

  it('still reports hostile keys and nesting, with no value', () => {
    expect(safeJsonParse('{"a":{"__proto__":{}}}', { freeze: true }).issues?.[0]?.path).toBe('/a/__proto__');
    expect(safeJsonParse('[[[1]]]', { freeze: true, maxDepth: 2 }).issues?.[0]?.code).toBe('HUMANGOV_JSON_TOO_DEEP');
  });
});

describe('findUnsafe', () => {
  it('reports cycles but accepts shared references', () => {
    const shared = { a: 1 };
    expect(findUnsafe({ x: shared, y: shared })).toEqual([]);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(findUnsafe(cyclic)).toEqual([expect.objectContaining({ path: '/self', message: 'value contains a cycle' })]);
  });
});
