/** The terminal summary of `humangov diff`: breaking changes first, each with why, who and how to fix it. */
import { whoBreaks, whyBreaks } from './classify.js';
import type { ClassifiedChange, DiffReport } from './run-diff.js';

/** Counts for a report's headline. */
export function summarize(report: DiffReport): { changes: number; breaking: number; waived: number } {
  const breaking = report.changes.filter((c) => c.breaking);
  return {
    changes: report.changes.length,
    breaking: breaking.filter((c) => !c.waived).length,
    waived: breaking.filter((c) => c.waived).length,
  };
}

/** `payload.address.postcode` in `message x v1`, or the subject alone. */
export const where = (c: ClassifiedChange): string => (c.path ? `${c.subject} ${c.path}` : c.subject);

const otherModes = (c: ClassifiedChange) => {
  const breaks = (['BACKWARD', 'FORWARD'] as const).filter((m) => c.breaks[m]);
  return breaks.length > 0 ? ` (breaks ${breaks.join(' and ')})` : '';
};

/** Renders a report for a terminal. */
export function formatText(report: DiffReport, cwd: string): string {
  const s = summarize(report);
  const lines = [
    `humangov diff: ${report.old} -> ${report.new}: ${s.changes} change${s.changes === 1 ? '' : 's'}, ${s.breaking} breaking${s.waived > 0 ? `, ${s.waived} breaking but waived` : ''}`,
  ];
  for (const d of report.diagnostics) {
    const file = d.file.startsWith(`${cwd}/`) ? d.file.slice(cwd.length + 1) : d.file;
    lines.push(`${file}:${d.line}:${d.col} ${d.severity} ${d.rule} ${d.message}`);
  }
  const breaking = report.changes.filter((c) => c.breaking);
  for (const c of [...breaking.filter((x) => !x.waived), ...breaking.filter((x) => x.waived)]) {
    lines.push(
      '',
      `${c.waived ? 'WAIVED  ' : 'BREAKING'} ${c.spec}: ${where(c)}: ${c.message} [${c.mode}]`,
      `  why: ${whyBreaks(c, c.mode)}`,
      `  who: ${whoBreaks(c, c.mode)}`,
      ...(c.waived ? [`  waived: ${c.waived}`] : []),
      ...(c.fix && !c.waived ? [`  fix: ${c.fix}`] : []),
    );
  }
  const compatible = report.changes.filter((c) => !c.breaking);
  if (compatible.length > 0) {
    lines.push('', "Compatible under each spec's mode:");
    for (const c of compatible) lines.push(`  ${c.spec}: ${where(c)}: ${c.message} [${c.mode}]${otherModes(c)}`);
  }
  lines.push(
    '',
    report.diagnostics.some((d) => d.severity === 'error')
      ? 'diff: FAILED: a revision could not be read; fix the errors above'
      : s.breaking > 0
        ? `diff: FAILED: ${s.breaking} breaking change${s.breaking === 1 ? '' : 's'}; see "fix:" above`
        : s.changes === 0
          ? 'diff: no changes'
          : 'diff: ok, no breaking change',
  );
  return lines.join('\n');
}
