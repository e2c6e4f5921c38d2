import { describe, expect, it } from 'vitest';
import type { TransportMessage } from '../port.js';
import { createKafkaTransport } from './transport.js';

// Checked before any broker is needed: nothing listens on this port.
describe('kafka transport: a message whose body is not bytes', () => {
  const message = {
    channel: 'citizen.registered',
    attributes: { id: 'e1' },
    headers: {},
    body: '{"citizen_id":"c1"}',
  } as unknown as TransportMessage;

  it('is refused with a TypeError by publish and by publishBatch, before anything is sent', async () => {
    const transport = createKafkaTransport({ brokers: ['127.0.0.1:1'] });
    try {
      await expect(transport.publish(message)).rejects.toThrow(
        new TypeError('kafka: a message body must be a Uint8Array'),
      );
      await expect(transport.publishBatch([message])).rejects.toThrow(TypeError);
    } finally {
      await transport.close();
    }
  });
});
