#!/usr/bin/env node
// Prints the line CI reads, from vitest's JSON report: `N passed, N failed, N skipped` (skipped = skipped + todo).
// A missing or unreadable report prints `0 passed, 1 failed, 0 skipped`. A run that failed without a failed test
// (a test file that does not load, no test files) counts its failed files, at least 1, so it never reads "0 failed".
// Usage: node scripts/vitest-summary.mjs [.vitest-report.json]. Exit 1 when something failed.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.vitest-report.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}
const count = (key) => (Number.isFinite(report[key]) ? report[key] : 0);
const passed = count('numPassedTests');
let failed = count('numFailedTests');
const skipped = count('numPendingTests') + count('numTodoTests');
if (report.success === false && failed === 0) failed = Math.max(1, count('numFailedTestSuites'));
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
