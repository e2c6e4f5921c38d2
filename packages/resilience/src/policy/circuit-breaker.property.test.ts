import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../clock.js';
import { type CircuitBreakerOptions, type CircuitState, circuitBreaker } from './circuit-breaker.js';

const kinds = fc.oneof(
  fc.record({ type: fc.constant('consecutive' as const), failures: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ type: fc.constant('count' as const), size: fc.integer({ min: 6, max: 12 }) }),
  fc.record({
    type: fc.constant('time' as const),
    windowMs: fc.integer({ min: 500, max: 5_000 }),
    buckets: fc.integer({ min: 1, max: 10 }),
  }),
);

const options = kinds.chain((breaker) =>
  fc.record({
    breaker: fc.constant(breaker),
    failureRate: fc.double({ min: 0.1, max: 1, noNaN: true }),
    minimumThroughput: fc.integer({ min: 1, max: 6 }),
    slowCallMs: breaker.type === 'consecutive' ? fc.constant(undefined) : fc.option(fc.integer({ min: 50, max: 400 })),
    halfOpenAfterMs: fc.integer({ min: 100, max: 1_000 }),
    halfOpenMaxProbes: fc.integer({ min: 1, max: 3 }),
  }),
);

const command = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('call' as const), fails: fc.boolean(), ms: fc.nat(500) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.nat(2_000) }) },
);

const states: ReadonlySet<CircuitState> = new Set(['closed', 'open', 'half-open']);

describe('circuitBreaker (properties)', () => {
  it('keeps its state machine invariants under random concurrent call sequences', async () => {
    await fc.assert(
      fc.asyncProperty(options, fc.array(command, { maxLength: 60 }), async (raw, commands) => {
        const o = { ...raw, slowCallMs: raw.slowCallMs ?? undefined } satisfies Omit<CircuitBreakerOptions, 'clock'>;
        const clock = createFakeClock();
        const breaker = circuitBreaker({ ...o, clock });
        const violations: string[] = [];
        // Model of the current period (a period ends at every state change).
        let period = 0;
        let state: CircuitState = 'closed';
        let completedWhileClosed = 0;
        let probesRunning = 0;
        let probeSuccesses = 0;
        let mustCloseNext = false;
        const needed = o.breaker.type === 'consecutive' ? o.breaker.failures : o.minimumThroughput;

        breaker.onStateChange(({ from, to }) => {
          if (from !== state) violations.push(`change from ${from}, but the state was ${state}`);
          if (mustCloseNext && to !== 'closed') violations.push(`${o.halfOpenMaxProbes} probe successes, yet ${to}`);
          if (from === 'closed' && to === 'open' && completedWhileClosed < needed) {
            violations.push(`opened after ${completedWhileClosed} calls, needs ${needed}`);
          }
          mustCloseNext = false;
          state = to;
          period++;
          completedWhileClosed = probesRunning = probeSuccesses = 0;
        });

        const calls: Promise<unknown>[] = [];
        const start = (fails: boolean, ms: number) => {
          const seen = breaker.state;
          const myPeriod = period;
          const probe = seen === 'half-open';
          const fn = async () => {
            if (probe && ++probesRunning > o.halfOpenMaxProbes) violations.push(`${probesRunning} probes at once`);
            await clock.sleep(ms);
            if (myPeriod === period) {
              if (probe) probesRunning--;
              if (seen === 'closed') completedWhileClosed++;
              const slow = o.slowCallMs !== undefined && ms >= o.slowCallMs;
              if (probe && !fails && !slow && ++probeSuccesses >= o.halfOpenMaxProbes) mustCloseNext = true;
            }
            if (fails) throw new Error('down');
            return 'ok';
          };
          calls.push(
            breaker.execute(fn).then(
              () => {},
              (error: unknown) => {
                if (seen === 'open' && (error as { code?: string }).code !== 'HUMANGOV_BROKEN_CIRCUIT') {
                  violations.push('an open circuit ran a call');
                }
              },
            ),
          );
        };

        for (const c of commands) {
          if (c.kind === 'advance') await clock.advance(c.ms);
          else start(c.fails, c.ms);
          if (!states.has(breaker.state)) violations.push(`unknown state ${breaker.state}`);
          if (breaker.state !== state) violations.push(`state ${breaker.state}, but the last change said ${state}`);
        }
        await clock.runAll();
        await Promise.all(calls);
        if (mustCloseNext) violations.push('enough probe successes, but it never closed');
        expect(violations).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
