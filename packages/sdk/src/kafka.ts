/**
 * @humangov/sdk/kafka: the Kafka transport (kafkajs 2.2.4, an optional peer dependency). See
 * `createKafkaTransport` for what publishing, subscribing and closing promise.
 */

export { createKafkaDeadLetterQueue, type KafkaDeadLetterQueueOptions } from './dlq/kafka.js';
export type {
  KafkaLogger,
  KafkaSaslOptions,
  KafkaTransportEvent,
  KafkaTransportOptions,
} from './transport/kafka/options.js';
export { createKafkaTransport, type KafkaTransport } from './transport/kafka/transport.js';
