#!/usr/bin/env node
// Packaging checks for every publishable package in packages/* (package.json without `"private": true`):
//   publint --strict     exports/main/types/files point at files that are in the packed tarball, conditions order
//   attw --pack --profile node16
//                        the types that TypeScript resolves match the JavaScript for ESM and CJS consumers
// Needs built packages (scripts/bootstrap.sh builds them). Outside CI (CI unset) a package whose dist/ is missing is
// skipped with a warning, so the check works while a package is being written; in CI that is an error.
//
// Why `--profile node16` for attw: the default (strict) profile also resolves as TypeScript's `node10`
// (`moduleResolution: node`), which ignores `exports`, so every subpath export (`@humangov/testing/pact`) fails there
// ("Resolution failed") unless each package adds a `typesVersions` map or stub folders. Our packages require
// Node >= 20.19 (engines) and ship `exports`; consumers on `moduleResolution: node10` are deprecated by TypeScript
// and can't load our subpaths at run time either. node16 still checks node16-from-CJS, node16-from-ESM and bundler.
//
// The custom export condition `@humangov/source` -> ./src/index.ts stays (vitest and tsc resolve workspace
// packages to their sources through it). It is valid for both tools because `src` is in `files`, so the path
// exists in the tarball; consumers never set that condition, so they get `import`/`require` -> dist.
//
// Usage: node scripts/check-packages.mjs [package-dir ...]   (default: every packages/* folder). Exit 1 on errors.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ci = Boolean(process.env.CI) && !['0', 'false'].includes(process.env.CI.toLowerCase());
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };

function run(command, args, cwd) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('error', (error) => resolve({ code: 127, output: `${output}${error.message}\n` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

async function checkPackage(dir) {
  const rel = path.relative(root, dir) || '.';
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const name = manifest.name ?? rel;
  if (manifest.private) return { name, status: 'private' };
  if (!existsSync(path.join(dir, 'dist'))) {
    const message = `${rel}/dist is missing: build it first (bash scripts/bootstrap.sh, or pnpm --filter ${name} run build)`;
    return ci ? { name, status: 'failed', output: `${message}\n` } : { name, status: 'skipped', output: message };
  }
  const failures = [];
  const publint = await run(bin('publint'), ['run', dir, '--strict'], dir);
  if (publint.code !== 0) failures.push(`--- publint ${rel} --strict (exit ${publint.code})\n${publint.output}`);
  const attw = await run(bin('attw'), ['--pack', dir, '--profile', 'node16', '--format', 'ascii', '--no-emoji'], dir);
  if (attw.code !== 0) failures.push(`--- attw --pack ${rel} --profile node16 (exit ${attw.code})\n${attw.output}`);
  return failures.length ? { name, status: 'failed', output: failures.join('\n') } : { name, status: 'ok' };
}

for (const tool of ['publint', 'attw']) {
  if (!existsSync(bin(tool))) {
    console.error(`check-packages: ${bin(tool)} is missing: run bash scripts/bootstrap.sh (pnpm install) first`);
    process.exit(1);
  }
}

const dirs =
  process.argv.length > 2
    ? process.argv.slice(2).map((d) => path.resolve(d))
    : readdirSync(path.join(root, 'packages'), { withFileTypes: true })
        .filter((e) => e.isDirectory() && existsSync(path.join(root, 'packages', e.name, 'package.json')))
        .map((e) => path.join(root, 'packages', e.name));

const results = await Promise.all(dirs.map(checkPackage));
let failed = 0;
for (const r of results) {
  if (r.status === 'ok') console.log(`check-packages: ${r.name} ok (publint --strict, attw --profile node16)`);
  else if (r.status === 'private') console.log(`check-packages: ${r.name} is private: not checked`);
  else if (r.status === 'skipped')
    console.warn(`check-packages: WARNING: skipped ${r.name}: ${r.output} (an error in CI)`);
  else {
    failed++;
    console.error(`check-packages: FAILED ${r.name}\n${r.output.trimEnd()}`);
  }
}
if (failed) {
  console.error(`check-packages: ${failed} package(s) failed the packaging checks`);
  process.exit(1);
}
