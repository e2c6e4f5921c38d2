// The import-direction rules of DESIGN.md ("Allowed imports"), as pure functions plus one file-system walk.
// Used by scripts/check-imports.mjs (CLI) and scripts/check-imports.test.mjs (node --test).
//
//   sdk -> events, resilience; testing -> sdk, events, resilience; cli -> events, testing (build tools only);
//   examples -> all; events and resilience import no sibling; nothing but tests and examples imports testing.
//
// `cli -> testing` is the one non-test, non-example edge into @humangov/testing that DESIGN.md allows: the cli is
// a build/CI tool (`humangov contracts verify` drives the Pact helpers), never a runtime dependency of a service.
// Test files (`*.test.ts`, anything under a package's `test/`) may import what their package may import, plus
// @humangov/testing. A package may always import itself (`@humangov/sdk` from sdk's own tests).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const TESTING = '@humangov/testing';

/** package name -> the workspace packages it may import (from src; DESIGN.md "Allowed imports"). */
export const ALLOWED = Object.freeze({
  '@humangov/events': Object.freeze([]),
  '@humangov/resilience': Object.freeze([]),
  '@humangov/sdk': Object.freeze(['@humangov/events', '@humangov/resilience']),
  '@humangov/testing': Object.freeze(['@humangov/sdk', '@humangov/events', '@humangov/resilience']),
  '@humangov/cli': Object.freeze(['@humangov/events', '@humangov/testing']),
});

const SCOPE = '@humangov/';
const SOURCE_DIRS = ['src', 'test'];
const SOURCE_EXT = /\.(?:[cm]?ts|tsx|[cm]?js|jsx)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', '.tmp', 'coverage']);
const DEP_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'];

/** `@humangov/sdk/transports/kafka` -> `@humangov/sdk`; anything outside the scope -> undefined. */
export function workspacePackageOf(specifier) {
  if (!specifier.startsWith(SCOPE)) return undefined;
  const name = specifier.slice(SCOPE.length).split('/')[0];
  return name ? SCOPE + name : undefined;
}

/** A test file: `*.test.*` / `*.spec.*`, or any file under the package's `test/` folder. */
export function isTestFile(relToPackage) {
  const posix = relToPackage.split(path.sep).join('/');
  return posix.startsWith('test/') || /\.(?:test|spec)\.[cm]?[jt]sx?$/.test(posix);
}

/** Module specifiers of one source text, with 1-based line numbers (TypeScript's own pre-processor: imports,
 * `export ... from`, side-effect imports, `import()`, `require()`, `import x = require()`; not comments/strings). */
export function specifiersOf(source) {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  return importedFiles.map(({ fileName, pos }) => ({ specifier: fileName, line: lineAt(source, pos) }));
}

function lineAt(text, pos) {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function describeAllowed(unit) {
  if (unit.kind === 'example') return `${unit.name} -> all`;
  const allowed = ALLOWED[unit.name];
  if (!allowed) return `${unit.name} has no rule: add one to scripts/lib/import-rules.mjs and DESIGN.md`;
  return `${unit.name} -> ${allowed.length ? allowed.join(', ') : 'no sibling'}`;
}

/** Whether `unit` (a package or example) may import workspace package `target` from a test file or not. */
export function mayImport(unit, target, { test = false } = {}) {
  if (unit.kind === 'example') return true;
  if (target === unit.name) return true;
  if (test && target === TESTING) return true;
  return (ALLOWED[unit.name] ?? []).includes(target);
}

function importViolation(unit, target, { test }) {
  let why = `DESIGN.md: allowed ${describeAllowed(unit)}`;
  if (target === TESTING) why += `; only tests and examples import ${TESTING}`;
  else if (test) why += `, and tests also ${TESTING}`;
  return `package ${unit.name} may not import ${target} (${why})`;
}

/**
 * Check one source file. `unit` is `{ name, kind: 'package' | 'example', dir }` (dir absolute), `file` the absolute
 * path of the file, `units` every workspace unit (to name the package a relative import lands in).
 * Returns `{ file, line, message }[]` with `file` as given.
 */
export function checkSource({ unit, file, source, units = [] }) {
  const test = isTestFile(path.relative(unit.dir, file));
  const violations = [];
  for (const { specifier, line } of specifiersOf(source)) {
    const target = workspacePackageOf(specifier);
    if (target) {
      if (!mayImport(unit, target, { test }))
        violations.push({ file, line, message: importViolation(unit, target, { test }) });
      continue;
    }
    if (!specifier.startsWith('.')) continue;
    const resolved = path.resolve(path.dirname(file), specifier);
    const rel = path.relative(unit.dir, resolved);
    if (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel)) continue;
    const other = units.find((u) => u !== unit && (resolved === u.dir || resolved.startsWith(u.dir + path.sep)));
    const message = other
      ? `package ${unit.name} may not import ${other.name} through a relative path '${specifier}' (import '${other.name}' by name; DESIGN.md: allowed ${describeAllowed(unit)})`
      : `package ${unit.name} may not import '${specifier}': the relative path leaves the package folder`;
    violations.push({ file, line, message });
  }
  return violations;
}

/** Check a package.json: workspace dependencies must follow the same arrows (devDependencies may add testing). */
export function checkManifest({ unit, file, text }) {
  const manifest = JSON.parse(text);
  const violations = [];
  for (const field of DEP_FIELDS) {
    for (const dep of Object.keys(manifest[field] ?? {})) {
      const target = workspacePackageOf(dep);
      if (!target || target !== dep) continue;
      const test = field === 'devDependencies';
      if (mayImport(unit, target, { test })) continue;
      const line = lineOfKey(text, field, dep);
      const why = importViolation(unit, target, { test }).replace(/^package \S+ may not import \S+ /, '');
      violations.push({ file, line, message: `package ${unit.name} may not depend on ${target} in ${field} ${why}` });
    }
  }
  return violations;
}

function lineOfKey(text, field, key) {
  const start = text.indexOf(`"${field}"`);
  const at = text.indexOf(`"${key}"`, Math.max(start, 0));
  return lineAt(text, at >= 0 ? at : Math.max(start, 0));
}

/** The workspace units under `root`: packages/* and examples/* folders that have a package.json. */
export function findUnits(root) {
  const units = [];
  for (const [folder, kind] of [
    ['packages', 'package'],
    ['examples', 'example'],
  ]) {
    const base = path.join(root, folder);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base, { withFileTypes: true })) {
      const dir = path.join(base, entry.name);
      const manifest = path.join(dir, 'package.json');
      if (!entry.isDirectory() || !existsSync(manifest)) continue;
      const name = JSON.parse(readFileSync(manifest, 'utf8')).name ?? `${folder}/${entry.name}`;
      units.push({ name, kind, dir });
    }
  }
  return units;
}

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP_DIRS.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (SOURCE_EXT.test(entry.name) && !entry.name.endsWith('.d.ts')) yield full;
  }
}

/** Check the whole workspace at `root`. Returns violations with repo-relative `file`s, sorted. */
export function checkRepo(root) {
  const units = findUnits(root);
  const violations = [];
  for (const unit of units) {
    const manifest = path.join(unit.dir, 'package.json');
    violations.push(...checkManifest({ unit, file: manifest, text: readFileSync(manifest, 'utf8') }));
    if (unit.kind === 'package' && !ALLOWED[unit.name]) {
      violations.push({
        file: manifest,
        line: 1,
        message: `package ${unit.name} has no import rule (${describeAllowed(unit)})`,
      });
    }
    for (const sub of SOURCE_DIRS) {
      const dir = path.join(unit.dir, sub);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
      for (const file of walk(dir)) {
        violations.push(...checkSource({ unit, file, source: readFileSync(file, 'utf8'), units }));
      }
    }
  }
  return violations
    .map((v) => ({ ...v, file: path.relative(root, v.file).split(path.sep).join('/') }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

export function formatViolation({ file, line, message }) {
  return `${file}:${line}: ${message}`;
}
