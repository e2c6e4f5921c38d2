// The benchmark's events: `notification.requested` v1 whose data serializes to exactly 1 KiB of JSON. The padding
// is a template parameter value (schema: maxLength 500, at most 50 parameters), so every event is valid.
import { randomUUID } from 'node:crypto';

export const EVENT_TYPE = 'notification.requested';
export const CHANNEL = 'notification.requested';
export const DATA_BYTES = 1024;

const WORDS = 'your application for jobseeker support was approved and the first payment is scheduled ';

function build(padding) {
  return {
    notification_id: randomUUID(),
    citizen_id: randomUUID(),
    channel: 'email',
    template_id: 'benefit-approved',
    template_version: 3,
    parameters: [
      { name: 'benefit', value: 'Jobseeker Support' },
      { name: 'first_payment_date', value: '21 April 2025' },
      { name: 'summary', value: WORDS.repeat(6).slice(0, Math.min(500, padding)) },
      { name: 'next_steps', value: WORDS.repeat(6).slice(0, Math.max(0, padding - 500)) },
    ],
    priority: 'normal',
    requested_by: 'benefits',
    application_id: randomUUID(),
    requested_at: '2025-04-21T06:02:45Z',
  };
}

/** `count` distinct data objects (own ids and partition keys), each exactly {@link DATA_BYTES} as JSON. */
export function dataPool(count = 1024) {
  const fixed = Buffer.byteLength(JSON.stringify(build(0)));
  const padding = DATA_BYTES - fixed;
  if (padding < 0 || padding > 1000) throw new Error(`payload: cannot pad ${fixed} bytes to ${DATA_BYTES}`);
  return Array.from({ length: count }, () => build(padding));
}
