/** The fault helpers of scripts/services (restart, kill, freeze, thaw a local broker), run without blocking the loop. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../../scripts/services', import.meta.url));

export type Broker = 'kafka' | 'rabbitmq';

/** Runs `bash scripts/services <command> <broker>`; resolves with how long it took (ms), rejects with its output. */
export async function services(
  command: 'up' | 'restart' | 'kill' | 'freeze' | 'thaw',
  broker: Broker,
): Promise<number> {
  const started = performance.now();
  try {
    await run('bash', [SCRIPT, command, broker], { timeout: 180_000 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`scripts/services ${command} ${broker} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
  return performance.now() - started;
}
