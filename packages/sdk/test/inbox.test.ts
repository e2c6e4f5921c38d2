/** The inbox middleware on the memory store, through a real router on the memory transport. */
import { createMemoryStore, type MemoryTransaction } from '@humangov/resilience';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { inbox } from '../src/inbox/inbox.js';
import { createPublisher } from '../src/publisher.js';
import { createRouter } from '../src/router.js';
import { createMemoryTransport } from '../src/transport/memory.js';
import { registered, waitFor } from './outbox-fixtures.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

function setup() {
  const transport = createMemoryTransport();
  const store = createMemoryStore();
  const publisher = createPublisher({ transport, source: '/humangov/inbox-test' });
  const router = createRouter({ transport, group: 'inbox-test', shutdownOnSignals: false });
  open.push(router, publisher, transport);
  return { transport, store, publisher, router };
}

describe('inbox middleware', () => {
  it('runs the side effect once for an event delivered twice', async () => {
    const { store, publisher, router } = setup();
    const dedupe = inbox(store.inbox, { group: 'inbox-test', onDuplicate: (e) => duplicates.push(e.id) });
    const duplicates: string[] = [];
    const effects: string[] = [];
    router.use(dedupe).handle(
      'citizen.registered',
      dedupe.handler(async (event, { tx, attempt }) => {
        expectTypeOf(tx).toEqualTypeOf<MemoryTransaction>();
        expectTypeOf(event.data.given_name).toEqualTypeOf<string>();
        expect(attempt).toBe(1);
        effects.push(event.id);
      }),
    );
    await router.start();
    const event = await publisher.publish('citizen.registered', registered);
    await publisher.publishEvent(event); // the redelivery: same id
    await waitFor('the duplicate', () => duplicates.length === 1);
    expect(effects).toEqual([event.id]);
  });

  it('a handler that throws rolls back its inbox record, so the redelivery runs it again', async () => {
    const { store, publisher, router } = setup();
    const dedupe = inbox(store.inbox, { group: 'inbox-test' });
    const attempts: number[] = [];
    router.use(dedupe).handle(
      'citizen.registered',
      dedupe.handler((_event, { attempt }) => {
        attempts.push(attempt);
        if (attempt === 1) throw new Error('transient');
      }),
    );
    await router.start();
    await publisher.publish('citizen.registered', registered);
    await waitFor('the retry', () => attempts.length === 2);
    expect(attempts).toEqual([1, 2]);
  });

  it('refuses to run a handler of an inbox the router does not use', async () => {
    const { store } = setup();
    const dedupe = inbox(store.inbox, { group: 'g' });
    const handler = dedupe.handler(() => {});
    expect(() => handler({} as never, { attempt: 1 } as never)).toThrow('does not use this inbox');
    // @ts-expect-error the context has no tx of another type
    dedupe.handler((_e, { tx }: { tx: string }) => void tx);
  });
});
