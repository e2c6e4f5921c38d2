/**
 * Test plumbing the example services share (`@humangov-examples/kit/testing`): a service context on a SQLite file
 * in a temp folder and a memory broker, a listener that collects what reaches the broker (as a consumer group
 * would), `until` for eventually-true conditions, and a forwarding transport for Pact provider verification.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CloudEvent, catalog, type EventMap, type EventTypeOf } from '@humangov/events';
import {
  createMemoryBroker,
  createRouter,
  type MemoryBroker,
  type PublisherPort,
  type TransportMessage,
} from '@humangov/sdk';
import { createTransport, openDatabase, type ServiceContext, type Transport } from './index.js';

export const TOKEN_SECRET = 'test-secret-of-the-example-tokens';

export interface TestContext extends ServiceContext {
  readonly broker: MemoryBroker;
  readonly file: string;
  readonly lines: string[];
  dispose(): Promise<void>;
}

/** A context on a fresh SQLite file (removed by `dispose`) and `broker` (a new one by default). */
export async function createTestContext(
  service: string,
  broker: MemoryBroker = createMemoryBroker(),
): Promise<TestContext> {
  const folder = mkdtempSync(join(tmpdir(), `humangov-${service}-`));
  const file = join(folder, `${service}.db`);
  const db = await openDatabase({ kind: 'sqlite', file });
  const transport = createTransport({ kind: 'memory', broker }, service);
  const lines: string[] = [];
  return {
    broker,
    file,
    lines,
    db,
    transport,
    tokenSecret: TOKEN_SECRET,
    log: (_service, message) => lines.push(message),
    async dispose() {
      await transport.close();
      await db.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** A received event with the version it travelled with (before any upcast). */
export interface Seen {
  readonly event: CloudEvent;
  readonly wireVersion: string | undefined;
}

/** Collects every event of the catalog published on `broker`, as group `group` receives them. */
export async function listen(broker: MemoryBroker, group = 'test-listener') {
  const transport = createTransport({ kind: 'memory', broker }, group);
  const router = createRouter({ transport, group, shutdownOnSignals: false });
  const seen: Seen[] = [];
  for (const type of Object.keys(catalog) as EventTypeOf<EventMap>[]) {
    router.handle(type, async (event, { message }) => {
      seen.push({ event: event as CloudEvent, wireVersion: message.attributes.version });
    });
  }
  await router.start();
  return {
    seen,
    of: (type: string) => seen.filter((s) => s.event.type === type),
    /** The data of the events of `type` seen so far. */
    dataOf: (type: string) =>
      seen.filter((s) => s.event.type === type).map((s) => s.event.data as Record<string, unknown>),
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

/**
 * A transport for provider verification: subscribes through `subscriber` (a memory transport), publishes to the
 * capture transport of the interaction being verified (`captureInto`), and remembers what it published since.
 */
export function forwardingTransport(subscriber: Transport) {
  let target: PublisherPort | undefined;
  const sent: TransportMessage[] = [];
  const transport: Transport = {
    async publish(message, options) {
      sent.push(message);
      await target?.publish(message, options);
    },
    subscribe: (spec, handler) => subscriber.subscribe(spec, handler),
    close: () => subscriber.close(),
  };
  return {
    transport,
    /** From now on, publishes go to `into`. */
    captureInto(into: PublisherPort) {
      target = into;
      sent.length = 0;
    },
    /** Resolves once an event of `type` at `version` was published to the current capture. */
    published: (type: string, version: number) =>
      until(() => sent.some((m) => m.attributes.type === type && m.attributes.version === String(version))),
  };
}
