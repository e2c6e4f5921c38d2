import { catalog } from '@humangov/events';
import { createMemoryStore } from '@humangov/resilience';
import { inbox } from '@humangov/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';

// The point of the fault wrapper: an at-least-once broker delivers some messages twice, and the SDK's inbox
// middleware is what makes a handler's side effect happen once anyway. Without the inbox it happens twice.
const registered = catalog['citizen.registered'].versions[2].examples[0]!;
const citizen = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const N = 20;

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.dispose()));
});

/** Publishes N registrations through a broker that delivers each twice; returns the side effects applied. */
async function run(withInbox: boolean) {
  const harness = createHarness({ group: 'welcome-letters', faults: { rules: [{ fault: 'duplicate' }] } });
  harnesses.push(harness);
  const store = createMemoryStore({ now: harness.clock.now });
  const lettersSent: string[] = [];
  let handled = 0;
  harness.router.onEvent((e) => {
    if (e.kind === 'handled') handled++;
  });
  if (withInbox) {
    const dedupe = inbox(store.inbox, { group: 'welcome-letters' });
    harness.router.use(dedupe).handle(
      'citizen.registered',
      dedupe.handler(async (event) => {
        lettersSent.push(event.data.citizen_id);
      }),
    );
  } else {
    harness.router.handle('citizen.registered', (event) => void lettersSent.push(event.data.citizen_id));
  }
  await harness.router.start();
  for (let i = 0; i < N; i++)
    await harness.publisher.publish('citizen.registered', { ...registered, citizen_id: citizen(i) });
  await harness.waitFor(() => handled === 2 * N); // every message delivered (and acked) twice
  return { lettersSent, stats: harness.faults!.stats };
}

describe('duplicate deliveries and the inbox', () => {
  it('with the inbox middleware, each side effect happens exactly once although every message came twice', async () => {
    const { lettersSent, stats } = await run(true);
    expect(stats.injected.duplicate).toBe(N);
    expect(lettersSent).toHaveLength(N);
    expect(new Set(lettersSent).size).toBe(N);
  });

  it('without it, the same run sends every letter twice (the fault is real)', async () => {
    const { lettersSent, stats } = await run(false);
    expect(stats.injected.duplicate).toBe(N);
    expect(lettersSent).toHaveLength(2 * N);
    expect(new Set(lettersSent).size).toBe(N);
  });
});
