// Peak RSS of a consumer over 100,000 events: a child process (its own heap, nothing of the benchmark's) runs an
// SDK router on Kafka over a pre-filled topic and samples its RSS every 50 ms.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { fill } from './kafka-consume.mjs';

const MESSAGES = 100_000;
const LIMIT_MB = 200;
const MB = 2 ** 20;
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'consumer-rss-child.mjs');

export async function consumerRss(modules, pool, env, { brokers, log, topic, filled }) {
  if (filled < MESSAGES) {
    log(`  filling ${topic} up to ${MESSAGES.toLocaleString('en-US')} events...`);
    await fill(modules, pool, env, { brokers, topic, count: MESSAGES - filled });
  }
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [CHILD, brokers.join(','), topic, env.routerGroup('rss'), String(MESSAGES)],
    { timeout: 600_000 },
  );
  const { peak, peakHeap, baseline, ms } = JSON.parse(stdout.trim().split('\n').at(-1));
  log(
    `  peak RSS ${(peak / MB).toFixed(1)} MB (after loading the SDK: ${(baseline / MB).toFixed(1)} MB), ${Math.round(ms / 1000)} s`,
  );
  return {
    id: 'rss',
    title: `Peak RSS of a consumer over ${MESSAGES.toLocaleString('en-US')} events`,
    unit: 'MB',
    notes: [
      `A child \`node\` process loads the SDK, runs \`createRouter\` (defaults, no-op handler) on Kafka over ${MESSAGES.toLocaleString('en-US')} events of 1 KiB (6 partitions, fresh group, from the beginning) and samples \`process.memoryUsage().rss\` every 50 ms; one run. RSS after loading the SDK, before consuming: ${(baseline / MB).toFixed(1)} MB; peak V8 heap used: ${(peakHeap / MB).toFixed(1)} MB. It took ${Math.round(ms / 1000)} s (${Math.round((MESSAGES * 1000) / ms).toLocaleString('en-US')} msg/s including the group join).`,
    ],
    rows: [
      { arm: 'SDK router, peak RSS', samples: [peak / MB], target: `< ${LIMIT_MB} MB`, met: peak / MB < LIMIT_MB },
    ],
  };
}
