/**
 * `humangov dlq` hands its arguments to the `humangov-dlq` of the @humangov/sdk installed in the user's project.
 * The cli and the sdk's executable run as a user runs them: built, in a project whose node_modules holds the sdk.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'tsup';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { recordingIo, repoRoot, scratch } from './helpers.js';

const run = promisify(execFile);
const sdk = join(repoRoot, 'packages/sdk');
let cliBin: string;
let project: string;

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

beforeAll(async () => {
  // The sdk's executable as published (dist/dlq-bin.js), rebuilt when its sources are newer.
  const sdkBin = join(sdk, 'dist/dlq-bin.js');
  if (!existsSync(sdkBin) || newest(join(sdk, 'src/dlq')) > statSync(sdkBin).mtimeMs) {
    await run('pnpm', ['--filter', '@humangov/sdk', 'build'], { cwd: repoRoot, timeout: 240_000 });
  }
  // This cli's current sources, bundled like its bin (dependencies stay external), without touching dist/.
  const out = scratch('dlq-cli');
  await build({
    entry: { bin: join(repoRoot, 'packages/cli/src/bin.ts') },
    outDir: out,
    format: ['esm'],
    target: 'node20',
    dts: false,
    silent: true,
    config: false,
    external: [/^[^./]/],
  });
  cliBin = join(out, 'bin.js');
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  // A service's project with @humangov/sdk installed.
  project = scratch('dlq-project');
  mkdirSync(join(project, 'node_modules/@humangov'), { recursive: true });
  symlinkSync(sdk, join(project, 'node_modules/@humangov/sdk'), 'dir');
  writeFileSync(join(project, 'package.json'), '{ "name": "a-service", "private": true }\n');
}, 300_000);

describe('humangov dlq', () => {
  it('--help reaches the sdk humangov-dlq, which prints its usage, exit 0', async () => {
    const { stdout, stderr } = await run(process.execPath, [cliBin, 'dlq', '--help'], { cwd: project });
    expect(stdout).toContain("humangov-dlq: inspect a consumer group's dead letters");
    expect(stdout).toMatch(/humangov-dlq list\s+--transport kafka\|rabbitmq --group GROUP/);
    expect(stderr).toBe('');
  });

  it("passes the arguments through: the sdk's usage error and exit status 2 come back", async () => {
    const failure = await run(process.execPath, [cliBin, 'dlq', 'list', '--group', 'benefits'], {
      cwd: project,
    }).catch((e: { code: number; stderr: string }) => e);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain('--transport kafka or --transport rabbitmq is required');
  });

  it('says to install @humangov/sdk in a project without it, exit 1', async () => {
    // As from a shell: no NODE_PATH (pnpm exec sets one that reaches every workspace package).
    const { NODE_PATH: _, ...env } = process.env;
    const elsewhere = mkdtempSync(join(tmpdir(), 'humangov-no-sdk-'));
    const failure = await run(process.execPath, [cliBin, 'dlq', 'list'], { cwd: elsewhere, env }).catch(
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(failure).toMatchObject({ code: 1, stdout: '' });
    expect((failure as { stderr: string }).stderr).toMatch(
      /^humangov dlq: @humangov\/sdk is not installed in .*humangov-no-sdk-.*npm install @humangov\/sdk/,
    );
  });

  it('is listed in humangov --help', async () => {
    const io = recordingIo(repoRoot);
    expect(await main(['--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/dlq\s+list, show and replay a consumer group's dead letters/);
  });
});
