// Per-call overhead of retry + circuit breaker + timeout around a no-op async function: @humangov/resilience
// against cockatiel (the same composition, the same options), in the same process. Wall time per awaited call,
// sequential calls, no failures (the happy path every call of a healthy dependency pays).
import { requireFromResilience } from '../lib/load.mjs';
import { alternate, median } from '../lib/stats.mjs';

const CALLS = 200_000;
const WARMUP = 100_000;
const PART_CALLS = 100_000;

/** Nanoseconds of wall time per awaited `call()`, over `count` sequential calls. */
async function nsPerCall(count, call) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await call();
  return Number(process.hrtime.bigint() - started) / count;
}

export async function resiliencePolicies({ resilience: hg }, { rounds, log }) {
  const ck = requireFromResilience('cockatiel');
  const noop = async () => {};

  const ours = hg.wrap(hg.retry(), hg.circuitBreaker(), hg.timeout(1000));
  const theirs = ck.wrap(
    ck.retry(ck.handleAll, { maxAttempts: 3 }),
    ck.circuitBreaker(ck.handleAll, { halfOpenAfter: 10_000, breaker: new ck.ConsecutiveBreaker(5) }),
    ck.timeout(1000, ck.TimeoutStrategy.Cooperative),
  );
  const arms = {
    '@humangov/resilience wrap(retry(), circuitBreaker(), timeout(1000))': () => ours.execute(noop),
    'cockatiel wrap(retry, circuitBreaker, timeout) (same options)': () => theirs.execute(noop),
  };
  // Each policy alone, and the bare call, to show where the time goes (informational).
  const parts = {
    'bare await of the no-op': noop,
    '@humangov retry() alone': (
      (p) => () =>
        p.execute(noop)
    )(hg.retry()),
    'cockatiel retry alone': (
      (p) => () =>
        p.execute(noop)
    )(ck.retry(ck.handleAll, { maxAttempts: 3 })),
    '@humangov circuitBreaker() alone': (
      (p) => () =>
        p.execute(noop)
    )(hg.circuitBreaker()),
    'cockatiel circuitBreaker alone': (
      (p) => () =>
        p.execute(noop)
    )(ck.circuitBreaker(ck.handleAll, { halfOpenAfter: 10_000, breaker: new ck.ConsecutiveBreaker(5) })),
    '@humangov timeout(1000) alone': (
      (p) => () =>
        p.execute(noop)
    )(hg.timeout(1000)),
    'cockatiel timeout alone': (
      (p) => () =>
        p.execute(noop)
    )(ck.timeout(1000, ck.TimeoutStrategy.Cooperative)),
    '@humangov wrap() of nothing': (
      (p) => () =>
        p.execute(noop)
    )(hg.wrap()),
  };
  for (const call of [...Object.values(arms), ...Object.values(parts)]) await nsPerCall(WARMUP, call);
  const toArms = (table, count) =>
    Object.entries(table).map(([name, call]) => ({ name, unit: 'ns/call', run: () => nsPerCall(count, call) }));
  const samples = await alternate(rounds, toArms(arms, CALLS), log);
  const partSamples = await alternate(Math.min(rounds, 3), toArms(parts, PART_CALLS), log);
  const [oursArm, theirsArm] = Object.keys(arms);
  const ratio = median(samples[oursArm]) / median(samples[theirsArm]);
  return {
    id: 'policies',
    title: 'Retry + circuit breaker + timeout on a no-op (per call)',
    unit: 'ns/call',
    notes: [
      `${CALLS.toLocaleString('en-US')} sequential awaited \`execute(async () => {})\` calls per arm and round after ${WARMUP.toLocaleString('en-US')} warm-up calls; wall time (process.hrtime). No call fails, so no retry waits and the breaker stays closed: this is what every call of a healthy dependency pays.`,
      'cockatiel 3.2.1: `wrap(retry(handleAll, { maxAttempts: 3 }), circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }), timeout(1000, TimeoutStrategy.Cooperative))`. @humangov/resilience defaults: 3 attempts, consecutive breaker of 5, half-open after 10 s, cooperative timeout. Ratio: @humangov median / cockatiel median.',
      `The "alone" rows (${PART_CALLS.toLocaleString('en-US')} calls, ${Math.min(rounds, 3)} rounds) time each policy by itself, to show where the time goes.`,
    ],
    rows: [
      {
        arm: oursArm,
        samples: samples[oursArm],
        ratio: `${ratio.toFixed(2)}x cockatiel`,
        target: '<= 1.00x cockatiel',
        met: ratio <= 1,
      },
      { arm: theirsArm, samples: samples[theirsArm], ratio: '1.00x' },
      ...Object.keys(parts).map((arm) => ({ arm: `alone: ${arm}`, samples: partSamples[arm] })),
    ],
  };
}
