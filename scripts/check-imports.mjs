#!/usr/bin/env node
// Import-direction check of DESIGN.md ("Allowed imports"); the rules live in scripts/lib/import-rules.mjs.
// Usage: node scripts/check-imports.mjs [repo-root]   (default: this repository). Exit 1 on a violation.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkRepo, formatViolation } from './lib/import-rules.mjs';

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
const violations = checkRepo(root);
for (const v of violations) console.error(formatViolation(v));
if (violations.length > 0) {
  console.error(`check-imports: ${violations.length} import rule violation(s) (DESIGN.md "Allowed imports")`);
  process.exit(1);
}
console.log('check-imports: ok');
