// The results as Markdown: each benchmark writes its own file under docs/benchmarks/ (stdout gets the same text),
// and docs/benchmarks.md is an index of those files.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './load.mjs';
import { formatNumber, summarize } from './stats.mjs';

const cell = (text) => String(text ?? '').replaceAll('|', '\\|');

function table(section) {
  const lines = [
    `| Arm | Median ${section.unit} | Range (min – max) | Rounds | Ratio | Target | Met |`,
    '| --- | ---: | --- | ---: | --- | --- | --- |',
  ];
  for (const row of section.rows) {
    const s = summarize(row.samples);
    const range = s.n > 1 ? `${formatNumber(s.min)} – ${formatNumber(s.max)}` : '–';
    const met = row.met === undefined ? '' : row.met ? 'met' : '**not met**';
    lines.push(
      `| ${cell(row.arm)} | ${formatNumber(s.median)} | ${range} | ${s.n} | ${cell(row.ratio ?? '')} | ${cell(row.target ?? '')} | ${met} |`,
    );
  }
  return lines.join('\n');
}

const MESSAGING_INTRO = [
  'Events: `notification.requested` v1 whose data is exactly 1 KiB of JSON; both arms of a',
  "case serialize the same data objects. Ratios are SDK median / raw median (for CPU: the SDK's extra microseconds).",
  "Brokers, client and benchmark share the machine, so the broker's own CPU competes with the client's.",
];

export function renderReport({
  date,
  durationS,
  machine,
  command,
  rounds,
  sections,
  failures,
  findings,
  title = 'Messaging benchmarks',
  script = 'scripts/bench/messaging.mjs',
  intro = MESSAGING_INTRO,
}) {
  const out = [
    `# ${title}`,
    '',
    `<!-- Written by \`${command}\` (${script}); edits here are overwritten by the next run. -->`,
    '',
    `Run ${date}, ${Math.round(durationS)} s, ${rounds} rounds per case unless a table says otherwise, arms alternating`,
    'their order every round.',
    ...intro,
    '',
    '## Machine',
    '',
    '| | |',
    '| --- | --- |',
    ...Object.entries(machine).map(([k, v]) => `| ${k} | ${cell(v)} |`),
    '',
  ];
  for (const section of sections) {
    out.push(`## ${section.title}`, '', ...section.notes.flatMap((n) => [n, '']), table(section), '');
  }
  if (failures.length > 0) {
    out.push('## Cases that did not finish', '', ...failures.map((f) => `- ${f.id}: ${f.error}`), '');
  }
  if (findings) out.push('## Findings', '', findings.trim(), '');
  return out.join('\n');
}

const DOCS = path.join(ROOT, 'docs');
const SECTIONS_DIR = path.join(DOCS, 'benchmarks');

/**
 * Writes `report` to docs/benchmarks/<name>.md and rewrites docs/benchmarks.md as the index of every file there
 * (so one benchmark's run never overwrites another's results). Returns the path written.
 */
export function writeReport(name, report) {
  mkdirSync(SECTIONS_DIR, { recursive: true });
  const file = path.join(SECTIONS_DIR, `${name}.md`);
  writeFileSync(file, report);
  const entries = readdirSync(SECTIONS_DIR)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => {
      const text = readFileSync(path.join(SECTIONS_DIR, f), 'utf8');
      const heading = text.match(/^# (.+)$/m)?.[1] ?? f;
      const run = text.match(/^Run (\S+),/m)?.[1];
      const command = text.match(/Written by `([^`]+)`/)?.[1];
      const section = f.replace(/\.md$/, '');
      return [
        `## ${section.charAt(0).toUpperCase()}${section.slice(1)}`,
        '',
        `[${heading}](benchmarks/${f})${run ? `, last run ${run}` : ''}${command ? ` by \`${command}\`` : ''}.`,
        '',
      ];
    });
  writeFileSync(
    path.join(DOCS, 'benchmarks.md'),
    [
      '# Benchmarks',
      '',
      '<!-- Written by the benchmark scripts (scripts/bench/lib/report.mjs writeReport); each benchmark writes its own',
      'file under docs/benchmarks/ and rewrites this index. -->',
      '',
      ...entries.flat(),
    ].join('\n'),
  );
  return file;
}
