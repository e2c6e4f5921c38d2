import { describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { recordingIo, repoRoot, scratch } from './helpers.js';

describe('humangov', () => {
  it('--help prints the commands, exit 0', async () => {
    const io = recordingIo(repoRoot);
    expect(await main(['--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/Usage: humangov <command>[\s\S]*generate[\s\S]*lint[\s\S]*catalog/);
  });

  it('no command prints usage, exit 2', async () => {
    const io = recordingIo(repoRoot);
    expect(await main([], io)).toBe(2);
    expect([...io.stdout, ...io.stderr].join('\n')).toContain('Usage: humangov <command>');
  });

  it.each([
    ['generate', /humangov generate \[--check\][\s\S]*--asyncapi FILE[\s\S]*--out DIR[\s\S]*--check/],
    ['lint', /humangov lint \[FILE\.\.\.\][\s\S]*message-version[\s\S]*pii-marked/],
    ['catalog', /humangov catalog \[FILE\.\.\.\][\s\S]*producers and consumers/],
  ])('%s --help prints its usage, exit 0', async (command, usage) => {
    const io = recordingIo(repoRoot);
    expect(await main([command, '--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(usage);
    expect(io.stderr).toEqual([]);
  });

  it('an unknown command exits 2 naming it', async () => {
    const io = recordingIo(repoRoot);
    expect(await main(['generat'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('unknown command "generat"');
  });

  it.each(['generate', 'lint', 'catalog'])('%s with an unknown option exits 2 naming it', async (command) => {
    const io = recordingIo(repoRoot);
    expect(await main([command, '--frobnicate'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(`humangov ${command}: unknown option --frobnicate`);
  });

  it('generate --asyncapi without --out says what to add, exit 2', async () => {
    const io = recordingIo(repoRoot);
    expect(await main(['generate', '--asyncapi', 'specs/asyncapi'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('--out DIR is required with --asyncapi/--openapi');
  });

  it('generate in a folder without humangov.config.json says how to name specs, exit 2', async () => {
    const io = recordingIo(scratch('noconfig'));
    expect(await main(['generate'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(
      /no humangov\.config\.json in .*: name specs with --asyncapi FILE\.\.\. --out DIR/,
    );
  });

  it('catalog prints one row per message version under EVENT VERSION TYPE CHANNEL PRODUCERS CONSUMERS', async () => {
    const io = recordingIo(repoRoot);
    expect(await main(['catalog'], io)).toBe(0);
    const [table, summary] = io.stdout;
    const lines = table!.split('\n');
    expect(lines[0]!.split(/\s{2,}/)).toEqual(['EVENT', 'VERSION', 'TYPE', 'CHANNEL', 'PRODUCERS', 'CONSUMERS']);
    expect(lines[1]).toMatch(/^-+( +-+){5}$/);
    const rows = lines.slice(2).map((l) => l.split(/\s{2,}/));
    expect(rows.length).toBe(30);
    expect(summary).toBe('26 event types, 30 message versions');
    expect(rows.filter((r) => r[0] === 'citizen.registered')).toEqual([
      [
        'citizen.registered',
        'v1',
        'CitizenRegisteredV1',
        'citizen.registered',
        'citizen-registry',
        'audit, eligibility, notifications',
      ],
      [
        'citizen.registered',
        'v2',
        'CitizenRegisteredV2',
        'citizen.registered',
        'citizen-registry',
        'audit, eligibility, notifications',
      ],
    ]);
    // Columns line up: every row's CHANNEL starts where the header's does.
    const channelAt = lines[0]!.indexOf('CHANNEL');
    for (const line of lines.slice(2)) expect(line.slice(channelAt)).toMatch(/^[a-z]/);
  });
});
