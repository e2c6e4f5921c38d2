import { dirname, resolve as resolvePath } from 'node:path';
import { type Diagnostic, fromPointer, toPointer } from '../diagnostics.js';
import { loadSource, type SpecSource } from './spec-source.js';

/** A value found in a spec file, with where it was found. */
export interface Located<T = unknown> {
  readonly file: string;
  readonly path: readonly string[];
  readonly value: T;
}

/** Identity of a located node: the same object reached through different `$ref`s has one id. */
export const nodeId = (node: Pick<Located, 'file' | 'path'>): string => `${node.file}#${toPointer(node.path)}`;

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The set of files one generation reads. Follows `$ref`s across files (relative paths and local JSON pointers,
 * RFC 3986 / JSON Reference), loading each file once. Problems are collected as diagnostics.
 */
export class Workspace {
  readonly diagnostics: Diagnostic[] = [];
  private readonly sources = new Map<string, SpecSource | null>();

  /** Loads a file (once); `undefined` when it could not be read or parsed (a diagnostic says why). */
  source(file: string): SpecSource | undefined {
    const abs = resolvePath(file);
    if (!this.sources.has(abs)) {
      const { source, diagnostics } = loadSource(abs);
      this.diagnostics.push(...diagnostics);
      this.sources.set(abs, source ?? null);
    }
    return this.sources.get(abs) ?? undefined;
  }

  /** A diagnostic anchored at a node. */
  report(at: Pick<Located, 'file' | 'path'>, severity: Diagnostic['severity'], rule: string, message: string): void {
    const source = this.sources.get(at.file);
    this.diagnostics.push(
      source
        ? source.diagnostic(at.path, severity, rule, message)
        : { file: at.file, path: toPointer(at.path), line: 1, col: 1, severity, rule, message },
    );
  }

  /** The node at a JSON path of a file. */
  at(file: string, path: readonly string[]): Located | undefined {
    const source = this.source(file);
    if (!source) return undefined;
    let value: unknown = source.value;
    for (const key of path) {
      if (Array.isArray(value)) value = value[Number(key)];
      else if (isObject(value) && Object.hasOwn(value, key)) value = value[key];
      else return undefined;
    }
    return value === undefined ? undefined : { file: source.file, path, value };
  }

  /** A child of a located node. */
  child(node: Located, key: string | number): Located | undefined {
    const v = node.value;
    const value = Array.isArray(v) ? v[Number(key)] : isObject(v) && Object.hasOwn(v, String(key)) ? v[key] : undefined;
    return value === undefined ? undefined : { file: node.file, path: [...node.path, String(key)], value };
  }

  /** The elements of an array-valued child (`allOf`, `examples`, `traits`...), or none when it is absent. */
  items(node: Located, key: string): Located[] {
    const list = this.child(node, key);
    return list && Array.isArray(list.value) ? list.value.map((_, i) => this.child(list, i)!).filter(Boolean) : [];
  }

  /**
   * Follows `$ref` chains until a node that is not a reference. A broken or external (http) reference is reported
   * at the referring node and yields `undefined`.
   */
  deref(node: Located): Located | undefined {
    let current = node;
    const seen = new Set<string>();
    while (isObject(current.value) && typeof current.value.$ref === 'string') {
      const id = nodeId(current);
      if (seen.has(id)) {
        this.report(current, 'error', 'ref-cycle', `$ref cycle through ${String(current.value.$ref)}`);
        return undefined;
      }
      seen.add(id);
      const target = this.target(current, current.value.$ref);
      if (!target) return undefined;
      current = target;
    }
    return current;
  }

  /** The node a `$ref` string points at, relative to the file of `from`. */
  target(from: Located, ref: string): Located | undefined {
    const hash = ref.indexOf('#');
    const filePart = hash === -1 ? ref : ref.slice(0, hash);
    const pointer = hash === -1 ? '' : ref.slice(hash + 1);
    if (/^[a-z][a-z0-9+.-]*:/i.test(filePart)) {
      this.report(
        from,
        'error',
        'ref-external',
        `remote $ref "${ref}" is not supported: vendor the file and use a relative path`,
      );
      return undefined;
    }
    const file = filePart ? resolvePath(dirname(from.file), filePart) : from.file;
    if (!this.source(file)) {
      this.report(from, 'error', 'ref-broken', `$ref "${ref}": cannot read ${filePart}`);
      return undefined;
    }
    const found = this.at(file, fromPointer(pointer));
    if (!found) this.report(from, 'error', 'ref-broken', `$ref "${ref}" points at nothing`);
    return found;
  }
}
