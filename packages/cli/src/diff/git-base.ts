/**
 * Reading specs as they were at a git revision, through the same loader and `$ref` resolution as `generate`:
 * a Workspace whose files come from `git show <ref>:<path>` instead of the disk. Paths stay the working-tree
 * paths, so a node at the base revision and the same node now have the same file name.
 */
import { execFileSync } from 'node:child_process';
import { relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { parseSource, type SpecSource } from '../load/spec-source.js';
import { type Located, Workspace } from '../load/workspace.js';

/** A base ref that is not a commit in this repository (first commit, shallow clone, typo). */
export class UnknownRefError extends Error {
  readonly code = 'HUMANGOV_DIFF_UNKNOWN_REF';
  constructor(readonly ref: string) {
    super(`base ref "${ref}" is not a commit in this repository (a first commit or a shallow clone has no HEAD~1)`);
    this.name = 'UnknownRefError';
  }
}

/** The files of one commit, addressed by working-tree paths. */
export class GitRevision {
  private constructor(
    readonly ref: string,
    readonly commit: string,
    /** Absolute path of the repository's top folder. */
    readonly top: string,
  ) {}

  /** Resolves `ref` from inside `cwd`; throws UnknownRefError when it names no commit, and a plain error outside git. */
  static open(cwd: string, ref: string): GitRevision {
    let top: string;
    try {
      top = git(cwd, ['rev-parse', '--show-toplevel']).trim();
    } catch {
      throw new Error(`${cwd} is not inside a git repository: --base needs one`);
    }
    let commit: string;
    try {
      commit = git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).trim();
    } catch {
      throw new UnknownRefError(ref);
    }
    return new GitRevision(ref, commit, top);
  }

  private rel(file: string): string | undefined {
    const r = relative(this.top, resolve(file));
    return r.startsWith('..') ? undefined : r.split(sep).join('/');
  }

  /** The text of a file at this commit, or undefined when it did not exist there. */
  read(file: string): string | undefined {
    const rel = this.rel(file);
    if (rel === undefined) return undefined;
    try {
      return git(this.top, ['show', `${this.commit}:${rel}`]);
    } catch {
      return undefined;
    }
  }

  /**
   * `expandSpecs` at this commit: a named file if it existed, or the matching files directly inside a named
   * folder, as absolute working-tree paths, sorted.
   */
  expand(paths: readonly string[], kind: 'asyncapi' | 'openapi'): string[] {
    const pattern = new RegExp(`\\.${kind}\\.(ya?ml|json)$`, 'i');
    const found: string[] = [];
    for (const path of paths) {
      const rel = this.rel(path);
      if (rel === undefined) continue;
      const entry = git(this.top, ['ls-tree', this.commit, '--', rel || '.']).trim();
      if (!entry) continue;
      if (/^\d+ blob /.test(entry) && !entry.includes('\n')) {
        found.push(resolve(this.top, rel));
        continue;
      }
      const names = git(this.top, ['ls-tree', '--name-only', this.commit, '--', `${rel}/`]).split('\n');
      for (const name of names) if (name && pattern.test(name)) found.push(resolve(this.top, name));
    }
    return found.sort();
  }
}

function git(cwd: string, args: readonly string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

/** A Workspace that reads every file (specs and the files their `$ref`s reach) at a git commit. */
export class GitWorkspace extends Workspace {
  private readonly files = new Map<string, SpecSource | null>();

  constructor(readonly revision: GitRevision) {
    super();
  }

  override source(file: string): SpecSource | undefined {
    const abs = resolve(file);
    if (!this.files.has(abs)) {
      const text = this.revision.read(abs);
      if (text === undefined) {
        this.diagnostics.push(fileMissing(abs, this.revision.ref));
        this.files.set(abs, null);
      } else {
        const { source, diagnostics } = parseSource(abs, text);
        this.diagnostics.push(...diagnostics);
        this.files.set(abs, source ?? null);
      }
    }
    return this.files.get(abs) ?? undefined;
  }

  override report(at: Pick<Located, 'file' | 'path'>, severity: Diagnostic['severity'], rule: string, message: string) {
    const source = this.files.get(at.file);
    if (source)
      this.diagnostics.push(source.diagnostic(at.path, severity, rule, `${message} (at ${this.revision.ref})`));
    else super.report(at, severity, rule, `${message} (at ${this.revision.ref})`);
  }
}

const fileMissing = (file: string, ref: string): Diagnostic => ({
  file,
  path: '',
  line: 1,
  col: 1,
  severity: 'error',
  rule: 'file',
  message: `file not found at ${ref}`,
});
