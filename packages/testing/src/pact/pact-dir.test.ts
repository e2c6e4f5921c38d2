import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isPactError } from '../errors.js';
import { pactFilesFor, resolvePactDir } from './pact-dir.js';

function ancestors(dir: string): string[] {
  return dirname(dir) === dir ? [dir] : [dir, ...ancestors(dirname(dir))];
}

function tree() {
  const root = mkdtempSync(join(tmpdir(), 'humangov-pact-dir-'));
  writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages: []\n');
  const pkg = join(root, 'packages', 'a', 'src');
  mkdirSync(pkg, { recursive: true });
  return { root, pkg };
}

describe('resolvePactDir', () => {
  it('finds pacts/ at the workspace root from deep inside a package', () => {
    const { root, pkg } = tree();
    expect(resolvePactDir({ from: pkg, env: {} })).toBe(join(root, 'pacts'));
  });

  it('lets HUMANGOV_PACT_DIR move it, and an explicit dir win over both', () => {
    const { root, pkg } = tree();
    expect(resolvePactDir({ from: root, env: { HUMANGOV_PACT_DIR: 'out/pacts' } })).toBe(join(root, 'out/pacts'));
    expect(resolvePactDir({ from: pkg, dir: '/tmp/x', env: { HUMANGOV_PACT_DIR: 'y' } })).toBe('/tmp/x');
  });

  const lone = mkdtempSync(join(tmpdir(), 'humangov-pact-lone-'));
  const markerAboveTmp = ancestors(lone).some(
    (d) => existsSync(join(d, '.git')) || existsSync(join(d, 'pnpm-workspace.yaml')),
  );

  it.skipIf(markerAboveTmp)('says how to fix it when there is no repository root', () => {
    let caught: unknown;
    try {
      resolvePactDir({ from: lone, env: {} });
    } catch (error) {
      caught = error;
    }
    expect(isPactError(caught, 'HUMANGOV_PACT_OPTIONS_INVALID')).toBe(true);
    expect((caught as Error).message).toMatch(/set HUMANGOV_PACT_DIR/);
  });

  it('is pacts/ at the root of this repository by default', () => {
    const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
    expect(resolvePactDir({ env: {} })).toBe(join(repoRoot, 'pacts'));
  });
});

describe('pactFilesFor', () => {
  it('lists the files whose provider is the given one, none when the folder is missing', () => {
    const { root, pkg } = tree();
    expect(pactFilesFor('benefits', { from: pkg })).toEqual([]);
    mkdirSync(join(root, 'pacts'));
    for (const f of ['payments-benefits.json', 'audit-benefits.json', 'benefits-payments.json', 'notes.txt']) {
      writeFileSync(join(root, 'pacts', f), '{}');
    }
    expect(pactFilesFor('benefits', { from: pkg })).toEqual([
      join(root, 'pacts', 'audit-benefits.json'),
      join(root, 'pacts', 'payments-benefits.json'),
    ]);
  });
});
