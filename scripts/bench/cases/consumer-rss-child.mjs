// Child process of the consumer-RSS case: an SDK router on Kafka reads `count` events of `topic` from the beginning
// (fresh group), sampling process.memoryUsage().rss every 50 ms; prints one JSON line with the result.
import { benchCodec } from '../lib/bench-codec.mjs';
import { loadSdk } from '../lib/load.mjs';
import { CHANNEL, EVENT_TYPE } from '../lib/payload.mjs';

const [brokersArg, topic, group, countArg] = process.argv.slice(2);
const count = Number(countArg);
let peak = process.memoryUsage().rss;
let peakHeap = 0;
const sampler = setInterval(() => {
  const { rss, heapUsed } = process.memoryUsage();
  peak = Math.max(peak, rss);
  peakHeap = Math.max(peakHeap, heapUsed);
}, 50);

const { sdk, kafka, events } = await loadSdk();
const baseline = process.memoryUsage().rss;
const transport = kafka.createKafkaTransport({
  brokers: brokersArg.split(','),
  channels: new Map([[CHANNEL, { kafka: { topic } }]]),
});
let seen = 0;
let done;
const finished = new Promise((resolve) => {
  done = resolve;
});
const codec = benchCodec(events, { kafkaTopic: topic });
const router = sdk.createRouter({ transport, codec, group, shutdownOnSignals: false }).handle(EVENT_TYPE, () => {
  if (++seen === count) done();
});
const started = performance.now();
await router.start();
await finished;
const ms = performance.now() - started;
await router.close();
await transport.close();
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
process.stdout.write(`${JSON.stringify({ peak, peakHeap, baseline, ms, count })}\n`);
