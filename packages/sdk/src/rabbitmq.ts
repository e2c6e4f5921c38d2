/**
 * @humangov/sdk/rabbitmq: the RabbitMQ transport (amqplib 2.3, an optional peer dependency).
 *
 * ```ts
 * import { createRabbitMqTransport } from '@humangov/sdk/rabbitmq';
 * const transport = createRabbitMqTransport({ url: process.env.AMQP_URL });
 * ```
 *
 * Wire mapping (CloudEvents AMQP binding, binary mode): docs/amqp-mapping.md.
 */

export { createRabbitMqDeadLetterQueue, type RabbitMqDeadLetterQueueOptions } from './dlq/rabbitmq.js';
export { ATTRIBUTE_PREFIX, KEY_HEADER } from './transport/rabbitmq/codec.js';
export type {
  RabbitMqEvent,
  RabbitMqLogger,
  RabbitMqQueueType,
  RabbitMqReconnectOptions,
  RabbitMqTransportOptions,
} from './transport/rabbitmq/options.js';
export type { RabbitMqTransport } from './transport/rabbitmq/transport.js';
export { createRabbitMqTransport } from './transport/rabbitmq/transport.js';
