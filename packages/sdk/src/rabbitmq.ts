/** @humangov/sdk/rabbitmq: the RabbitMQ transport (amqplib 2.3, an optional peer dependency). */
export {};
