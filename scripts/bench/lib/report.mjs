// The results as Markdown: docs/benchmarks.md and stdout get the same text.
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

export function renderReport({ date, durationS, machine, command, rounds, sections, failures, findings }) {
  const out = [
    '# Messaging benchmarks',
    '',
    `<!-- Written by \`${command}\` (scripts/bench/messaging.mjs); edits here are overwritten by the next run. -->`,
    '',
    `Run ${date}, ${Math.round(durationS)} s, ${rounds} rounds per case unless a table says otherwise, arms alternating`,
    'their order every round. Events: `notification.requested` v1 whose data is exactly 1 KiB of JSON; both arms of a',
    "case serialize the same data objects. Ratios are SDK median / raw median (for CPU: the SDK's extra microseconds).",
    "Brokers, client and benchmark share the machine, so the broker's own CPU competes with the client's.",
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
