import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { Io } from '../src/io.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const conformance = join(repoRoot, 'conformance');
export const specs = join(repoRoot, 'specs');

/** A scratch folder inside the package, so generated code resolves `ajv-formats` from its node_modules. */
export function scratch(prefix: string): string {
  const base = join(repoRoot, 'packages/cli/.tmp');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `${prefix}-`));
}

/** Writes files (name -> content) into a folder. */
export function writeAll(dir: string, files: ReadonlyMap<string, string>): void {
  for (const [name, content] of files) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
}

/** Type-checks every .ts file in a folder under strict NodeNext; returns the messages (empty when it compiles). */
export function compile(dir: string, files: readonly string[]): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    verbatimModuleSyntax: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: true,
    types: [],
  };
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const program = ts.createProgram(
    files.map((f) => join(dir, f)),
    options,
  );
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

/** An Io that records what a command prints. */
export function recordingIo(cwd: string): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { cwd, stdout, stderr, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t) };
}
