/**
 * Pact's JSON path dialect, as matching-rule keys use it: `$`, `$.field`, `$['field with spaces']`, `$.list[0]`,
 * `$.list[*]` (any index) and `$.*` (any field). This is the subset every Pact implementation writes (Pact
 * specification V2 "matching rules", V3/V4 "body" category); filters and recursive descent do not occur in pacts.
 */

/** One step of a Pact path. */
export type PactPathToken =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'any-field' }
  | { readonly kind: 'any-index' };

const IDENT = /^[^.[\]'"\s*]+/;

/**
 * Parses a Pact path (`$.children[*].name`) into its steps; `undefined` when the text is not a Pact path.
 * `$` alone gives no steps (the root).
 */
export function parsePactPath(path: string): PactPathToken[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const tokens: PactPathToken[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    if (rest.startsWith('.*')) {
      tokens.push({ kind: 'any-field' });
      rest = rest.slice(2);
    } else if (rest.startsWith('.')) {
      const name = IDENT.exec(rest.slice(1))?.[0];
      if (name === undefined) return undefined;
      tokens.push({ kind: 'field', name });
      rest = rest.slice(1 + name.length);
    } else if (rest.startsWith('[*]')) {
      tokens.push({ kind: 'any-index' });
      rest = rest.slice(3);
    } else if (rest.startsWith("['") || rest.startsWith('["')) {
      const quote = rest[1]!;
      const end = rest.indexOf(`${quote}]`, 2);
      if (end === -1) return undefined;
      tokens.push({ kind: 'field', name: rest.slice(2, end) });
      rest = rest.slice(end + 2);
    } else {
      const index = /^\[(\d+)\]/.exec(rest);
      if (!index) return undefined;
      tokens.push({ kind: 'index', index: Number(index[1]) });
      rest = rest.slice(index[0].length);
    }
  }
  return tokens;
}

/** Appends a field or array index to a JSON path: `$.a` + `b c` = `$.a['b c']`, `$.a` + 0 = `$.a[0]`. */
export function appendPactPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `${path}.${key}` : `${path}['${key.replace(/'/g, "\\'")}']`;
}
