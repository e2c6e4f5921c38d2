#!/usr/bin/env node
// Prints the line CI reads, from vitest's JSON report: `N passed, N failed, N skipped` (skipped = skipped + todo).
// A missing or unreadable report prints `0 passed, 1 failed, 0 skipped`. A run that failed without a failed test
// (a test file that does not load, no test files) counts its failed files, at least 1, so it never reads "0 failed".
// Several reports (one per vitest run: the main tier and the fault tier) are added up.
// Usage: node scripts/vitest-summary.mjs [REPORT.json ...]. Exit 1 when something failed.
import { readFileSync } from 'node:fs';

const files = process.argv.length > 2 ? process.argv.slice(2) : ['.vitest-report.json'];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of files) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    failed += 1;
    continue;
  }
  const count = (key) => (Number.isFinite(report[key]) ? report[key] : 0);
  passed += count('numPassedTests');
  skipped += count('numPendingTests') + count('numTodoTests');
  const failedTests = count('numFailedTests');
  failed += report.success === false && failedTests === 0 ? Math.max(1, count('numFailedTestSuites')) : failedTests;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
