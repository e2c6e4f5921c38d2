/** One way a pact asks for more than its provider's spec promises, and how it is printed. */
import { relative } from 'node:path';
import { toPointer } from '../diagnostics.js';
import type { Located } from '../load/workspace.js';

/**
 * A contract problem. `pact` is the pact file, `interaction` the interaction's description (`*` for the whole
 * pact, `-` when the file could not be read), `path` a JSON path into the interaction (`$.contents.status`,
 * `$.response.status`), `spec` the spec location as `<file>#<json pointer>` (`-` when no spec applies), and
 * `message` what is wrong and what to fix.
 */
export interface ContractFinding {
  readonly pact: string;
  readonly interaction: string;
  readonly path: string;
  readonly spec: string;
  readonly message: string;
}

/** What a check reports before the pact and interaction are filled in. */
export interface Problem {
  readonly path: string;
  /** The spec node the pact contradicts; undefined when there is none (an unknown provider, say). */
  readonly at: Pick<Located, 'file' | 'path'> | undefined;
  readonly message: string;
}

/** `<file relative to cwd>#<json pointer>`, or `-`. */
export function specLocation(at: Pick<Located, 'file' | 'path'> | undefined, cwd: string): string {
  if (!at) return '-';
  return `${displayPath(at.file, cwd)}#${toPointer(at.path)}`;
}

/** A path relative to `cwd` when it lies inside it, else as given. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/** The text line: `<pact file> :: <interaction> :: <json path> :: <spec file>#<json pointer> :: <message>`. */
export function formatFinding(f: ContractFinding): string {
  return `${f.pact} :: ${f.interaction} :: ${f.path} :: ${f.spec} :: ${f.message}`;
}
