/**
 * `verify-cli`: verifies an audit log's hash chain from its database and reports the first broken link.
 *
 *   pnpm --filter @humangov-examples/audit exec tsx src/verify-cli.ts --db data/audit.db
 *   pnpm --filter @humangov-examples/audit exec tsx src/verify-cli.ts --postgres postgres://... --prefix demo_audit_
 *
 * Read-only unless `--publish`, which also writes `audit.chain-verified` to the audit service's outbox (its relay
 * publishes it). Exit codes: 0 intact, 1 broken, 2 usage or database error.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { EventMap } from '@humangov/events';
import { createOutbox } from '@humangov/sdk';
import { type DatabaseConfig, openDatabase, type Tx } from '@humangov-examples/kit';
import { type ChainVerification, verifyChain } from './chain.js';
import { UsageError } from './errors.js';
import { AUDIT_SOURCE, verifyAndRecord } from './service.js';

const USAGE =
  'usage: verify-cli (--db <sqlite file> | --postgres <url> --prefix <table prefix>) [--publish]\n' +
  '  verifies the audit hash chain; exit 0 intact, 1 broken, 2 usage or database error';

export interface CliOptions {
  readonly database: DatabaseConfig;
  readonly publish: boolean;
}

/** Parses the arguments (without `node` and the script). Throws `UsageError`. */
export function parseArgs(args: readonly string[]): CliOptions {
  const values = new Map<string, string>();
  let publish = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--publish') publish = true;
    else if (arg === '--db' || arg === '--postgres' || arg === '--prefix') {
      const value = args[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      values.set(arg, value);
    } else if (arg === '--help' || arg === '-h') throw new UsageError('');
    else throw new UsageError(`unknown argument '${arg}'`);
  }
  const file = values.get('--db');
  const url = values.get('--postgres');
  if ((file === undefined) === (url === undefined)) throw new UsageError('give exactly one of --db or --postgres');
  if (file !== undefined) {
    if (!existsSync(file)) throw new UsageError(`no database file at ${file}`);
    return { database: { kind: 'sqlite', file }, publish };
  }
  const prefix = values.get('--prefix');
  if (prefix === undefined) throw new UsageError("--postgres needs --prefix (the audit service's table prefix)");
  if (!/^[a-z_][a-z0-9_]*$/i.test(prefix)) throw new UsageError('--prefix may hold letters, digits and _ only');
  return { database: { kind: 'postgres', url: url!, prefix }, publish };
}

/** One line (or two) a person reads. */
export function describe(result: ChainVerification): string {
  if (result.ok) return `audit chain intact: ${result.records} records verified, head ${result.headHash}`;
  const link = result.firstBroken!;
  return (
    `audit chain BROKEN at record ${link.seq} (records 0..${link.seq - 1} verified)\n` +
    `  expected ${link.expected}\n  found    ${link.actual}`
  );
}

/** Runs the command; resolves with the exit code. */
export async function main(args: readonly string[], out = console.log, err = console.error): Promise<number> {
  let options: CliOptions;
  try {
    options = parseArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(error.message ? `${error.message}\n${USAGE}` : USAGE);
    return 2;
  }
  let db: Awaited<ReturnType<typeof openDatabase>> | undefined;
  try {
    db = await openDatabase(options.database);
    const result = options.publish
      ? await verifyAndRecord(db, createOutbox<EventMap, Tx>({ store: db.outbox, source: AUDIT_SOURCE }))
      : await verifyChain(db.records);
    out(describe(result));
    return result.ok ? 0 : 1;
  } catch (error) {
    err(`could not read the audit log: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  } finally {
    await db?.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
