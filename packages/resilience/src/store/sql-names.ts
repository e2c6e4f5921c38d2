/** Table naming shared by the SQL stores. */

/** Tables of one SQLite store: `<prefix>outbox`, `<prefix>outbox_payload` (the outbox's messages) and `<prefix>inbox`. */
export interface TableNames {
  readonly outbox: string;
  readonly outboxPayload: string;
  readonly inbox: string;
}

/** The table that holds the messages of outbox table `outbox`'s rows (SQLite, and PostgreSQL's earlier layout). */
export const payloadTableOf = (outbox: string): string => `${outbox}_payload`;
/** PostgreSQL: how far the log `outbox` was published, and when. */
export const marksTableOf = (outbox: string): string => `${outbox}_marks`;
/** PostgreSQL: the lease of the relays reading the log `outbox`. */
export const relayTableOf = (outbox: string): string => `${outbox}_relay`;

/** @default prefix of every table the SQL stores create */
export const DEFAULT_TABLE_PREFIX = 'humangov_';

/**
 * Table names for `prefix`. The prefix is spliced into SQL, so it must be a plain identifier: letters, digits and
 * `_`, starting with a letter or `_`, at most 40 characters; anything else throws (a programmer error).
 */
export function tableNames(prefix: string = DEFAULT_TABLE_PREFIX): TableNames {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,39}$/.test(prefix)) {
    throw new TypeError(`table prefix must match /^[A-Za-z_][A-Za-z0-9_]{0,39}$/, got ${JSON.stringify(prefix)}`);
  }
  const lower = prefix.toLowerCase();
  return { outbox: `${lower}outbox`, outboxPayload: payloadTableOf(`${lower}outbox`), inbox: `${lower}inbox` };
}

/**
 * Tables of one PostgreSQL store: `<prefix>outbox` (the log of messages), `<prefix>outbox_marks` (how far it was
 * published, and when), `<prefix>outbox_relay` (the relays' lease) and `<prefix>inbox`.
 */
export interface PostgresTableNames {
  readonly outbox: string;
  readonly outboxMarks: string;
  readonly outboxRelay: string;
  readonly inbox: string;
}

export function postgresTableNames(prefix?: string): PostgresTableNames {
  const { outbox, inbox } = tableNames(prefix);
  return { outbox, outboxMarks: marksTableOf(outbox), outboxRelay: relayTableOf(outbox), inbox };
}

/** A Buffer view of bytes, without copying. */
export const toBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
