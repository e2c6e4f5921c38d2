/**
 * `humangov diff --base REF` in a throwaway git repository (fixtures/diff/repo: a producer, a consumer and an
 * HTTP API): the CI gate fails on a break with a message that says what to fix, and a major changeset or a new
 * message version lets it pass while the break stays in the report.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { edit } from './fixtures.js';
import { recordingIo } from './helpers.js';

const fixture = join(import.meta.dirname, 'fixtures/diff/repo');
let repo: string;

const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', '-c', 'commit.gpgsign=false', ...args], {
    cwd: repo,
    stdio: 'pipe',
  });
const change = (file: string, from: string, to: string) => {
  const path = join(repo, file);
  writeFileSync(path, edit(readFileSync(path, 'utf8'), from, to));
};
const changeset = (name: string, pkg: string) => {
  mkdirSync(join(repo, '.changeset'), { recursive: true });
  writeFileSync(join(repo, '.changeset', `${name}.md`), `---\n"${pkg}": major\n---\n\nBreaking contract change.\n`);
};
async function diff(...args: string[]) {
  const io = recordingIo(repo);
  const code = await main(['diff', ...args], io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

const makeNoteRequired = () =>
  change('specs/things.asyncapi.yaml', '        - kind\n', '        - kind\n        - note\n');

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'humangov-diff-'));
  cpSync(fixture, repo, { recursive: true });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'specs');
});
afterEach(() => rmSync(repo, { recursive: true, force: true }));

describe('humangov diff --base', () => {
  it('passes when nothing changed', async () => {
    const r = await diff('--base', 'HEAD');
    expect(r.code).toBe(0);
    expect(r.out).toContain('diff: no changes');
  });

  it('fails on a field made required, naming the field, who breaks and what to do', async () => {
    makeNoteRequired();
    const r = await diff('--base', 'HEAD');
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'BREAKING specs/things.asyncapi.yaml: message thing.happened v1 (ThingHappenedV1) payload.note: made required [BACKWARD]',
    );
    expect(r.out).toContain('who: consumers that upgrade: watcher; producers: things');
    expect(r.out).toMatch(
      /fix: Make the field optional again; or add a new major version of thing\.happened \(a new message with `x-version: 2`\) and keep v1 unchanged; or add a major changeset for @humangov\/events/,
    );
    expect(r.out).toContain('diff: FAILED: 1 breaking change');
  });

  it('passes with a major changeset for the owning package, still listing the break as waived', async () => {
    makeNoteRequired();
    changeset('note-required', '@humangov/sdk'); // the wrong package waives nothing
    expect((await diff('--base', 'HEAD')).code).toBe(1);
    changeset('thing-v2', '@humangov/events');
    const r = await diff('--base', 'HEAD');
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      'WAIVED   specs/things.asyncapi.yaml: message thing.happened v1 (ThingHappenedV1) payload.note: made required',
    );
    expect(r.out).toContain('waived: major changeset for @humangov/events (.changeset/thing-v2.md)');
  });

  it('passes when the change comes as a new major version beside the old one', async () => {
    makeNoteRequired();
    change(
      'specs/things.asyncapi.yaml',
      '  schemas:\n',
      '    ThingHappenedV2:\n      name: ThingHappened\n      x-event-type: thing.happened\n      x-version: 2\n      payload:\n        type: object\n  schemas:\n',
    );
    change(
      'specs/things.asyncapi.yaml',
      "        $ref: '#/components/messages/ThingHappenedV1'\n    bindings",
      "        $ref: '#/components/messages/ThingHappenedV1'\n      ThingHappenedV2:\n        $ref: '#/components/messages/ThingHappenedV2'\n    bindings",
    );
    const r = await diff('--base', 'HEAD');
    expect(r.code).toBe(0);
    expect(r.out).toContain('waived: new major version thing.happened v2 added (v1 kept)');
    // Under FULL, old consumers on the channel cannot read v2: that is a break no new version waives.
    writeFileSync(
      join(repo, 'humangov.config.json'),
      JSON.stringify({
        asyncapi: ['specs'],
        openapi: ['specs'],
        diff: { modes: { 'specs/things.asyncapi.yaml': 'FULL' } },
      }),
    );
    const full = await diff('--base', 'HEAD');
    expect(full.code).toBe(1);
    expect(full.out).toMatch(
      /BREAKING specs\/things\.asyncapi\.yaml: channel thing\.happened: message thing\.happened v2 added.*\[FULL\]/,
    );
  });

  it('gates OpenAPI specs on @humangov/sdk changesets and names the operation', async () => {
    change('specs/things.openapi.yaml', '          in: query\n', '          in: query\n          required: true\n');
    const r = await diff('--base', 'HEAD');
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'BREAKING specs/things.openapi.yaml: GET /things parameters.query.limit: parameter made required [BACKWARD]',
    );
    expect(r.out).toContain('who: existing clients of listThings (built from the old spec)');
    expect(r.out).toContain('add a major changeset for @humangov/sdk');
    changeset('limit', '@humangov/sdk');
    expect((await diff('--base', 'HEAD')).code).toBe(0);
  });

  it('reads the base revision through $refs across files, and sees removed spec files', async () => {
    git('rm', '-q', 'specs/watcher.asyncapi.yaml');
    git('mv', 'specs/things.openapi.yaml', 'specs/old-things.yaml');
    const r = await diff('--base', 'HEAD', '--format', 'json');
    const report = JSON.parse(r.out) as {
      changes: { rule: string; spec: string; subject: string; breaking: boolean }[];
      diagnostics: unknown[];
    };
    expect(r.code).toBe(1);
    expect(report.diagnostics).toEqual([]);
    expect(report.changes).toEqual([
      // Found only by resolving watcher's $ref into things.asyncapi.yaml as both were at HEAD.
      expect.objectContaining({
        rule: 'operation-removed',
        subject: 'operation watcher/onThingHappened',
        breaking: false,
      }),
      expect.objectContaining({ rule: 'api-removed', spec: 'specs/things.openapi.yaml', breaking: true }),
    ]);
  });

  it('--format json and markdown carry the same verdicts', async () => {
    makeNoteRequired();
    change('specs/things.asyncapi.yaml', '          maxLength: 200\n', '          maxLength: 300\n');
    const json = await diff('--base', 'HEAD', '--format', 'json');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.out) as {
      old: string;
      failed: boolean;
      summary: { changes: number; breaking: number; waived: number };
      changes: {
        rule: string;
        path: string;
        mode: string;
        breaks: Record<string, boolean>;
        breaking: boolean;
        who?: string;
        fix?: string;
      }[];
    };
    expect(report).toMatchObject({ old: 'HEAD', failed: true, summary: { changes: 2, breaking: 1, waived: 0 } });
    expect(report.changes).toEqual([
      expect.objectContaining({
        rule: 'maxLength-loosened',
        path: 'payload.note',
        mode: 'BACKWARD',
        breaking: false,
        breaks: { BACKWARD: false, FORWARD: true, FULL: true },
      }),
      expect.objectContaining({
        rule: 'required-added',
        path: 'payload.note',
        breaking: true,
        who: 'consumers that upgrade: watcher; producers: things',
        fix: expect.stringContaining('major changeset'),
      }),
    ]);
    const md = await diff('--base', 'HEAD', '--format', 'markdown');
    expect(md.code).toBe(1);
    const lines = md.out.split('\n');
    expect(lines[0]).toBe('## Contract changes: `HEAD` → this change');
    const header = lines.findIndex((l) => l.startsWith('| Status |'));
    expect(lines[header]).toBe('| Status | Spec | Where | Change | Mode | BACKWARD | FORWARD | FULL |');
    const rows = lines.slice(header + 2).filter((l) => l.startsWith('| '));
    expect(rows.map((l) => l.split(' | ').slice(-4))).toEqual([
      ['BACKWARD', 'ok', 'breaks', 'breaks |'],
      ['BACKWARD', 'breaks', 'ok', 'breaks |'],
    ]);
    expect(rows[1]).toMatch(
      /^\| \*\*breaking\*\* \| `specs\/things\.asyncapi\.yaml` \| message thing\.happened v1 \(ThingHappenedV1\) `payload\.note` \| made required \|/,
    );
    expect(md.out).toContain('#### message thing.happened v1 (ThingHappenedV1) `payload.note`');
    expect(md.out).toMatch(/- \*\*Fix:\*\* Make the field optional again/);
  });

  it('an unknown base ref is a usage error (exit 2) that says why', async () => {
    const r = await diff('--base', 'HEAD~1');
    expect(r.code).toBe(2);
    expect(r.err).toContain('base ref "HEAD~1" is not a commit in this repository');
  });
});
