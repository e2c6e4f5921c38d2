import { describe, expect, it } from 'vitest';
import { murmur2, partitionOf } from './partition.js';

const encoder = new TextEncoder();

describe('Kafka default partitioning', () => {
  it('hashes keys like the Java client (Kafka UtilsTest) and kafkajs', () => {
    const java: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    const kafkajs: [string, number][] = [
      ['', 275646681],
      ['a', -1563381124],
      ['abcd', -1323649548],
      ['citizen-42', -2077400460],
      ['ünïcode ✓', 1435552901],
      ['application-0001', -1674117794],
    ];
    for (const [key, hash] of [...java, ...kafkajs]) expect(murmur2(encoder.encode(key)), key).toBe(hash);
    expect(['key-1', 'key-2', 'key-3', 'key-4', 'key-5'].map((k) => partitionOf(k, 4))).toEqual([0, 2, 3, 1, 0]);
  });

  it('partitions a string key by its UTF-8 bytes, however long, the same as those bytes given directly', () => {
    const keys = ['citizen-42', 'ünïcode ✓', '😀'.repeat(300), 'x'.repeat(10_000), `lone ${'\ud800'} surrogate`];
    for (const key of keys) {
      const bytes = Buffer.from(key); // what kafkajs hashes: a lone surrogate becomes U+FFFD, as in UTF-8 encoders
      expect(partitionOf(key, 12), key.slice(0, 20)).toBe(partitionOf(bytes, 12));
      expect(partitionOf(key, 12)).toBe((murmur2(bytes) & 0x7fffffff) % 12);
    }
    // The reused encoding array holds no bytes of an earlier, longer key.
    expect(partitionOf('ab', 1000)).toBe((murmur2(encoder.encode('ab')) & 0x7fffffff) % 1000);
  });
});
