/** Table names of the SQL saga stores. */
import { tableNames } from '../store/sql-names.js';

export interface SagaTableNames {
  /** One row per instance. */
  readonly saga: string;
  /** One row per transition (the history). */
  readonly transition: string;
}

/** `<prefix>saga` and `<prefix>saga_transition`; the prefix is validated as the other SQL stores validate it. */
export function sagaTableNames(prefix?: string): SagaTableNames {
  const base = tableNames(prefix).inbox.slice(0, -'inbox'.length);
  return { saga: `${base}saga`, transition: `${base}saga_transition` };
}
