/** A claimed row as the SQL stores read it, shared by their claims and the relay-store worker's packing. */
import type { OutboxRow } from '../outbox/port.js';

/** A claimed row with its attributes and headers as their stored JSON (its body is kept apart). */
export interface ClaimedText {
  readonly id: string;
  readonly channel: string;
  readonly key: string | null;
  readonly attributes: string;
  readonly contentType: string | null;
  readonly headers: string;
  readonly createdMs: number;
  readonly attempts: number;
}

const EMPTY_JSON = '{}';

/** The outbox row of a claimed row and its body: the JSON parsed, key and content type only where set. */
export const toOutboxRow = (row: ClaimedText, body: Uint8Array): OutboxRow => ({
  id: row.id,
  channel: row.channel,
  ...(row.key !== null && { key: row.key }),
  attributes: JSON.parse(row.attributes) as Record<string, string>,
  ...(row.contentType !== null && { contentType: row.contentType }),
  headers: row.headers === EMPTY_JSON ? {} : (JSON.parse(row.headers) as Record<string, string>),
  body,
  createdAt: new Date(row.createdMs),
  attempts: row.attempts,
});
