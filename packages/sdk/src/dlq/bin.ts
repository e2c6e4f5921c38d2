#!/usr/bin/env node
/** The `humangov-dlq` executable of @humangov/sdk (see `dlqUsage`); `humangov dlq` of @humangov/cli runs it. */
import { runDlqCommand } from './command.js';

const line = (text: string): string => (text.endsWith('\n') ? text : `${text}\n`);

runDlqCommand(process.argv.slice(2), {
  out: (text) => process.stdout.write(line(text)),
  err: (text) => process.stderr.write(line(text)),
  env: process.env,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(line(`humangov-dlq: ${error instanceof Error ? error.message : String(error)}`));
    process.exitCode = 1;
  },
);
