/**
 * The dead-letter store of log brokers (Kafka, memory): the dead-letter channel is read from its beginning, and a
 * replay is remembered as a record on `<dead-letter channel>.replayed` (key and header: the letter's id), so every
 * reader sees it and the dead letters themselves are never rewritten.
 */
import type { TransportMessage } from '../transport/port.js';
import { entryId, REPLAY_HEADERS } from './entry.js';
import type { DeadLetterStore, HeldLetter } from './queue.js';

/** What a log broker offers the store. */
export interface LogAccess {
  /** Every retained record of each channel (an absent channel: none), in offset order per partition. */
  readAll(channels: readonly string[]): Promise<ReadonlyMap<string, readonly TransportMessage[]>>;
  /** Appends a record, resolving once the broker has it. */
  append(message: TransportMessage): Promise<void>;
  close(): Promise<void>;
}

/** The channel where replays of `channel`'s dead letters are recorded. */
export const replayedChannelOf = (channel: string): string => `${channel}.replayed`;

const timeOf = (m: TransportMessage): number => Date.parse(m.headers['humangov-dlq-time'] ?? '') || 0;

export function createLogStore(access: LogAccess, channel: string): DeadLetterStore {
  const replayed = replayedChannelOf(channel);
  return {
    async session(use) {
      const read = await access.readAll([channel, replayed]);
      const marks = new Map<string, string>();
      for (const m of read.get(replayed) ?? []) {
        const id = m.headers[REPLAY_HEADERS.id];
        const at = m.headers[REPLAY_HEADERS.at];
        if (id !== undefined && at !== undefined && !marks.has(id)) marks.set(id, at);
      }
      // Oldest first across partitions: by dead-letter time (stable, so offset order breaks ties).
      const letters = [...(read.get(channel) ?? [])].sort((a, b) => timeOf(a) - timeOf(b));
      const held = letters.map((message): HeldLetter => {
        const id = entryId(message);
        const at = marks.get(id);
        return {
          message,
          ...(at !== undefined && { replayedAt: at }),
          markReplayed: (when) =>
            access.append({
              channel: replayed,
              key: id,
              attributes: {},
              headers: { [REPLAY_HEADERS.id]: id, [REPLAY_HEADERS.at]: when.toISOString() },
              body: new Uint8Array(0),
            }),
        };
      });
      return use(held);
    },
    close: () => access.close(),
  };
}
