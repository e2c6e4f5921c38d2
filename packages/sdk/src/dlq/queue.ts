/**
 * Dead-letter queue tooling: list, show and replay the dead letters of one consumer group, on any broker. A broker
 * supplies a `DeadLetterStore` (how to read the letters and remember a replay); the rules live here once.
 */
import { type Catalog, catalog as humangovCatalog } from '@humangov/events';
import { channelBindings } from '../channels.js';
import type { ChannelBinding, PublisherPort, TransportMessage } from '../transport/port.js';
import { type DeadLetterEntry, entryId, originalMessage, toEntry } from './entry.js';

/** A dead letter as a store holds it during a session. */
export interface HeldLetter {
  /** The dead letter as stored (its channel is the dead-letter channel). */
  readonly message: TransportMessage;
  /** ISO time it was replayed, if it was. */
  readonly replayedAt?: string;
  /** Remembers that it was replayed at `at` (Kafka, memory: a record on `<dead-letter>.replayed`; AMQP: re-queued with a header). */
  markReplayed(at: Date): Promise<void>;
}

/** How a broker keeps dead letters. */
export interface DeadLetterStore {
  /** Reads every dead letter (oldest first) and holds them while `use` runs; `use` may mark some replayed. */
  session<T>(use: (letters: readonly HeldLetter[]) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Which dead letters `list` and `replay({ filter })` take. */
export interface DeadLetterFilter {
  /** Only events of this type (`citizen.registered`). @default every type */
  readonly type?: string;
  /** Only letters dead-lettered at or after this time (a Date or an ISO string). @default no bound */
  readonly since?: Date | string;
  /** Only letters with this reason (`handler-failed`, `invalid`...). @default every reason */
  readonly reason?: string;
}

/** Options of `list`. */
export interface DeadLetterListOptions extends DeadLetterFilter {
  /** Most entries returned (the oldest first). @default 100 */
  readonly limit?: number;
}

/** What `replay` takes: the letters with these ids, or every not yet replayed letter matching a filter. */
export type DeadLetterSelection =
  | { readonly ids: readonly string[]; readonly filter?: never }
  | { readonly filter: DeadLetterFilter; readonly ids?: never };

/** What `replay` did. */
export interface DeadLetterReplayResult {
  /** Ids re-published to their original channel and marked replayed. */
  readonly replayed: readonly string[];
  /** Ids left alone, and why (already replayed, no original channel). */
  readonly skipped: ReadonlyArray<{ readonly id: string; readonly why: string }>;
  /** Ids asked for that are not in the queue. */
  readonly notFound: readonly string[];
}

/** The dead letters of one group: read them redacted, replay some. */
export interface DeadLetterQueue {
  /** Entries (oldest first, replayed ones included with `replayedAt`), `x-pii` fields redacted. */
  list(options?: DeadLetterListOptions): Promise<DeadLetterEntry[]>;
  /** One entry with its headers, redacted; undefined when no letter has this id. */
  show(id: string): Promise<DeadLetterEntry | undefined>;
  /**
   * Re-publishes the original bytes, attributes and headers of the selected letters to their original channel,
   * each confirmed by the broker before it is marked replayed. A letter already replayed is skipped (replay is
   * not idempotent for consumers without an inbox). Every group on the channel receives the replay.
   */
  replay(selection: DeadLetterSelection): Promise<DeadLetterReplayResult>;
  /** Disconnects what the queue opened. */
  close(): Promise<void>;
}

/** Options every `create*DeadLetterQueue` shares. */
export interface DeadLetterQueueOptions {
  /** The consumer group whose dead letters these are. */
  readonly group: string;
  /** The router's dead-letter channel. @default `<group>.dead-letter` */
  readonly channel?: string;
  /** Catalog whose `x-pii` pointers redact what `list` and `show` return. @default the HumanGov catalog */
  readonly catalog?: Catalog;
}

/** `group` and `channel` checked, with defaults: the one place both are resolved. */
export function deadLetterChannelOf(options: DeadLetterQueueOptions): string {
  if (typeof options.group !== 'string' || options.group.trim() === '') {
    throw new TypeError('dead-letter queue: `group` must name the consumer group whose dead letters to read');
  }
  return options.channel ?? `${options.group}.dead-letter`;
}

/** Bindings a replay publishes with: the catalog's (topics, exchanges), overridden by the user's `channels`. */
export function replayBindings(
  catalog: Catalog,
  channels?: ReadonlyMap<string, ChannelBinding>,
): Map<string, ChannelBinding> {
  return new Map([...channelBindings(catalog), ...(channels ?? [])]);
}

function sinceOf(since: Date | string | undefined): number | undefined {
  if (since === undefined) return undefined;
  const t = since instanceof Date ? since.getTime() : Date.parse(since);
  if (!Number.isFinite(t)) throw new RangeError(`dead-letter queue: since must be a date or ISO time, got ${since}`);
  return t;
}

function matcher(filter: DeadLetterFilter): (entry: DeadLetterEntry) => boolean {
  const since = sinceOf(filter.since);
  return (e) =>
    (filter.type === undefined || e.event.type === filter.type) &&
    (filter.reason === undefined || e.reason === filter.reason) &&
    (since === undefined || Date.parse(e.deadLetteredAt ?? '') >= since);
}

/** A `DeadLetterQueue` over a broker's store, re-publishing with `publisher`. Owns both: `close()` closes them. */
export function createDeadLetterQueueOver(
  store: DeadLetterStore,
  publisher: PublisherPort,
  options: DeadLetterQueueOptions,
): DeadLetterQueue {
  const catalog = options.catalog ?? humangovCatalog;
  // A letter stored twice (an interrupted AMQP re-queue) has one id: shown once.
  const read = (): Promise<DeadLetterEntry[]> =>
    store.session(async (letters) => {
      const entries = new Map<string, DeadLetterEntry>();
      for (const l of letters) {
        const entry = toEntry(l.message, catalog, l.replayedAt);
        if (!entries.has(entry.id) || entry.replayedAt !== undefined) entries.set(entry.id, entry);
      }
      return [...entries.values()];
    });
  return {
    async list(listOptions = {}) {
      const limit = listOptions.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1)
        throw new RangeError('dead-letter queue: limit must be an integer >= 1');
      const matches = matcher(listOptions);
      return (await read()).filter(matches).slice(0, limit);
    },
    async show(id) {
      return (await read()).find((e) => e.id === id);
    },
    replay(selection) {
      const byIds = selection.ids !== undefined;
      const wanted = new Set(selection.ids ?? []);
      const matches = selection.filter === undefined ? undefined : matcher(selection.filter);
      return store.session(async (letters) => {
        const replayed: string[] = [];
        const skipped: Array<{ id: string; why: string }> = [];
        const found = new Set<string>();
        for (const letter of letters) {
          const id = entryId(letter.message);
          if (found.has(id)) continue; // a letter stored twice (an interrupted re-queue) is replayed once
          if (byIds ? !wanted.has(id) : !matches?.(toEntry(letter.message, catalog, letter.replayedAt))) continue;
          found.add(id);
          if (letter.replayedAt !== undefined) {
            if (byIds) skipped.push({ id, why: `already replayed at ${letter.replayedAt}` });
            continue;
          }
          const original = originalMessage(letter.message);
          if (!original) {
            skipped.push({ id, why: 'the dead letter does not name its original channel' });
            continue;
          }
          await publisher.publish(original);
          await letter.markReplayed(new Date());
          replayed.push(id);
        }
        return { replayed, skipped, notFound: [...wanted].filter((id) => !found.has(id)) };
      });
    },
    async close() {
      await Promise.allSettled([store.close(), publisher.close()]);
    },
  };
}
