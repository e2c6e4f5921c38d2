import { createHash } from 'node:crypto';

/**
 * A UUID derived from `name` (SHA-256, shaped as an RFC 9562 version 8 UUID): the same name always gives the same
 * id, so an action re-run after a crash or a redelivery writes the same payment, check or notification again.
 */
export function uuidFrom(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Today's date (UTC) as an RFC 3339 full-date, `days` from now. */
export function isoDate(days = 0, from = Date.now()): string {
  return new Date(from + days * 86_400_000).toISOString().slice(0, 10);
}
