import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { hostileShop, warehouse } from './docs-fixtures.js';
import { writeSpec } from './fixtures.js';
import { recordingIo, repoRoot, scratch } from './helpers.js';

describe('humangov docs (command)', () => {
  it('writes the site from humangov.config.json and says where to open it; a rerun gives the same bytes', async () => {
    const out = scratch('docs-out');
    const io = recordingIo(repoRoot);
    expect(await main(['docs', '--out', out], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(
      /docs: \d+ pages in .* \(\d+ services, \d+ event types, 2 HTTP APIs\); open .*index\.html/,
    );
    const before = new Map(readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]));
    expect(before.has('index.html')).toBe(true);
    expect(await main(['docs', '--out', out], recordingIo(repoRoot))).toBe(0);
    for (const [f, html] of before) expect(readFileSync(join(out, f), 'utf8'), f).toBe(html);
  });

  it('removes pages an earlier run wrote that the specs no longer produce, and leaves other files alone', async () => {
    const out = scratch('docs-stale');
    const dir = scratch('docs-stale-specs');
    writeSpec(dir, 'shop.asyncapi.yaml', hostileShop);
    writeSpec(dir, 'warehouse.asyncapi.yaml', warehouse);
    expect(await main(['docs', '--asyncapi', dir, '--out', out], recordingIo(repoRoot))).toBe(0);
    writeFileSync(join(out, 'notes.html'), '<p>mine</p>');
    writeSpec(dir, 'warehouse.asyncapi.yaml', warehouse.replace('warehouse', 'depot'));
    const io = recordingIo(repoRoot);
    expect(await main(['docs', '--asyncapi', dir, '--out', out], io)).toBe(0);
    expect(io.stdout.join('\n')).toContain('1 stale pages removed');
    expect(existsSync(join(out, 'service-warehouse.html'))).toBe(false);
    expect(existsSync(join(out, 'service-depot.html'))).toBe(true);
    expect(readFileSync(join(out, 'notes.html'), 'utf8')).toBe('<p>mine</p>');
  });

  it('without --out says what to add, exit 2', async () => {
    const io = recordingIo(repoRoot);
    expect(await main(['docs'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('humangov docs: --out DIR is required');
  });

  it('a broken spec prints file:line diagnostics and writes nothing, exit 1', async () => {
    const dir = scratch('docs-broken');
    writeSpec(
      dir,
      'shop.asyncapi.yaml',
      hostileShop.replace("$ref: '#/components/schemas/OrderPlacedV2'", "$ref: '#/components/schemas/Nope'"),
    );
    const out = join(dir, 'site');
    const io = recordingIo(dir);
    expect(await main(['docs', '--asyncapi', '.', '--out', 'site'], io)).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/shop\.asyncapi\.yaml:\d+:\d+ error ref-broken .*Nope/);
    expect(io.stderr.join('\n')).toContain('nothing was written');
    expect(existsSync(out)).toBe(false);
  });
});
