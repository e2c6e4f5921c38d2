/**
 * Headers recoverability carries on a message it redelivers through the broker (retry topic, TTL queue), so that
 * the next delivery knows its attempt number and where and when it first failed.
 */
export const REDELIVERY_HEADERS = {
  /** Number of the delivery this copy is: 2 on the first redelivery. */
  attempt: 'humangov-attempt',
  /** ISO time of the first failure. */
  firstFailure: 'humangov-first-failure',
  /** ISO time of the failure that sent this copy (the latest one). */
  lastFailure: 'humangov-last-failure',
  /** ISO time from which the copy may be delivered (Kafka retry topics: a consumer holds it until then). */
  due: 'humangov-due',
  /** Where the message was first read. */
  channel: 'humangov-origin-channel',
  partition: 'humangov-origin-partition',
  offset: 'humangov-origin-offset',
} as const;

/** Broker bookkeeping that must not be copied onto a message the SDK writes again (AMQP `x-death`...). */
export function withoutBrokerHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!/^x-(death|first-death|last-death)/.test(name)) out[name] = value;
  }
  return out;
}
