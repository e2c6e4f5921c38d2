/** `humangov diff --format json`: the whole report, stable field names, for CI bots and dashboards. */
import { whoBreaks, whyBreaks } from './classify.js';
import { summarize } from './report-text.js';
import type { DiffReport } from './run-diff.js';

/**
 * `{ old, new, failed, summary: { changes, breaking, waived }, changes: [...], diagnostics: [...] }`; each change
 * carries `rule, kind, spec, subject, path, message, role, narrows, widens, mode, breaks{BACKWARD,FORWARD,FULL},
 * breaking`, and when breaking `why, who, fix` and possibly `waived`.
 */
export function formatJson(report: DiffReport): string {
  return JSON.stringify(
    {
      old: report.old,
      new: report.new,
      failed: report.failed,
      summary: summarize(report),
      changes: report.changes.map((c) =>
        c.breaking ? { ...c, why: whyBreaks(c, c.mode), who: whoBreaks(c, c.mode) } : c,
      ),
      diagnostics: report.diagnostics,
    },
    null,
    2,
  );
}
