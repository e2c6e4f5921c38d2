/**
 * Kafka's default partitioner (Java client `Utils.murmur2` over the key's UTF-8 bytes, `toPositive`, modulo), in
 * 32-bit integer arithmetic. The Kafka transport's producer partitions with it, and the memory transport uses it so
 * that a key lands on the same partition number in memory as on a Kafka topic with as many partitions.
 */

const encoder = new TextEncoder();
/** Keys are encoded here, not into a new array per call: UTF-8 takes at most 3 bytes per UTF-16 unit. */
const scratch = new Uint8Array(3 * 256);

/** Kafka's murmur2 (seed 0x9747b28c) of `data`, as a signed 32-bit integer. */
export function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = 0x9747b28c ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = (data[i] ?? 0) | ((data[i + 1] ?? 0) << 8) | ((data[i + 2] ?? 0) << 16) | ((data[i + 3] ?? 0) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length % 4;
  if (rest === 3) h ^= (data[whole + 2] ?? 0) << 16;
  if (rest >= 2) h ^= (data[whole + 1] ?? 0) << 8;
  if (rest >= 1) h = Math.imul(h ^ (data[whole] ?? 0), m);
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition (0..partitions-1) of `key` (a string as its UTF-8 bytes): the one Kafka's default partitioner picks. */
export function partitionOf(key: string | Uint8Array, partitions: number): number {
  let bytes: Uint8Array;
  if (typeof key !== 'string') bytes = key;
  else if (key.length * 3 <= scratch.length) bytes = scratch.subarray(0, encoder.encodeInto(key, scratch).written);
  else bytes = encoder.encode(key);
  return (murmur2(bytes) & 0x7fffffff) % partitions;
}
