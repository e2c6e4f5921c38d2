/** `humangov diff --format markdown`: a report to paste into (or post on) a pull request. */
import { MODES, whoBreaks, whyBreaks } from './classify.js';
import { summarize } from './report-text.js';
import type { ClassifiedChange, DiffReport } from './run-diff.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string) => (text ? `\`${text.replace(/`/g, "'")}\`` : '');
const status = (c: ClassifiedChange) => (c.breaking ? (c.waived ? 'waived' : '**breaking**') : 'compatible');

/** Renders a report as GitHub-flavoured Markdown: headline, one table row per change, then a section per break. */
export function formatMarkdown(report: DiffReport): string {
  const s = summarize(report);
  const out = [
    `## Contract changes: \`${report.old}\` → ${report.new === 'working tree' ? 'this change' : `\`${report.new}\``}`,
    '',
    s.breaking > 0
      ? `**${s.breaking} breaking change${s.breaking === 1 ? '' : 's'}** — this check fails until each is fixed, versioned or released as a major version.`
      : s.changes === 0
        ? 'No contract changes.'
        : 'No breaking change.',
    '',
    `${s.changes} changes, ${s.breaking} breaking, ${s.waived} waived.`,
  ];
  if (report.diagnostics.length > 0) {
    out.push('', '### Problems reading the specs', '');
    for (const d of report.diagnostics)
      out.push(`- ${code(`${d.file}:${d.line}:${d.col}`)} ${d.severity} ${d.rule}: ${d.message}`);
  }
  if (report.changes.length > 0) {
    out.push(
      '',
      `| Status | Spec | Where | Change | Mode | ${MODES.join(' | ')} |`,
      `|---|---|---|---|---|${MODES.map(() => '---').join('|')}|`,
    );
    for (const c of report.changes)
      out.push(
        `| ${status(c)} | ${code(c.spec)} | ${cell(c.subject)}${c.path ? ` ${code(c.path)}` : ''} | ${cell(c.message)} | ${c.mode} | ${MODES.map((m) => (c.breaks[m] ? 'breaks' : 'ok')).join(' | ')} |`,
      );
  }
  const breaking = report.changes.filter((c) => c.breaking);
  if (breaking.length > 0) {
    out.push('', '### What breaks, for whom, and how to fix it');
    for (const c of breaking) {
      out.push(
        '',
        `#### ${cell(c.subject)}${c.path ? ` ${code(c.path)}` : ''}`,
        '',
        `- **Change:** ${cell(c.message)} (${code(c.rule)}, ${c.spec}, mode ${c.mode})`,
        `- **Why it breaks:** ${whyBreaks(c, c.mode)}`,
        `- **Who:** ${whoBreaks(c, c.mode)}`,
        c.waived ? `- **Waived:** ${c.waived}` : `- **Fix:** ${c.fix ?? 'revert it'}`,
      );
    }
  }
  return out.join('\n');
}
