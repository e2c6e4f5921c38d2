/**
 * Acks without waiting for the broker's answer. The transport has settled the message when `ack()` returns (the
 * partition moves on) and stores the ack in the background (Kafka: offsets committed in batches, flushed before
 * the next fetch and on close). Waiting for each commit round trip would cap a partition at one message per round
 * trip. A failed store is reported by the transport (Kafka `consumer.commit-failed`) and means a redelivery, which
 * is at-least-once as always.
 */
export function settle(ack: Promise<void>): void {
  ack.catch(ignore);
}

// One function for every message: no closure per ack.
const ignore = (): void => {};
