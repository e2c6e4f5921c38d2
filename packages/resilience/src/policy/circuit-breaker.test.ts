import { describe, expect, it } from 'vitest';
import { createFakeClock, type FakeClock } from '../clock.js';
import { type CircuitBreakerOptions, type CircuitStateChange, circuitBreaker } from './circuit-breaker.js';

const down = new Error('down');
const ok = async () => 'ok';
const fail = async (): Promise<string> => {
  throw down;
};

function setup(options: Omit<CircuitBreakerOptions, 'clock'> = {}, clock: FakeClock = createFakeClock()) {
  const breaker = circuitBreaker({ halfOpenAfterMs: 1_000, ...options, clock });
  const changes: string[] = [];
  breaker.onStateChange(({ from, to }: CircuitStateChange) => changes.push(`${from}->${to}`));
  const call = (fn: () => Promise<string>) => breaker.execute(fn).catch((e: unknown) => e);
  return { clock, breaker, changes, call };
}

describe('circuitBreaker', () => {
  it('opens after n consecutive failures, fails fast, half-opens after the wait and closes on a probe success', async () => {
    const { clock, breaker, changes, call } = setup({ breaker: { type: 'consecutive', failures: 3 } });
    await call(fail);
    await call(fail);
    await call(ok); // a success resets the count
    for (let i = 0; i < 3; i++) await call(fail);
    expect(breaker.state).toBe('open');

    let ran = false;
    const rejected = await call(async () => {
      ran = true;
      return 'x';
    });
    expect(ran).toBe(false);
    expect(rejected).toMatchObject({ code: 'HUMANGOV_BROKEN_CIRCUIT', retryable: true, retryAfterMs: 1_000 });
    await clock.advance(400);
    expect(await call(ok)).toMatchObject({ retryAfterMs: 600 });

    await clock.advance(600);
    expect(breaker.state).toBe('half-open');
    expect(await call(ok)).toBe('ok');
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['closed->open', 'open->half-open', 'half-open->closed']);
  });

  it('opens again when a half-open probe fails, restarting the wait', async () => {
    const { clock, breaker, changes, call } = setup({ breaker: { type: 'consecutive', failures: 1 } });
    await call(fail);
    await clock.advance(1_000);
    await call(fail);
    expect(breaker.state).toBe('open');
    expect(await call(ok)).toMatchObject({ retryAfterMs: 1_000 });
    expect(changes).toEqual(['closed->open', 'open->half-open', 'half-open->open']);
  });

  it('lets at most halfOpenMaxProbes probes run at once, rejects the rest, and closes after that many successes', async () => {
    const { clock, breaker, call } = setup({ breaker: { type: 'consecutive', failures: 1 }, halfOpenMaxProbes: 2 });
    await call(fail);
    await clock.advance(1_000);
    const release: (() => void)[] = [];
    const slowOk = () => new Promise<string>((resolve) => release.push(() => resolve('ok')));
    const probes = [call(slowOk), call(slowOk)];
    expect(await call(ok)).toMatchObject({ code: 'HUMANGOV_BROKEN_CIRCUIT', state: 'half-open', retryAfterMs: 0 });
    release[0]!();
    await probes[0];
    expect(breaker.state).toBe('half-open');
    release[1]!();
    await Promise.all(probes);
    expect(breaker.state).toBe('closed');
  });

  it('judges a count window by failure rate only once it holds minimumThroughput calls', async () => {
    const { breaker, call } = setup({ breaker: { type: 'count', size: 10 }, failureRate: 0.5, minimumThroughput: 4 });
    await call(fail);
    await call(fail);
    await call(fail);
    expect(breaker.state).toBe('closed'); // 3 of 3 failed, but below minimum throughput
    await call(ok);
    expect(breaker.state).toBe('open'); // 3 of 4
  });

  it('counts only the last N calls of a count window', async () => {
    const { breaker, call } = setup({ breaker: { type: 'count', size: 4 }, failureRate: 0.75, minimumThroughput: 4 });
    for (const fn of [fail, fail, ok, ok, ok, fail, fail]) await call(fn);
    expect(breaker.state).toBe('closed'); // window: ok ok fail fail
    await call(fail);
    expect(breaker.state).toBe('open'); // window: ok fail fail fail
  });

  it('opens on the slow-call rate, counting slow successes', async () => {
    const { clock, breaker, call } = setup({
      breaker: { type: 'count', size: 4 },
      minimumThroughput: 4,
      slowCallMs: 100,
      slowCallRate: 0.5,
    });
    const slow = async () => {
      await clock.sleep(150);
      return 'slow';
    };
    await call(ok);
    await call(ok);
    const a = call(slow);
    await clock.advance(150);
    await a;
    expect(breaker.state).toBe('closed'); // 1 slow of 3 calls, below minimum throughput anyway
    const b = call(slow);
    await clock.advance(150);
    expect(await b).toBe('slow');
    expect(breaker.state).toBe('open'); // 2 slow of 4
  });

  it('forgets calls older than a time window', async () => {
    const { clock, breaker, call } = setup({
      breaker: { type: 'time', windowMs: 10_000, buckets: 10 },
      failureRate: 0.5,
      minimumThroughput: 3,
    });
    await call(fail);
    await call(fail);
    await clock.advance(11_000);
    await call(fail);
    expect(breaker.state).toBe('closed'); // the first two have expired
    await clock.advance(1_000);
    await call(fail);
    await call(ok);
    expect(breaker.state).toBe('open'); // 2 of 3 within the window
  });

  it('ignores errors isFailure rejects, calls the caller aborted, and calls from an earlier period', async () => {
    const permanent = Object.assign(new Error('bad input'), { code: 'HUMANGOV_PERMANENT' });
    const { clock, breaker, call } = setup({
      breaker: { type: 'consecutive', failures: 2 },
      isFailure: (e) => e !== permanent,
    });
    for (let i = 0; i < 5; i++) await call(() => Promise.reject(permanent));
    const controller = new AbortController();
    controller.abort();
    for (let i = 0; i < 5; i++) await breaker.execute(fail, controller.signal).catch(() => {});
    expect(breaker.state).toBe('closed');

    let finishLate!: (v: string) => void;
    const late = call(() => new Promise<string>((_, reject) => (finishLate = () => reject(down))));
    await call(fail);
    await call(fail);
    await clock.advance(1_000);
    expect(breaker.state).toBe('half-open');
    finishLate('');
    await late;
    expect(breaker.state).toBe('half-open'); // the late failure belongs to the closed period
  });

  it('isolate() holds it open with non-retryable errors until reset()', async () => {
    const { clock, breaker, changes, call } = setup();
    breaker.isolate();
    await clock.advance(1_000_000);
    expect(breaker.state).toBe('open');
    expect(await call(ok)).toMatchObject({ isolated: true, retryable: false });
    breaker.reset();
    expect(await call(ok)).toBe('ok');
    expect(changes).toEqual(['closed->open', 'open->closed']);
  });

  it('round-trips its state through JSON, so a restarted process keeps the open time and the window', async () => {
    const first = setup({ breaker: { type: 'count', size: 5 }, minimumThroughput: 3 }, createFakeClock(50_000));
    await first.call(fail);
    await first.call(ok);
    await first.call(fail);
    expect(first.breaker.state).toBe('open');
    const stored = JSON.stringify(first.breaker);

    const clock = createFakeClock(50_400); // the new process starts 400 ms later
    const second = setup({ breaker: { type: 'count', size: 5 }, minimumThroughput: 3 }, clock);
    second.breaker.restore(JSON.parse(stored));
    expect(second.breaker.state).toBe('open');
    expect(await second.call(ok)).toMatchObject({ retryAfterMs: 600 });
    await clock.advance(600);
    expect(second.breaker.state).toBe('half-open');

    const closed = setup({ breaker: { type: 'count', size: 5 }, minimumThroughput: 3 });
    await closed.call(fail);
    await closed.call(ok);
    const again = setup({ breaker: { type: 'count', size: 5 }, minimumThroughput: 3 });
    again.breaker.restore(JSON.parse(JSON.stringify(closed.breaker)));
    expect(again.breaker.toJSON()).toEqual(closed.breaker.toJSON());
    await again.call(fail); // third call: 2 of 3 failed
    expect(again.breaker.state).toBe('open');
    expect(() => again.breaker.restore({ version: 2 } as never)).toThrow(TypeError);
  });

  it('rejects nonsensical options', () => {
    expect(() => circuitBreaker({ failureRate: 0 })).toThrow(RangeError);
    expect(() => circuitBreaker({ breaker: { type: 'count', size: 5 }, minimumThroughput: 6 })).toThrow(RangeError);
    expect(() => circuitBreaker({ slowCallMs: 100 })).toThrow(/needs a count or time window/);
  });
});
