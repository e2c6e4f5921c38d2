import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PactOptionsError } from '../errors.js';

/** Environment variable that moves every pact file the helpers write or read. */
export const PACT_DIR_ENV = 'HUMANGOV_PACT_DIR';

/** Options of `resolvePactDir`. */
export interface PactDirOptions {
  /** The folder, absolute or relative to `from`. Wins over everything else. @default see `resolvePactDir` */
  readonly dir?: string;
  /** Where the search for the repository root starts. @default process.cwd() */
  readonly from?: string;
  /** Environment to read `HUMANGOV_PACT_DIR` from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const ROOT_MARKERS = ['pnpm-workspace.yaml', '.git'] as const;

/**
 * The one folder pact files go to: `dir` if given; else `$HUMANGOV_PACT_DIR`; else `pacts/` at the repository
 * root, the nearest folder at or above `from` holding `pnpm-workspace.yaml` (or, for a repository without a pnpm
 * workspace, `.git`). One folder for the whole repository, so a provider finds every consumer's pact without
 * knowing which package wrote it. Throws `PactOptionsError` when there is no root to find. Does not create it.
 */
export function resolvePactDir(options: PactDirOptions = {}): string {
  const from = resolve(options.from ?? process.cwd());
  if (options.dir !== undefined && options.dir !== '') return resolve(from, options.dir);
  const fromEnv = (options.env ?? process.env)[PACT_DIR_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(from, fromEnv);
  for (const marker of ROOT_MARKERS) {
    for (let dir = from; ; dir = dirname(dir)) {
      if (existsSync(join(dir, marker))) return join(dir, 'pacts');
      if (dirname(dir) === dir) break;
    }
  }
  throw new PactOptionsError({
    option: 'dir',
    message:
      `no repository root above ${from} (no pnpm-workspace.yaml or .git): ` +
      `pass \`dir\` or set ${PACT_DIR_ENV} to the folder pact files belong in`,
  });
}

/**
 * The pact files in the pact folder (`resolvePactDir(options)`) that name `provider`: Pact's file names are
 * `<consumer>-<provider>.json`. Empty when the folder does not exist (no consumer test wrote one yet).
 */
export function pactFilesFor(provider: string, options: PactDirOptions = {}): string[] {
  const dir = resolvePactDir(options);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith(`-${provider}.json`))
    .sort()
    .map((file) => join(dir, file));
}
