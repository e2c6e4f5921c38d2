/**
 * `humangov diff` on documents written by others (conformance/): each against itself finds no change, and a
 * mutated copy finds exactly the break that was made.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { diffFiles } from '../src/diff/run-diff.js';
import { edit } from './fixtures.js';
import { conformance, repoRoot, scratch } from './helpers.js';

const asyncDir = join(conformance, 'asyncapi/3.0');
const asyncDocs = readdirSync(asyncDir)
  .filter((f) => f.endsWith('.yml'))
  .sort()
  .map((f) => join(asyncDir, f));
const openDocs = ['3.0', '3.1', 'real-world'].flatMap((d) =>
  readdirSync(join(conformance, 'openapi', d))
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .map((f) => join(conformance, 'openapi', d, f)),
);
const read = (file: string) =>
  parse(readFileSync(file, 'utf8')) as Record<string, Record<string, Record<string, unknown>>>;
const dir = scratch('diff-conformance');

describe('humangov diff on the conformance documents', () => {
  it.each([...asyncDocs, ...openDocs].map((f) => [basename(f), f]))('%s against itself: no change', (_, file) => {
    const report = diffFiles(file, file, { cwd: repoRoot });
    expect(report.changes).toEqual([]);
    expect(report.failed).toBe(false);
  });

  const withAddress = asyncDocs.filter((f) =>
    Object.values(read(f).channels ?? {}).some((c) => typeof (c as { address?: unknown }).address === 'string'),
  );
  it.each(withAddress.map((f) => [basename(f), f]))(
    '%s with a channel address changed: a break in every mode',
    (name, file) => {
      const doc = read(file);
      const [key, channel] = Object.entries(doc.channels!).find(
        ([, c]) => typeof (c as { address?: unknown }).address === 'string',
      )!;
      (channel as { address: string }).address += '.moved';
      const mutated = join(dir, `address-${name}.json`);
      writeFileSync(mutated, JSON.stringify(doc));
      for (const mode of ['BACKWARD', 'FORWARD', 'FULL'] as const) {
        const report = diffFiles(file, mutated, { cwd: repoRoot, mode });
        expect(report.changes).toEqual([
          expect.objectContaining({ rule: 'channel-address-changed', subject: `channel ${key}` }),
        ]);
        expect(report.failed).toBe(true);
      }
    },
  );

  it.each(openDocs.map((f) => [basename(f), f]))(
    '%s with its first operation removed: a break in every mode',
    (name, file) => {
      const doc = read(file);
      const [path, item] = Object.entries(doc.paths ?? doc.webhooks ?? {})[0] ?? [];
      const method = Object.keys(item ?? {}).find((k) => ['get', 'put', 'post', 'delete', 'patch'].includes(k));
      if (!doc.paths || !path || !method) return expect(doc.webhooks).toBeDefined(); // webhook-example has no paths
      delete doc.paths[path]![method];
      const mutated = join(dir, `op-${name}.json`);
      writeFileSync(mutated, JSON.stringify(doc));
      const report = diffFiles(file, mutated, { cwd: repoRoot, mode: 'FULL' });
      expect(report.changes).toEqual([
        expect.objectContaining({
          rule: 'operation-removed',
          subject: `${method.toUpperCase()} ${path}`,
          breaking: true,
        }),
      ]);
    },
  );

  it('streetlights-kafka: lumens minimum raised is a BACKWARD break at payload.lumens, compatible FORWARD', () => {
    const file = join(asyncDir, 'streetlights-kafka-asyncapi.yml');
    const mutated = join(dir, 'streetlights-min.yml');
    writeFileSync(mutated, edit(readFileSync(file, 'utf8'), '          minimum: 0\n', '          minimum: 10\n'));
    const backward = diffFiles(file, mutated, { cwd: repoRoot });
    expect(backward.changes).toEqual([
      expect.objectContaining({ rule: 'minimum-tightened', path: 'payload.lumens', breaking: true }),
    ]);
    expect(backward.failed).toBe(true);
    expect(diffFiles(file, mutated, { cwd: repoRoot, mode: 'FORWARD' }).failed).toBe(false);
  });

  it('petstore-expanded: a request field made required breaks existing clients (BACKWARD)', () => {
    const file = join(conformance, 'openapi/3.0/petstore-expanded.yaml');
    const mutated = join(dir, 'petstore-required.yaml');
    writeFileSync(
      mutated,
      edit(
        readFileSync(file, 'utf8'),
        '      required:\n        - name\n      properties:\n        name:\n          type: string\n        tag:',
        '      required:\n        - name\n        - tag\n      properties:\n        name:\n          type: string\n        tag:',
      ),
    );
    const report = diffFiles(file, mutated, { cwd: repoRoot });
    expect(report.changes).toContainEqual(
      expect.objectContaining({
        rule: 'required-added',
        subject: 'POST /pets',
        path: 'requestBody.body.tag',
        breaking: true,
      }),
    );
    expect(report.failed).toBe(true);
  });
});
