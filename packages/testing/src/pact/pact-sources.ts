import { existsSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { PactOptionsError } from '../errors.js';
import { resolvePactDir } from './pact-dir.js';

/** Where a provider verification reads pacts from. */
export interface PactSourceOptions {
  readonly provider: string;
  /** @default every pact in `pactDir` (the verifier keeps those naming `provider`) */
  readonly pactFiles?: readonly string[];
  /** @default `$HUMANGOV_PACT_DIR`, else `pacts/` at the repository root */
  readonly pactDir?: string;
}

/**
 * The pact files or folder to hand the verifier, checked to exist, so that a provider test run before any
 * consumer test says so instead of verifying nothing. Throws `PactOptionsError`.
 */
export function pactSources(options: PactSourceOptions): string[] {
  if (typeof options.provider !== 'string' || options.provider.trim() === '') {
    throw new PactOptionsError({ option: 'provider', message: "provider must be the service's name, e.g. 'benefits'" });
  }
  if (options.pactFiles !== undefined) {
    if (options.pactFiles.length === 0) {
      throw new PactOptionsError({ option: 'pactFiles', message: 'pactFiles is empty: list pact files, or omit it' });
    }
    const files = options.pactFiles.map((file) => resolve(file));
    const absent = files.find((file) => !existsSync(file));
    if (absent) {
      throw new PactOptionsError({ option: 'pactFiles', message: `no pact file at ${absent}` });
    }
    return files;
  }
  const dir = resolvePactDir({ ...(options.pactDir !== undefined && { dir: options.pactDir }) });
  const hasPacts =
    existsSync(dir) && statSync(dir).isDirectory() && readdirSync(dir).some((name) => name.endsWith('.json'));
  if (!hasPacts) {
    throw new PactOptionsError({
      option: 'pactDir',
      message:
        `no pact files in ${dir} to verify provider '${options.provider}' against: run the consumers' pact tests ` +
        'first (they write the pacts there), or pass pactDir / pactFiles',
    });
  }
  return [dir];
}
