/**
 * The differences between two versions of a message, field by field: which fields a new version adds, which it
 * removes, and which change type, requiredness, constraints or PII marking. Descriptions are left out: they change
 * what a reader is told, not what goes on the wire.
 */
import type { FieldRow } from './fields.js';

export interface FieldChange {
  readonly kind: 'added' | 'removed' | 'changed';
  /** The field's label (`address.line1`). */
  readonly field: string;
  /** For `changed`: each difference as `what: before -> after`; for `added`/`removed`: the field's type etc. */
  readonly details: readonly string[];
}

/** Changes from `before` to `after`, in the order of `after`'s fields, removed fields last (in `before`'s order). */
export function diffFields(before: readonly FieldRow[], after: readonly FieldRow[]): FieldChange[] {
  const old = new Map(before.map((r) => [r.pointer, r]));
  const now = new Set(after.map((r) => r.pointer));
  const changes: FieldChange[] = [];
  for (const row of after) {
    const was = old.get(row.pointer);
    if (!was) {
      changes.push({ kind: 'added', field: row.label, details: summary(row) });
      continue;
    }
    const details: string[] = [];
    if (was.type !== row.type) details.push(`type: ${was.type} → ${row.type}`);
    if (was.required !== row.required) details.push(`required: ${yesNo(was.required)} → ${yesNo(row.required)}`);
    const a = was.constraints.join('; ');
    const b = row.constraints.join('; ');
    if (a !== b) details.push(`constraints: ${a || 'none'} → ${b || 'none'}`);
    if (was.pii !== row.pii) details.push(`PII: ${was.pii ?? 'no'} → ${row.pii ?? 'no'}`);
    if (details.length > 0) changes.push({ kind: 'changed', field: row.label, details });
  }
  for (const row of before) {
    if (!now.has(row.pointer)) changes.push({ kind: 'removed', field: row.label, details: summary(row) });
  }
  return changes;
}

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');
const summary = (row: FieldRow): string[] => [
  `${row.type}${row.required ? ', required' : ', optional'}${row.pii ? ', PII' : ''}`,
];
