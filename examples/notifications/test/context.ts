/**
 * Test plumbing: a service context on a SQLite file in a temp folder and a memory broker, a listener that
 * collects what reaches the broker (as a consumer group would), and `until` for eventually-true conditions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CloudEvent, catalog, type EventMap, type EventTypeOf } from '@humangov/events';
import { createMemoryBroker, createRouter, type MemoryBroker } from '@humangov/sdk';
import { createTransport, openDatabase, type ServiceContext } from '@humangov-examples/kit';

export interface TestContext extends ServiceContext {
  readonly broker: MemoryBroker;
  readonly lines: string[];
  dispose(): Promise<void>;
}

/** A context on a fresh SQLite file (removed by `dispose`) and a new memory broker. */
export async function createTestContext(service: string): Promise<TestContext> {
  const broker = createMemoryBroker();
  const folder = mkdtempSync(join(tmpdir(), `humangov-${service}-`));
  const db = await openDatabase({ kind: 'sqlite', file: join(folder, `${service}.db`) });
  const transport = createTransport({ kind: 'memory', broker }, service);
  const lines: string[] = [];
  return {
    broker,
    lines,
    db,
    transport,
    tokenSecret: 'test-secret-of-the-example-tokens',
    log: (_service, message) => lines.push(message),
    async dispose() {
      await transport.close();
      await db.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Collects every event of the catalog published on `broker`, as group `group` receives them. */
export async function listen(broker: MemoryBroker, group = 'test-listener') {
  const transport = createTransport({ kind: 'memory', broker }, group);
  const router = createRouter({ transport, group, shutdownOnSignals: false });
  const seen: CloudEvent[] = [];
  for (const type of Object.keys(catalog) as EventTypeOf<EventMap>[]) {
    router.handle(type, async (event) => {
      seen.push(event as CloudEvent);
    });
  }
  await router.start();
  return {
    seen,
    /** The data of the events of `type` seen so far. */
    of: (type: string) => seen.filter((e) => e.type === type).map((e) => e.data as Record<string, unknown>),
    async close() {
      await router.close();
      await transport.close();
    },
  };
}

/** Resolves once `condition` returns a truthy value (checked every 10 ms); the test's timeout bounds it. */
export async function until<T>(
  condition: () => T | Promise<T>,
): Promise<Exclude<T, false | 0 | '' | null | undefined>> {
  for (;;) {
    const value = await condition();
    if (value) return value as Exclude<T, false | 0 | '' | null | undefined>;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
