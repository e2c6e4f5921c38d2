/**
 * The `diff` section of humangov.config.json and the pending changesets:
 *
 *   "diff": {
 *     "mode": "BACKWARD",                                      // default for every spec
 *     "modes": { "specs/asyncapi/payments.asyncapi.yaml": "FULL" },   // per spec file or folder
 *     "owners": { "asyncapi": "@humangov/events", "openapi": "@humangov/sdk", "specs/openapi/x.openapi.yaml": "@org/x" }
 *   }
 *
 * An owner is the package that ships what is generated from a spec; a `major` changeset for it waives breaks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../args.js';
import { CONFIG_FILE } from '../config.js';
import { DEFAULT_MODE, isMode, MODES, type Mode, type SpecKind } from './classify.js';

/** Who owns each kind of spec unless configured: the events catalog and the generated HTTP clients. */
export const DEFAULT_OWNERS: Readonly<Record<SpecKind, string>> = {
  asyncapi: '@humangov/events',
  openapi: '@humangov/sdk',
  schema: '@humangov/events',
};

export interface DiffConfig {
  /** @default 'BACKWARD' */
  readonly mode: Mode;
  /** Mode per spec file or folder (paths relative to the config file). */
  readonly modes: ReadonlyMap<string, Mode>;
  /** Owning package per spec kind (`asyncapi`, `openapi`) or per spec file or folder. */
  readonly owners: ReadonlyMap<string, string>;
}

/** Reads the `diff` section; a wrong value is a UsageError that names the key and the allowed values. */
export function loadDiffConfig(cwd: string): DiffConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(cwd, CONFIG_FILE), 'utf8'));
  } catch {
    raw = {};
  }
  const section = (raw as { diff?: unknown }).diff ?? {};
  if (typeof section !== 'object' || section === null) throw new UsageError(`${CONFIG_FILE}: "diff" must be an object`);
  const s = section as { mode?: unknown; modes?: unknown; owners?: unknown };
  const mode = s.mode ?? DEFAULT_MODE;
  if (!isMode(mode)) throw new UsageError(`${CONFIG_FILE}: diff.mode must be one of ${MODES.join(', ')}`);
  const modes = new Map<string, Mode>();
  for (const [key, value] of Object.entries(objectOf(s.modes, 'diff.modes'))) {
    if (!isMode(value)) throw new UsageError(`${CONFIG_FILE}: diff.modes["${key}"] must be one of ${MODES.join(', ')}`);
    modes.set(normal(key), value);
  }
  const owners = new Map<string, string>();
  for (const [key, value] of Object.entries(objectOf(s.owners, 'diff.owners'))) {
    if (typeof value !== 'string') throw new UsageError(`${CONFIG_FILE}: diff.owners["${key}"] must be a package name`);
    owners.set(normal(key), value);
  }
  return { mode, modes, owners };
}

function objectOf(value: unknown, name: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`${CONFIG_FILE}: ${name} must be an object keyed by spec file`);
  return value as Record<string, unknown>;
}

const normal = (key: string) => key.replace(/^\.\//, '').replace(/\/+$/, '');

/** The value of the longest key that is `spec` itself or a folder containing it. */
function lookup<T>(map: ReadonlyMap<string, T>, spec: string): T | undefined {
  let best: [string, T] | undefined;
  for (const [key, value] of map)
    if ((spec === key || spec.startsWith(`${key}/`)) && (!best || key.length > best[0].length)) best = [key, value];
  return best?.[1];
}

export const modeOf = (config: DiffConfig, spec: string): Mode => lookup(config.modes, spec) ?? config.mode;

export const ownerOf = (config: DiffConfig, spec: string, kind: SpecKind): string =>
  lookup(config.owners, spec) ?? config.owners.get(kind) ?? DEFAULT_OWNERS[kind];

/**
 * Packages with a pending `major` changeset, each with the changeset files that say so
 * (`.changeset/*.md` frontmatter lines such as `"@humangov/events": major`).
 */
export function majorChangesets(cwd: string): Map<string, string[]> {
  const dir = join(cwd, '.changeset');
  const found = new Map<string, string[]>();
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.md') && n.toLowerCase() !== 'readme.md');
  } catch {
    return found;
  }
  for (const name of names.sort()) {
    const text = readFileSync(join(dir, name), 'utf8');
    const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text)?.[1] ?? '';
    for (const line of front.split(/\r?\n/)) {
      const m = /^\s*(["']?)(@?[^"'\s:]+)\1\s*:\s*major\s*$/.exec(line);
      if (!m) continue;
      const pkg = m[2]!;
      found.set(pkg, [...(found.get(pkg) ?? []), `.changeset/${name}`]);
    }
  }
  return found;
}
