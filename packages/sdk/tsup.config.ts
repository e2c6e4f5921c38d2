import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/kafka.ts', 'src/rabbitmq.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  sourcemap: false,
  external: ['kafkajs', 'amqplib'],
});
