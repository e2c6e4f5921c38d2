import type { Kafka, Producer, TopicMessages } from 'kafkajs';
import { ConnectionError } from '../../errors.js';
import type { ResolvedKafkaOptions } from './options.js';
import { murmur2Partitioner } from './partitioner.js';
import { type Scrub, scrubError } from './scrub.js';

/**
 * The idempotent producer (acks=all), connected on first use. After a failed send it is replaced by a new one
 * (a new producer id) once its requests in flight are done: kafkajs rolls sequence numbers back when a request
 * fails, so a later batch could reuse the sequence of a batch the broker did write and be dropped as its duplicate.
 */
export interface ProducerPool {
  /** One produce request per call (kafkajs `sendBatch`); resolves when all in-sync replicas have the records. */
  send(topicMessages: TopicMessages[]): Promise<void>;
  close(): Promise<void>;
}

interface Live {
  readonly producer: Producer;
  readonly ready: Promise<void>;
  inFlight: number;
  retired: boolean;
  disconnecting: boolean;
}

export function createProducerPool(kafka: Kafka, options: ResolvedKafkaOptions, scrub: Scrub): ProducerPool {
  let current: Live | undefined;
  const retiring = new Set<Promise<void>>();

  const disconnect = (live: Live): void => {
    if (live.disconnecting) return;
    live.disconnecting = true;
    const done = live.producer
      .disconnect()
      .catch(() => {})
      .finally(() => retiring.delete(done));
    retiring.add(done);
  };

  const retire = (live: Live): void => {
    if (current === live) current = undefined;
    if (live.retired) return;
    live.retired = true;
    if (live.inFlight === 0) disconnect(live);
  };

  const acquire = (): Live => {
    if (current) return current;
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      // Java-compatible murmur2 partitioning (the same key lands on the same partition as with other clients),
      // computed without kafkajs's per-record cost.
      createPartitioner: murmur2Partitioner,
      // Bounded: the confirm timeout answers the caller anyway, and a replaced producer must stop eventually.
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
    producer.on(producer.events.REQUEST_TIMEOUT, ({ payload }) =>
      options.onEvent({ type: 'producer.request-timeout', broker: payload.broker, apiName: payload.apiName }),
    );
    const live: Live = { producer, ready: producer.connect(), inFlight: 0, retired: false, disconnecting: false };
    live.ready.catch(() => retire(live));
    current = live;
    return live;
  };

  return {
    async send(topicMessages) {
      const live = acquire();
      live.inFlight += 1;
      try {
        try {
          await live.ready;
        } catch (error) {
          // Refused connection, failed TLS or SASL handshake: nothing was sent.
          throw new ConnectionError('kafka', scrubError(error, scrub).message, { cause: scrubError(error, scrub) });
        }
        await live.producer.sendBatch({ topicMessages, acks: -1, timeout: options.confirmTimeoutMs });
      } catch (error) {
        retire(live);
        throw error;
      } finally {
        live.inFlight -= 1;
        if (live.retired && live.inFlight === 0) disconnect(live);
      }
    },
    async close() {
      if (current) retire(current);
      while (retiring.size > 0) await Promise.all([...retiring]);
    },
  };
}
