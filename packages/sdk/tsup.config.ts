import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    kafka: 'src/kafka.ts',
    rabbitmq: 'src/rabbitmq.ts',
    // The `humangov-dlq` executable ("bin" in package.json); no types of its own.
    'dlq-bin': 'src/dlq/bin.ts',
  },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', kafka: 'src/kafka.ts', rabbitmq: 'src/rabbitmq.ts' } },
  clean: true,
  target: 'node20',
  sourcemap: false,
  external: ['kafkajs', 'amqplib'],
});
