import { catalog } from '@humangov/events';
import { createMemoryStore, retry } from '@humangov/resilience';
import { createOutbox, createOutboxRelay, type OutboxRelay, type OutboxRelayEvent } from '@humangov/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, type HarnessOptions } from './harness.js';

// The point of the fault wrapper, second part: a broker that refuses publishes (or loses their confirmations) for
// a while. The outbox relay and a retried publisher get every event through; a lost confirmation costs a
// duplicate, never a loss.
const registered = catalog['citizen.registered'].versions[2].examples[0]!;
const citizen = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const open: (Harness | OutboxRelay)[] = [];
afterEach(async () => {
  for (const closable of open.splice(0).reverse())
    await ('dispose' in closable ? closable.dispose() : closable.close());
});

async function relayThrough(faults: HarnessOptions['faults'], n: number) {
  const harness = createHarness({ faults });
  const store = createMemoryStore();
  const outbox = createOutbox({ store: store.outbox, source: '/humangov/citizen-registry' });
  const events: OutboxRelayEvent[] = [];
  const relay = createOutboxRelay({ store: store.outbox, transport: harness.transport, pollMs: 10 });
  relay.onEvent((e) => events.push(e));
  open.push(harness, relay);
  const ids = await store.transaction(async (tx) => {
    const added: string[] = [];
    for (let i = 0; i < n; i++)
      added.push((await outbox.add(tx, 'citizen.registered', { ...registered, citizen_id: citizen(i) })).id);
    return added;
  });
  await relay.start();
  await harness.waitFor(async () => (await relay.lag()).pending === 0);
  return { harness, ids, failures: events.filter((e) => e.kind === 'publish-failed') };
}

describe('publish failures and recoverability', () => {
  it('the outbox relay retries publishes the broker refused: every event arrives, once', async () => {
    const { harness, ids, failures } = await relayThrough({ rules: [{ fault: 'fail', times: 3 }] }, 10);
    expect(harness.faults!.stats.injected.fail).toBe(3);
    expect(failures).toHaveLength(3);
    expect(failures.every((f) => f.kind === 'publish-failed' && (f.error as { retryable?: boolean }).retryable)).toBe(
      true,
    );
    expect(harness.published.map((e) => e.id).sort()).toEqual([...ids].sort());
  });

  it('a lost confirmation makes the relay publish again: a duplicate, nothing lost', async () => {
    const { harness, ids, failures } = await relayThrough({ rules: [{ fault: 'lose-confirm', nth: [2, 5] }] }, 10);
    expect(failures).toHaveLength(2);
    const published = harness.published.map((e) => e.id);
    expect(new Set(published)).toEqual(new Set(ids));
    expect(published).toHaveLength(ids.length + 2);
    const lost = harness.faults!.log.map((f) => f.id);
    for (const id of lost) expect(published.filter((p) => p === id)).toHaveLength(2);
  });

  it('a publisher under a retry policy on the harness clock gets through N refusals, with backoff in fake time', async () => {
    const harness = createHarness({ faults: { rules: [{ fault: 'fail', times: 4 }] } });
    open.push(harness);
    const policy = retry({ maxAttempts: 5, initialDelayMs: 1_000, clock: harness.clock, random: () => 0.5 });
    const attempts: number[] = [];
    policy.onRetry((e) => attempts.push(e.attempt));
    const started = harness.clock.now();
    const publishing = policy.execute(() =>
      harness.publisher.publish('citizen.registered', { ...registered, citizen_id: citizen(1) }),
    );
    const event = await harness.waitFor(
      'citizen.registered',
      { citizen_id: citizen(1) },
      {
        timeoutMs: 60_000,
        stepMs: 250, // coarser steps: fewer real turns for a wait that is long in fake time
      },
    );
    expect((await publishing).id).toBe(event.id);
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(harness.published).toHaveLength(1);
    // Full jitter at 0.5: 500 + 1,000 + 2,000 + 4,000 ms of backoff, all on the fake clock.
    expect(harness.clock.now() - started).toBeGreaterThanOrEqual(7_500);
  });
});
