#!/usr/bin/env node
import { processIo } from './io.js';
import { main } from './main.js';

main(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`humangov: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
