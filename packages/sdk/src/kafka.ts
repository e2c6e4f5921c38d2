/** @humangov/sdk/kafka: the Kafka transport (kafkajs 2.2.4, an optional peer dependency). */
export {};
