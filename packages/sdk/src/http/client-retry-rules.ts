/**
 * When the HTTP client may send a request again, and how long the server asked it to wait. Pure functions.
 */

/** Methods whose repetition has the same effect as one call (RFC 9110 §9.2.2), so a retry cannot apply twice. */
const idempotentMethods: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** Statuses that say "not now, try again": too many requests, bad gateway, unavailable, gateway timeout. */
export const retryableStatuses: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * True when sending `request` again cannot apply it twice: an idempotent method, or a POST/PATCH carrying an
 * `Idempotency-Key` (the server returns the first response for a repeated key). Other requests are sent once.
 */
export function isRetrySafe(method: string, headers: Headers): boolean {
  const m = method.toUpperCase();
  if (idempotentMethods.has(m)) return true;
  return (m === 'POST' || m === 'PATCH') && (headers.get('Idempotency-Key') ?? '') !== '';
}

/**
 * Milliseconds to wait from a `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date, measured
 * against `now` (epoch ms). A date in the past gives 0. Undefined when the header is missing or malformed.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Every HTTP-date form names a day or month; without that check Date.parse would read "-1" as a year.
  const at = /[a-z]{3}/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
