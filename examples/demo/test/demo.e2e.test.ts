/**
 * The demo end to end, as `pnpm demo` runs it: on the embedded default (memory + SQLite, all services in one
 * process) and on the real services (Kafka or RabbitMQ with PostgreSQL, one process per service). Each run must
 * exit 0 with every reconciliation check ok. Runs on the built packages, like the main job.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const DEMO = fileURLToPath(new URL('..', import.meta.url));

async function demo(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts', ...args],
      {
        cwd: DEMO,
        timeout: 280_000,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}${e.message}` };
  }
}

/** The reconciliation block: one line per check. */
const checks = (out: string) => out.split('\n').filter((line) => /^ {2}(ok|FAIL) {2,4}/.test(line));

describe.each([
  ['memory', 'sqlite'],
  ['kafka', 'postgres'],
  ['rabbitmq', 'postgres'],
])('pnpm demo --transport %s --db %s', (transport, db) => {
  it('drives 50 citizens through outages and reconciles: every check ok, exit 0', { timeout: 300_000 }, async () => {
    const { code, out } = await demo('--transport', transport, '--db', db, '--citizens', '50');
    const lines = checks(out);
    console.log(`[demo ${transport}/${db}]\n${lines.join('\n')}`);
    expect(lines.length, out.slice(-3_000)).toBeGreaterThanOrEqual(5);
    expect(
      lines.filter((l) => l.startsWith('  FAIL')),
      out.slice(-3_000),
    ).toEqual([]);
    expect(out).toContain('50/50 final of 50 submitted');
    expect(code, out.slice(-3_000)).toBe(0);
  });
});
