import { UsageError } from './args.js';
import { catalogCommand, catalogHelp } from './commands/catalog.js';
import { contractsCommand, contractsHelp } from './commands/contracts.js';
import { diffCommand, diffHelp } from './commands/diff.js';
import { dlqCommand, dlqHelp } from './commands/dlq.js';
import { docsCommand, docsHelp } from './commands/docs.js';
import { generateCommand, generateHelp } from './commands/generate.js';
import { lintCommand, lintHelp } from './commands/lint.js';
import type { Io } from './io.js';

// `ownHelp`: the command answers --help itself (dlq hands it to the sdk's humangov-dlq).
const commands: Record<
  string,
  { run: (argv: readonly string[], io: Io) => Promise<number>; help: string; ownHelp?: boolean }
> = {
  generate: { run: generateCommand, help: generateHelp },
  lint: { run: lintCommand, help: lintHelp },
  catalog: { run: catalogCommand, help: catalogHelp },
  diff: { run: diffCommand, help: diffHelp },
  dlq: { run: dlqCommand, help: dlqHelp, ownHelp: true },
  contracts: { run: contractsCommand, help: contractsHelp },
  docs: { run: docsCommand, help: docsHelp },
};

export const mainHelp = `humangov: contract-first tooling for HumanGov event-driven services

Usage: humangov <command> [options]

Commands:
  generate   generate types, validators and the event catalog from AsyncAPI/OpenAPI specs
  lint       check specs: parser diagnostics plus HumanGov rules
  catalog    print the event catalog (event, version, channel, producers, consumers)
  diff       breaking changes between two spec revisions (BACKWARD/FORWARD/FULL); --base REF for CI
  dlq        list, show and replay a consumer group's dead letters (runs humangov-dlq of @humangov/sdk)
  contracts  verify: check every pact in pacts/ against the provider's AsyncAPI/OpenAPI spec
  docs       write a static HTML site from the specs (schemas, PII, bindings, version diffs, flow diagram)

Run \`humangov <command> --help\` for a command's options.`;

/** Runs the CLI; returns the exit code. Usage mistakes print help-like guidance, never a stack trace. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(mainHelp);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(mainHelp);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    io.err(`humangov: unknown command "${name}"\n\n${mainHelp}`);
    return 2;
  }
  if (!command.ownHelp && (rest.includes('--help') || rest.includes('-h'))) {
    io.out(command.help);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`humangov ${name}: ${error.message}\n\n${command.help}`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`humangov ${name}: internal error: ${message}\nPlease report this with the spec that caused it.`);
    return 1;
  }
}
