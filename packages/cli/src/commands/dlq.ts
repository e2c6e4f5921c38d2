/**
 * `humangov dlq ...`: runs the `humangov-dlq` executable of the @humangov/sdk installed in the user's project, with
 * the same arguments and the terminal handed over (stdio inherited). The cli never imports the sdk (DESIGN.md:
 * `cli -> events, testing` only); the sdk owns the transports and the dead-letter tooling, and its version is the
 * one the project's services run. docs/decisions/0005-dlq-command.md says why.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { Io } from '../io.js';

/** Looked up at run time from the project, never imported. */
const SDK = '@humangov/sdk';
const BIN = 'humangov-dlq';

export const dlqHelp = `humangov dlq list|show|replay [options]

Inspects a consumer group's dead-letter queue and replays dead letters to their original channel.
Runs the ${BIN} command of the ${SDK} installed in the current project with the same arguments;
\`humangov dlq --help\` prints its options (--transport kafka|rabbitmq, --brokers/--url, --group...).`;

/** Where the project's sdk keeps its `humangov-dlq`, or what to tell the user when there is none. */
export function findDlqBin(cwd: string): { readonly path: string } | { readonly error: string } {
  let manifest: string;
  try {
    manifest = createRequire(join(resolve(cwd), 'package.json')).resolve(`${SDK}/package.json`);
  } catch {
    return {
      error: `humangov dlq: ${SDK} is not installed in ${resolve(cwd)}; the dlq command is part of it. Install it in your project (npm install ${SDK}) and run this again there.`,
    };
  }
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string; bin?: Record<string, string> | string };
  const bin = typeof pkg.bin === 'object' ? pkg.bin[BIN] : undefined;
  if (bin === undefined) {
    return {
      error: `humangov dlq: ${SDK} ${pkg.version ?? ''} in ${dirname(manifest)} has no ${BIN} command: upgrade it (npm install ${SDK}@latest).`,
    };
  }
  return { path: join(dirname(manifest), bin) };
}

/** Runs the sdk's `humangov-dlq` with `argv`; resolves with its exit status. */
export function dlqCommand(argv: readonly string[], io: Io): Promise<number> {
  const found = findDlqBin(io.cwd);
  if ('error' in found) {
    io.err(found.error);
    return Promise.resolve(1);
  }
  return new Promise((done) => {
    const child = spawn(process.execPath, [found.path, ...argv], { cwd: io.cwd, stdio: 'inherit' });
    child.once('error', (error) => {
      io.err(`humangov dlq: cannot run ${found.path}: ${error.message}`);
      done(1);
    });
    child.once('exit', (code) => done(code ?? 1));
  });
}
