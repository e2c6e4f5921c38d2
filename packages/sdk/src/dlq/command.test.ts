import { describe, expect, it } from 'vitest';
import { dlqUsage, runDlqCommand } from './command.js';

function recording() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), env: {} } };
}

describe('humangov-dlq command line', () => {
  it('--help prints the usage, exit 0', async () => {
    const r = recording();
    expect(await runDlqCommand(['--help'], r.io)).toBe(0);
    expect(r.out).toEqual([dlqUsage]);
    expect(dlqUsage).toMatch(/humangov-dlq list[\s\S]*humangov-dlq show[\s\S]*humangov-dlq replay/);
  });

  it.each([
    [[], 'name a command: list, show or replay'],
    [['purge', '--transport', 'kafka', '--group', 'g'], 'unknown command "purge"'],
    [['list', '--group', 'g'], '--transport kafka or --transport rabbitmq is required'],
    [['list', '--transport', 'nats', '--group', 'g'], '--transport kafka or --transport rabbitmq is required'],
    [['list', '--transport', 'kafka'], '--group GROUP is required'],
    [['list', '--transport', 'kafka', '--group', 'g', '--limit', '0'], '--limit must be a whole number >= 1'],
    [['list', '--transport', 'kafka', '--group', 'g', '--since', 'yesterday'], '--since must be an ISO date'],
    [['show', '--transport', 'kafka', '--group', 'g'], 'show takes exactly one id'],
    [['replay', '--transport', 'kafka', '--group', 'g'], 'replay needs ids (from `humangov-dlq list`) or --all'],
    [['replay', 'abc', '--all', '--transport', 'kafka', '--group', 'g'], 'replay takes ids or --all'],
    [['list', '--transport', 'kafka', '--group', 'g', '--frobnicate'], "Unknown option '--frobnicate'"],
  ])('%j is a usage error naming what to fix, exit 2', async (argv, message) => {
    const r = recording();
    expect(await runDlqCommand(argv, r.io)).toBe(2);
    expect(r.err.join('\n')).toContain(message);
    expect(r.err.join('\n')).toContain('Usage:');
    expect(r.out).toEqual([]);
  });

  it('an unreachable broker is a one-line failure, exit 1', async () => {
    const r = recording();
    const argv = ['list', '--transport', 'rabbitmq', '--group', 'g', '--url', 'amqp://127.0.0.1:1'];
    expect(await runDlqCommand(argv, r.io)).toBe(1);
    expect(r.err).toEqual([expect.stringMatching(/^humangov-dlq list: rabbitmq: cannot connect: .*ECONNREFUSED/)]);
  });
});
