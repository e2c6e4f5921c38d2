/** Names a TypeScript module may not redeclare without shadowing a global the generated code or its users rely on. */
const RESERVED = new Set([
  'Array',
  'Boolean',
  'Date',
  'Error',
  'Function',
  'Map',
  'Number',
  'Object',
  'Omit',
  'Partial',
  'Pick',
  'Promise',
  'Readonly',
  'Record',
  'RegExp',
  'Required',
  'Set',
  'String',
  'Symbol',
  'Exclude',
  'Extract',
  'EventMap',
  'Validator',
  'ValidationError',
  'Catalog',
  'Uint8Array',
  'JSON',
  'Math',
  'Event',
  'Request',
  'Response',
  'Headers',
  'URL',
]);

/** `light-measured payload` -> `LightMeasuredPayload`; keeps inner capitals, drops what is not a letter or digit. */
export function pascalCase(input: string): string {
  const words = input.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const name = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  if (name === '') return 'Anonymous';
  return /^[0-9]/.test(name) ? `T${name}` : name;
}

/** Hands out unique type names: the first owner of a name keeps it, later ones get a numeric suffix. */
export class NameAllocator {
  private readonly byOwner = new Map<string, string>();
  private readonly taken = new Set<string>();

  /** The name for `owner`, allocating `wanted` (made unique) the first time. */
  name(owner: string, wanted: string): string {
    const known = this.byOwner.get(owner);
    if (known) return known;
    let base = pascalCase(wanted);
    if (RESERVED.has(base)) base = `${base}Model`;
    // `OrderPlacedV1` + 2 must not read as version 12.
    const sep = /[0-9]$/.test(base) ? '_' : '';
    let name = base;
    for (let n = 2; this.taken.has(name); n++) name = `${base}${sep}${n}`;
    this.taken.add(name);
    this.byOwner.set(owner, name);
    return name;
  }

  isTaken(name: string): boolean {
    return this.taken.has(name);
  }
}

/** A property key as TypeScript source: bare when it is an identifier, quoted otherwise. */
export const propertyKey = (key: string): string =>
  /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) && key !== '__proto__' ? key : JSON.stringify(key);

/** A JSDoc block from lines, or '' when there are none. */
export function jsdoc(lines: readonly string[], indent = ''): string {
  const clean = lines.flatMap((l) => l.split('\n')).map((l) => l.replace(/\*\//g, '*\\/').trimEnd());
  while (clean.length > 0 && clean[clean.length - 1] === '') clean.pop();
  if (clean.length === 0) return '';
  if (clean.length === 1) return `${indent}/** ${clean[0]} */\n`;
  return `${indent}/**\n${clean.map((l) => `${indent} *${l ? ' ' + l : ''}`).join('\n')}\n${indent} */\n`;
}
