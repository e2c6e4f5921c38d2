// Rounds of alternating arms and the summary statistics of their samples.

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The `p`-th percentile (0 to 100, nearest rank) of `values`. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summarize(samples) {
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), n: samples.length };
}

/**
 * Runs every arm once per round; odd rounds run the arms in reverse order, so no arm always runs first (cold) or
 * last (after the others filled the broker's caches). Returns the samples of each arm by name.
 */
export async function alternate(rounds, arms, log) {
  const samples = Object.fromEntries(arms.map((arm) => [arm.name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? arms : [...arms].reverse();
    for (const arm of order) {
      const value = await arm.run(round);
      samples[arm.name].push(value);
      log(`  round ${round + 1}/${rounds} ${arm.name}: ${formatNumber(value)} ${arm.unit ?? ''}`.trimEnd());
    }
  }
  return samples;
}

export function formatNumber(value) {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** Messages per second of `count` messages over `ms`. */
export const rate = (count, ms) => (count * 1000) / ms;

/**
 * Counts deliveries; `finished` resolves with msg/s between the first and the last of `count` (connecting, group
 * join and the first fetch are left out: they are the same for both arms and not a per-message cost).
 */
export function messageCounter(count) {
  let seen = 0;
  let first = 0;
  let done;
  const finished = new Promise((resolve) => {
    done = resolve;
  });
  return {
    finished,
    tick() {
      if (seen === 0) first = performance.now();
      if (++seen === count) done(rate(count - 1, performance.now() - first));
    },
  };
}
