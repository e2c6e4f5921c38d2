/** The dead-letter queue of a memory broker: read straight from its partition logs. */
import { brokerOf, type MemoryBroker } from '../transport/memory/broker.js';
import { createMemoryTransport } from '../transport/memory.js';
import type { TransportMessage } from '../transport/port.js';
import { createLogStore } from './log-store.js';
import {
  createDeadLetterQueueOver,
  type DeadLetterQueue,
  type DeadLetterQueueOptions,
  deadLetterChannelOf,
} from './queue.js';

/** Options of {@link createMemoryDeadLetterQueue}. */
export interface MemoryDeadLetterQueueOptions extends DeadLetterQueueOptions {
  /** The broker the router's memory transport runs on (`createMemoryTransport({ broker })`). */
  readonly broker: MemoryBroker;
}

/**
 * The dead letters of `group` on a memory broker: `list` and `show` read the dead-letter channel's logs directly
 * (no consumer group, nothing committed); `replay` publishes on the same broker and records the replay on
 * `<dead-letter channel>.replayed`. `close()` closes the queue's own transport, never the broker.
 */
export function createMemoryDeadLetterQueue(options: MemoryDeadLetterQueueOptions): DeadLetterQueue {
  const channel = deadLetterChannelOf(options);
  const broker = brokerOf(options.broker);
  const transport = createMemoryTransport({ broker: options.broker });
  const store = createLogStore(
    {
      async readAll(channels) {
        const out = new Map<string, TransportMessage[]>();
        for (const name of channels) {
          const records: TransportMessage[] = [];
          for (const log of broker.topic(name).logs) {
            for (let offset = log.start; offset < log.end; offset++) {
              const r = log.get(offset);
              if (r) records.push({ channel: name, ...r });
            }
          }
          out.set(name, records);
        }
        return out;
      },
      append: (message) => transport.publish(message),
      close: async () => {},
    },
    channel,
  );
  return createDeadLetterQueueOver(store, transport, options);
}
