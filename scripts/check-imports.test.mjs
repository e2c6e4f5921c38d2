// Tests of the import-direction check: `node --test scripts/` (run by scripts/test.sh; not a vitest project).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkRepo, isTestFile, specifiersOf } from './lib/import-rules.mjs';

const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), 'check-imports.mjs');
const tmp = mkdtempSync(path.join(tmpdir(), 'humangov-imports-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** A throwaway workspace: `files` maps repo-relative paths to contents; package.json files are objects. */
function workspace(files) {
  const root = path.join(tmp, String(n++));
  const all = {
    'packages/events/package.json': { name: '@humangov/events' },
    'packages/resilience/package.json': { name: '@humangov/resilience' },
    'packages/sdk/package.json': { name: '@humangov/sdk' },
    'packages/testing/package.json': { name: '@humangov/testing' },
    'packages/cli/package.json': { name: '@humangov/cli' },
    ...files,
  };
  for (const [rel, content] of Object.entries(all)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
  return root;
}

const messages = (root) => checkRepo(root).map((v) => `${v.file}:${v.line}: ${v.message}`);

describe('check-imports', () => {
  test('allows an import along an arrow (sdk -> events, resilience)', () => {
    const root = workspace({
      'packages/sdk/src/index.ts': "import { a } from '@humangov/events';\nexport * from '@humangov/resilience/sub';\n",
      'packages/sdk/package.json': { name: '@humangov/sdk', dependencies: { '@humangov/events': 'workspace:^' } },
    });
    assert.deepEqual(messages(root), []);
  });

  test('rejects a sibling import against the arrows (events -> sdk)', () => {
    const root = workspace({
      'packages/events/src/index.ts': "// header\n\nimport type { Publisher } from '@humangov/sdk';\n",
    });
    const [only, ...rest] = messages(root);
    assert.deepEqual(rest, []);
    assert.match(only, /^packages\/events\/src\/index\.ts:3: package @humangov\/events may not import @humangov\/sdk /);
    assert.match(only, /DESIGN\.md: allowed @humangov\/events -> no sibling/);
  });

  test('rejects @humangov/testing from library src (sdk), in code and in package.json dependencies', () => {
    const root = workspace({
      'packages/sdk/src/harness.ts': "export const h = await import('@humangov/testing');\n",
      'packages/sdk/package.json': { name: '@humangov/sdk', dependencies: { '@humangov/testing': 'workspace:^' } },
    });
    const found = messages(root);
    assert.equal(found.length, 2, found.join('\n'));
    assert.match(
      found[0],
      /^packages\/sdk\/package\.json:\d+: package @humangov\/sdk may not depend on @humangov\/testing/,
    );
    assert.match(
      found[1],
      /^packages\/sdk\/src\/harness\.ts:1: package @humangov\/sdk may not import @humangov\/testing /,
    );
    assert.match(found[1], /only tests and examples import @humangov\/testing/);
  });

  test('allows @humangov/testing from test files, examples and the cli', () => {
    const root = workspace({
      'packages/sdk/src/publisher.test.ts': "import { harness } from '@humangov/testing';\n",
      'packages/sdk/test/kafka.ts': "const t = require('@humangov/testing/pact');\n",
      'packages/sdk/package.json': { name: '@humangov/sdk', devDependencies: { '@humangov/testing': 'workspace:^' } },
      'packages/cli/src/contracts.ts': "import { verify } from '@humangov/testing/pact';\n",
      'examples/benefits/package.json': { name: 'benefits', private: true },
      'examples/benefits/src/main.ts': "import '@humangov/testing';\nimport '@humangov/cli';\n",
    });
    assert.deepEqual(messages(root), []);
  });

  test('rejects a relative import that leaves the package folder', () => {
    const root = workspace({
      'packages/sdk/src/deep/codec.ts':
        "import { x } from '../../../events/src/index.js';\nimport { y } from '../local.js';\n",
      'packages/resilience/src/index.ts': "export * from '../../../outside.js';\n",
    });
    const found = messages(root);
    assert.equal(found.length, 2, found.join('\n'));
    assert.match(found[0], /^packages\/resilience\/src\/index\.ts:1: .*leaves the package folder/);
    assert.match(
      found[1],
      /^packages\/sdk\/src\/deep\/codec\.ts:1: package @humangov\/sdk may not import @humangov\/events through a relative path/,
    );
  });

  test('the CLI exits 1 and prints file:line on a violation, 0 when clean', () => {
    const bad = workspace({ 'packages/resilience/src/index.ts': "import '@humangov/events';\n" });
    const failed = spawnSync(process.execPath, [cli, bad], { encoding: 'utf8' });
    assert.equal(failed.status, 1);
    assert.match(
      failed.stderr,
      /packages\/resilience\/src\/index\.ts:1: package @humangov\/resilience may not import @humangov\/events/,
    );
    const ok = spawnSync(process.execPath, [cli, workspace({})], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
  });

  test('finds specifiers but not comments or strings; classifies test files', () => {
    const src = "// import '@humangov/a'\nconst s = \"require('@humangov/b')\";\nexport { c } from '@humangov/c';\n";
    assert.deepEqual(specifiersOf(src), [{ specifier: '@humangov/c', line: 3 }]);
    assert.equal(isTestFile('src/a.test.ts'), true);
    assert.equal(isTestFile('test/helpers.ts'), true);
    assert.equal(isTestFile('src/testing.ts'), false);
  });
});
