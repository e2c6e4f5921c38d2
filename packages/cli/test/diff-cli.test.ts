/** `humangov diff` on the command line: help, usage errors (exit 2), and exit 0/1 for two files. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { writePair } from './fixtures/diff/helpers.js';
import { recordingIo, repoRoot, scratch } from './helpers.js';

const dir = scratch('diff-cli');
const [oldFile, newFile] = writePair(dir, 'cli', { type: 'string', enum: ['a'] }, { type: 'string', enum: ['a', 'b'] });

async function run(...argv: string[]) {
  const io = recordingIo(dir);
  const code = await main(['diff', ...argv], io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('humangov diff (command line)', () => {
  it('is listed in the main help, and --help explains modes, waivers and exit codes', async () => {
    const io = recordingIo(repoRoot);
    expect(await main(['--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/\n {2}diff +breaking changes between two spec revisions/);
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(
      /humangov diff --base REF[\s\S]*BACKWARD[\s\S]*FORWARD[\s\S]*FULL[\s\S]*major changeset[\s\S]*Exit: 0 no breaking change, 1 a breaking change/,
    );
  });

  it.each([
    [[], 'name two files (OLD_FILE NEW_FILE), or compare with a git revision: --base REF'],
    [['only-one.json'], 'name two files'],
    [['a.json', 'b.json'], 'file not found: a.json'],
    [['x', 'y', '--mode', 'SIDEWAYS'], '--mode must be one of BACKWARD, FORWARD, FULL (got SIDEWAYS)'],
    [['x', 'y', '--format', 'xml'], '--format must be one of text, markdown, json (got xml)'],
    [['--base', 'HEAD', 'extra.json'], '--base compares the configured specs: drop extra.json'],
    [['--frobnicate'], 'unknown option --frobnicate'],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`humangov diff: ${message}`);
  });

  it('--base outside a folder with humangov.config.json says what it needs (exit 2)', async () => {
    const r = await run('--base', 'HEAD');
    expect(r.code).toBe(2);
    expect(r.err).toContain('no humangov.config.json in');
  });

  it('exits 1 exactly when the change breaks under --mode (an enum value added breaks FORWARD)', async () => {
    expect((await run(oldFile, newFile)).code).toBe(0);
    expect((await run(oldFile, newFile, '--mode', 'backward')).code).toBe(0);
    const forward = await run(oldFile, newFile, '--mode', 'FORWARD');
    expect(forward.code).toBe(1);
    expect(forward.out).toContain('BREAKING cli.new.json: schema: enum value b added [FORWARD]');
    expect(forward.out).toContain('why: data written with the new schema may fail the old one');
    expect((await run(oldFile, newFile, '--mode', 'FULL')).code).toBe(1);
  });

  it('a file that is not YAML or JSON is reported with its line, exit 1', async () => {
    const [a, b] = writePair(dir, 'broken', '{ "type": "string" }', 'type: [unclosed\n', 'yaml');
    const r = await run(a, join(dir, 'broken.new.yaml'));
    expect(b).toContain('broken.new.yaml');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/broken\.new\.yaml:\d+:\d+ error yaml-syntax/);
    expect(r.out).toContain('diff: FAILED: a revision could not be read');
  });
});
