import type { logCreator } from 'kafkajs';
import type { KafkaLogger, ResolvedKafkaOptions } from './options.js';

/** Replaces every credential (SASL username and password, TLS passphrase) in text with `***`. */
export type Scrub = (text: string) => string;

export function createScrub(options: Pick<ResolvedKafkaOptions, 'sasl' | 'ssl'>): Scrub {
  const secrets: string[] = [];
  if (options.sasl) secrets.push(options.sasl.password, options.sasl.username);
  if (typeof options.ssl === 'object' && typeof options.ssl.passphrase === 'string')
    secrets.push(options.ssl.passphrase);
  const found = secrets.filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  if (found.length === 0) return (text) => text;
  return (text) => found.reduce((t, secret) => t.split(secret).join('***'), text);
}

/**
 * A scrubbed copy of an error, safe to log or to hand to a caller as `cause`: name, message, stack and kafkajs's
 * `type`/`retriable` survive, nothing else (kafkajs errors can carry request payloads).
 */
export function scrubError(error: unknown, scrub: Scrub): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const copy = new Error(scrub(source.message));
  copy.name = source.name;
  copy.stack = source.stack === undefined ? undefined : scrub(source.stack);
  const { type, retriable } = source as { type?: unknown; retriable?: unknown };
  Object.assign(copy, { type, retriable });
  const cause = (source as { cause?: unknown }).cause;
  if (cause !== undefined && cause !== source) Object.assign(copy, { cause: scrubError(cause, scrub) });
  return copy;
}

// Warnings about settings made on purpose: retries of the idempotent producer are bounded, and a producer that
// failed a send is replaced (new producer id), which keeps the guarantee kafkajs warns about (producer-pool.ts).
const EXPECTED = ['Limiting retries for the idempotent producer'];

/** Routes kafkajs log entries at warn and above to `logger`, scrubbed. */
export function kafkajsLogCreator(logger: KafkaLogger, scrub: Scrub): logCreator {
  // kafkajs levels: ERROR 1, WARN 2, INFO 4, DEBUG 5.
  return () =>
    ({ namespace, level, log }) => {
      if (level > 2 || EXPECTED.some((text) => String(log.message).startsWith(text))) return;
      const { message, timestamp: _t, logger: _l, stack: _s, ...rest } = log as Record<string, unknown>;
      const fields: Record<string, unknown> = { namespace };
      for (const [k, v] of Object.entries(rest)) fields[k] = scrubValue(v, scrub);
      const text = `kafkajs: ${scrub(String(message))}`;
      if (level === 1) logger.error(text, fields);
      else logger.warn(text, fields);
    };
}

function scrubValue(value: unknown, scrub: Scrub): unknown {
  if (typeof value === 'string') return scrub(value);
  if (value instanceof Error) return scrubError(value, scrub);
  if (typeof value !== 'object' || value === null) return value;
  try {
    return scrub(JSON.stringify(value));
  } catch {
    return '[unserializable]';
  }
}
