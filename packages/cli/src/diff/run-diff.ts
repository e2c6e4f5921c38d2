/**
 * `humangov diff` as functions: two files, or the configured specs against a git base revision, in; every change
 * classified under its mode, with waivers and advice, out. Printing lives in the report modules.
 */
import { relative, resolve } from 'node:path';
import { UsageError } from '../args.js';
import { CONFIG_FILE, expandSpecs, loadConfig } from '../config.js';
import { type Diagnostic, hasErrors, sortDiagnostics } from '../diagnostics.js';
import { isObject, Workspace } from '../load/workspace.js';
import { adviceFor } from './advice.js';
import { diffAsyncApi } from './asyncapi-diff.js';
import { breaksUnder, type Change, DEFAULT_MODE, type Mode, type SpecKind, verdicts } from './classify.js';
import { type DiffConfig, loadDiffConfig, majorChangesets, modeOf, ownerOf } from './diff-config.js';
import { GitRevision, GitWorkspace } from './git-base.js';
import { diffOpenApi } from './openapi-diff.js';
import { diffSchema } from './schema-diff.js';
import { formatPath } from './spec-path.js';

/** A change with its verdicts. */
export interface ClassifiedChange extends Change {
  /** The mode this change is judged under (its spec's mode). */
  readonly mode: Mode;
  readonly breaks: Readonly<Record<Mode, boolean>>;
  /** Breaking under `mode`. */
  readonly breaking: boolean;
  /** Why a breaking change does not fail the check (new major version, major changeset); still reported. */
  readonly waived?: string;
  /** What to do about a breaking change. */
  readonly fix?: string;
}

export interface DiffReport {
  /** What was compared: `{ old: 'HEAD~1', new: 'working tree' }` or the two file names. */
  readonly old: string;
  readonly new: string;
  readonly changes: readonly ClassifiedChange[];
  /** Problems reading either revision (errors make the comparison fail). */
  readonly diagnostics: readonly Diagnostic[];
  /** True when a change breaks and is not waived, or a revision could not be read. */
  readonly failed: boolean;
}

const labeller = (cwd: string) => (file: string) => {
  const r = relative(cwd, file);
  return r.startsWith('..') ? file : r;
};

function kindOf(ws: Workspace, file: string): SpecKind | undefined {
  const value = ws.source(file)?.value;
  if (!isObject(value)) return undefined;
  return 'asyncapi' in value ? 'asyncapi' : 'openapi' in value ? 'openapi' : 'schema';
}

/**
 * Compares two files (AsyncAPI 3, OpenAPI 3.x, or plain JSON Schema documents of the same kind). Fails exactly
 * when a change breaks under `mode`; no waivers apply.
 */
export function diffFiles(oldFile: string, newFile: string, options: { cwd: string; mode?: Mode }): DiffReport {
  const label = labeller(options.cwd);
  const mode = options.mode ?? DEFAULT_MODE;
  const [before, after] = [new Workspace(), new Workspace()];
  const [a, b] = [resolve(options.cwd, oldFile), resolve(options.cwd, newFile)];
  const [ka, kb] = [kindOf(before, a), kindOf(after, b)];
  let changes: Change[] = [];
  if (ka && kb && ka !== kb) throw new UsageError(`${oldFile} is ${ka} but ${newFile} is ${kb}: compare two of a kind`);
  if (ka === 'asyncapi') changes = diffAsyncApi({ ws: before, files: [a] }, { ws: after, files: [b] }, label);
  else if (ka === 'openapi') changes = diffOpenApi({ ws: before, file: a }, { ws: after, file: b }, label);
  else if (ka === 'schema')
    changes = diffSchema(before, before.at(a, []), after, after.at(b, [])).map((c) => ({
      kind: 'schema',
      spec: label(b),
      subject: 'schema',
      path: formatPath('', c.path),
      role: 'data',
      rule: c.rule,
      message: c.message,
      narrows: c.narrows,
      widens: c.widens,
    }));
  const classified = changes.map((c) => classify(c, mode));
  const diagnostics = sortDiagnostics([...before.diagnostics, ...after.diagnostics]);
  return {
    old: label(a),
    new: label(b),
    changes: classified,
    diagnostics,
    failed: hasErrors(diagnostics) || classified.some((c) => c.breaking),
  };
}

/**
 * Compares the specs named by humangov.config.json in `cwd` as they are now (the working tree) with the same
 * specs at git revision `ref`. Breaks are waived by a new major version of the message or a major changeset for
 * the spec's owning package (`diff.owners`); modes come from `options.mode`, else `diff.modes`/`diff.mode`.
 */
export function diffBase(cwd: string, ref: string, options: { mode?: Mode } = {}): DiffReport {
  const config = loadConfig(cwd);
  if (!config) throw new UsageError(`no ${CONFIG_FILE} in ${cwd}: --base compares the specs it names`);
  const diffConfig = loadDiffConfig(cwd);
  const revision = GitRevision.open(cwd, ref);
  const label = labeller(cwd);
  const before = new GitWorkspace(revision);
  const after = new Workspace();
  const changes: Change[] = [];
  const oldAsync = revision.expand(config.asyncapi, 'asyncapi');
  const newAsync = expandSpecs(config.asyncapi, 'asyncapi');
  if (oldAsync.length + newAsync.length > 0)
    changes.push(...diffAsyncApi({ ws: before, files: oldAsync }, { ws: after, files: newAsync }, label));
  const oldOpen = revision.expand(config.openapi, 'openapi');
  const newOpen = expandSpecs(config.openapi, 'openapi');
  for (const file of [...new Set([...oldOpen, ...newOpen])].sort()) {
    const inOld = oldOpen.includes(file);
    const inNew = newOpen.includes(file);
    if (inOld && inNew) changes.push(...diffOpenApi({ ws: before, file }, { ws: after, file }, label));
    else
      changes.push({
        kind: 'openapi',
        spec: label(file),
        subject: 'API',
        path: '',
        role: 'request',
        rule: inOld ? 'api-removed' : 'api-added',
        message: inOld ? 'the whole API document was removed' : 'API document added',
        narrows: inOld,
        widens: inOld,
      });
  }
  const majors = majorChangesets(cwd);
  const classified = changes.map((c) => classify(c, options.mode ?? modeOf(diffConfig, c.spec), diffConfig, majors));
  const diagnostics = sortDiagnostics(dedupe([...before.diagnostics, ...after.diagnostics]));
  return {
    old: ref,
    new: 'working tree',
    changes: classified,
    diagnostics,
    failed: hasErrors(diagnostics) || classified.some((c) => c.breaking && !c.waived),
  };
}

function classify(change: Change, mode: Mode, config?: DiffConfig, majors?: Map<string, string[]>): ClassifiedChange {
  const breaking = breaksUnder(change, mode);
  const base = { ...change, mode, breaks: verdicts(change), breaking };
  if (!breaking) return base;
  const owner = config ? ownerOf(config, change.spec, change.kind) : undefined;
  const changesets = owner ? majors?.get(owner) : undefined;
  const fix = adviceFor(change, mode, owner);
  if (change.event?.newMajor !== undefined && change.rule !== 'message-removed' && config)
    return {
      ...base,
      fix,
      waived: `new major version ${change.event.type} v${change.event.newMajor} added (v${change.event.version} kept)`,
    };
  if (changesets && changesets.length > 0)
    return { ...base, fix, waived: `major changeset for ${owner} (${changesets.join(', ')})` };
  return { ...base, fix };
}

function dedupe(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.file}:${d.line}:${d.col}:${d.rule}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
