import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The READMEs' ```ts samples must compile against the packages as users import them. Each sample is written into
// the package it documents (root README: @humangov/testing, which depends on every library), so `@humangov/<name>` resolves by package self-reference
// to the sources (the `@humangov/source` condition) and `tsc` checks it under the repository's strict settings.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const readmes: [readme: string, packageDir: string][] = [
  ['README.md', 'packages/testing'],
  ...['events', 'cli', 'sdk', 'testing'].map((p): [string, string] => [`packages/${p}/README.md`, `packages/${p}`]),
  // Its samples wire the stores to @humangov/sdk, which depends on @humangov/resilience (not the reverse).
  ['packages/resilience/README.md', 'packages/sdk'],
];

function samples(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

function compile(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    verbatimModuleSyntax: true,
    skipLibCheck: true,
    customConditions: ['@humangov/source'],
    types: ['node'],
    typeRoots: [join(root, 'node_modules/@types')],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    return `${d.file?.fileName ?? ''}:${where ? where.line + 1 : 0}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('README samples', () => {
  it.each(readmes)('%s: every ```ts sample compiles', (readme, packageDir) => {
    const found = samples(readme);
    expect(found.length, `${readme} opens with a usage sample`).toBeGreaterThan(0);
    const dir = join(root, packageDir, '.tmp', `readme-${readme.replace(/[^a-z]+/gi, '-')}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const files = found.map((code, i) => {
      const file = join(dir, `sample-${i + 1}.ts`);
      writeFileSync(file, `${code}\nexport {};\n`);
      return file;
    });
    expect(compile(files)).toEqual([]);
  });

  it('a sample that misuses the API fails to compile (the check is real)', () => {
    const dir = join(root, 'packages/events/.tmp/readme-negative');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'wrong.ts');
    writeFileSync(file, "import { createEvent } from '@humangov/events';\ncreateEvent('citizen.registred', {}, {});\n");
    expect(compile([file]).join('\n')).toMatch(/citizen\.registred/);
  });
});
