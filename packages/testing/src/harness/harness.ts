/**
 * The test harness: a memory broker (optionally behind injected faults), a typed publisher and router over the
 * catalog, one fake clock for everything, the record of every event the broker stored, and typed expectations.
 */
import {
  type AnyEventOf,
  type CloudEvent,
  type Codec,
  catalog,
  createCodec,
  type DataOf,
  type EventMap,
  type EventMapShape,
  type EventOf,
  type EventTypeOf,
  type LatestVersionOf,
  upcasters,
  type VersionOf,
} from '@humangov/events';
import { createFakeClock, type FakeClock, type TimerHandle } from '@humangov/resilience';
import {
  createMemoryBroker,
  createMemoryTransport,
  createPublisher,
  createRouter,
  type MemoryBroker,
  type Publisher,
  type Router,
  type Transport,
} from '@humangov/sdk';
import { HarnessError } from '../errors.js';
import { delay } from '../wait.js';
import { createFaultyTransport, type Faults, type FaultyTransportOptions } from './faulty-transport.js';
import { closest, type DeepPartial, type Mismatch, mismatches, show } from './match.js';
import { createRecordingTransport } from './recorder.js';

/** Options of `createHarness`. */
export interface HarnessOptions<M extends EventMapShape = EventMap> {
  /**
   * Faults injected between the code under test and the broker (see `createFaultyTransport`; the harness clock
   * drives their delays). @default none: `harness.transport` is the memory transport itself
   */
  readonly faults?: Omit<FaultyTransportOptions, 'clock'>;
  /** `source` of the events `harness.publisher` publishes. @default '/humangov/test' */
  readonly source?: string;
  /** Consumer group of `harness.router`. @default 'harness' */
  readonly group?: string;
  /**
   * The catalog's codec. @default the HumanGov catalog with its upcasters, whose event `time` is read from the
   * harness clock
   */
  readonly codec?: Codec<M>;
  /** The one clock of the harness. @default createFakeClock(Date.parse('2025-01-01T00:00:00Z')) */
  readonly clock?: FakeClock;
  /** Partitions of each channel of the memory broker. @default 4 */
  readonly partitions?: number;
}

/** Options of `harness.waitFor`. */
export interface HarnessWaitOptions {
  /** Gives up (a `HarnessError`, code `HUMANGOV_WAIT_TIMEOUT` or `HUMANGOV_EVENT_NOT_PUBLISHED`) once this much time passed on the harness clock. @default 5_000 */
  readonly timeoutMs?: number;
  /** How far the clock moves between two checks. @default 10 */
  readonly stepMs?: number;
}

/** Options of `expectEvent` and `waitFor` for an event type. */
export interface ExpectEventOptions<V extends number> extends HarnessWaitOptions {
  /** The version the data is compared at; events of other versions are not candidates. @default the latest */
  readonly version?: V;
}

export interface Harness<M extends EventMapShape = EventMap> {
  /** The clock of everything the harness made (fault delays, memory nack delays, event `time`); pass it to policies. */
  readonly clock: FakeClock;
  /** The memory broker: `createMemoryTransport({ broker })` adds another process on it (its publishes are not recorded). */
  readonly broker: MemoryBroker;
  /** The transport to give the code under test: records what it stores; injects `options.faults` if any. */
  readonly transport: Transport;
  /** What was injected (undefined without `options.faults`). */
  readonly faults: Faults | undefined;
  /** A typed publisher on `transport`. */
  readonly publisher: Publisher<M>;
  /** A router on `transport` (group `options.group`); add routes, then `await harness.router.start()`. */
  readonly router: Router<M>;
  /**
   * Every catalog event the broker stored through `transport`, in order, as soon as it was stored: duplicates a
   * fault or a retry caused appear twice; a publish that failed does not appear; dead letters are not events here.
   */
  readonly published: readonly AnyEventOf<M>[];
  /**
   * The first published event of `type` (at the latest version, or `options.version`) whose data matches `data`
   * (every field given must be equal; arrays match element by element; other fields are ignored). Throws a
   * `HarnessError` (`HUMANGOV_EVENT_NOT_PUBLISHED`) whose message shows the closest candidate and its differences.
   */
  expectEvent<T extends EventTypeOf<M>, V extends VersionOf<M, T> = LatestVersionOf<M, T>>(
    type: T,
    data?: DeepPartial<DataOf<M, T, V>>,
    options?: ExpectEventOptions<V>,
  ): EventOf<M, T, V>;
  /**
   * Waits until `expectEvent(type, data, options)` would succeed, and resolves with that event. Waiting moves the
   * harness clock (`stepMs` at a time, firing its timers as they fall due) and gives real I/O a turn (1 real ms)
   * between checks; on timeout it rejects with the report of `expectEvent`.
   */
  waitFor<T extends EventTypeOf<M>, V extends VersionOf<M, T> = LatestVersionOf<M, T>>(
    type: T,
    data?: DeepPartial<DataOf<M, T, V>>,
    options?: ExpectEventOptions<V>,
  ): Promise<EventOf<M, T, V>>;
  /** Waits, as above, until `until(published)` is true; a timeout rejects with code `HUMANGOV_WAIT_TIMEOUT`. */
  waitFor(
    until: (published: readonly AnyEventOf<M>[]) => boolean | Promise<boolean>,
    options?: HarnessWaitOptions,
  ): Promise<void>;
  /** Closes the router, the publisher and the transport (pending fault delays are cancelled). Idempotent. */
  dispose(): Promise<void>;
}

const START = Date.parse('2025-01-01T00:00:00Z');

/**
 * Creates a harness on a fresh memory broker. Everything runs in the process: no broker, no real sleeps (waits
 * move the fake clock). Call `dispose()` after each test.
 */
export function createHarness<M extends EventMapShape = EventMap>(options: HarnessOptions<M> = {}): Harness<M> {
  const clock = options.clock ?? createFakeClock(START);
  const codec =
    options.codec ??
    (createCodec<EventMap>(catalog, { upcasters, now: () => new Date(clock.now()) }) as unknown as Codec<M>);
  const broker = createMemoryBroker({ partitions: options.partitions ?? 4 });
  const memory = createMemoryTransport({
    broker,
    timers: {
      setTimeout: (fn, ms) => clock.setTimeout(fn, ms),
      clearTimeout: (handle) => clock.clearTimeout(handle as TimerHandle),
    },
  });
  const published: AnyEventOf<M>[] = [];
  const recording = createRecordingTransport(memory, codec, (event) => published.push(event as AnyEventOf<M>));
  const faulty = options.faults ? createFaultyTransport(recording, { ...options.faults, clock }) : undefined;
  const transport = faulty ?? recording;
  const publisher = createPublisher<M>({ transport, source: options.source ?? '/humangov/test', codec });
  const router = createRouter<M>({ transport, group: options.group ?? 'harness', codec, shutdownOnSignals: false });
  let disposing: Promise<void> | undefined;

  const find = (type: string, data: unknown, version: number | undefined) => {
    const at = version ?? codec.catalog[type]?.latest;
    const candidates = published.filter((e) => e.type === type && e.version === at) as CloudEvent[];
    const diff = (e: CloudEvent): Mismatch[] => (data === undefined ? [] : mismatches(e.data, data));
    const found = candidates.find((e) => diff(e).length === 0);
    return { found, report: () => report(type, at, data, candidates, diff) };
  };

  const report = (
    type: string,
    version: number | undefined,
    data: unknown,
    candidates: readonly CloudEvent[],
    diff: (e: CloudEvent) => Mismatch[],
  ): string => {
    const what = `${type} v${String(version)}${data === undefined ? '' : ` event matching ${show(data, 200)}`}`;
    const lines = [`no ${what} was published.`];
    const best = closest(candidates, diff);
    if (best) {
      lines.push(`Closest: event ${best.index + 1} of ${candidates.length} (id ${best.candidate.id}):`);
      for (const m of best.mismatches.slice(0, 10))
        lines.push(`  ${m.path}: expected ${show(m.expected)}, got ${show(m.actual)}`);
      if (best.mismatches.length > 10) lines.push(`  ... and ${best.mismatches.length - 10} more differences`);
    }
    const others = published.filter((e) => e.type === type && e.version !== version).map((e) => e.version);
    if (others.length > 0)
      lines.push(
        `${others.length} ${type} event(s) at other versions (${[...new Set(others)].join(', ')}): pass { version }.`,
      );
    if (codec.catalog[type] === undefined) lines.push(`${type} is not an event type of the catalog.`);
    const counts = new Map<string, number>();
    for (const e of published) counts.set(`${e.type} v${e.version}`, (counts.get(`${e.type} v${e.version}`) ?? 0) + 1);
    const summary = [...counts].map(([name, n]) => `${name} x${n}`).join(', ');
    lines.push(`Published: ${summary || 'nothing'}.`);
    return lines.join('\n');
  };

  /** Checks, then moves the clock and gives real I/O a turn, until `check` is true or the clock passed the timeout. */
  const until = async (
    check: () => boolean | Promise<boolean>,
    waitOptions: HarnessWaitOptions,
    timedOut: () => HarnessError,
  ): Promise<void> => {
    const timeoutMs = waitOptions.timeoutMs ?? 5_000;
    const stepMs = waitOptions.stepMs ?? 10;
    if (!(timeoutMs >= 0) || !(stepMs > 0))
      throw new TypeError(`harness.waitFor: timeoutMs must be >= 0 and stepMs > 0, got ${timeoutMs} and ${stepMs}`);
    const deadline = clock.now() + timeoutMs;
    for (;;) {
      if (disposing) throw new HarnessError('HUMANGOV_HARNESS_DISPOSED', 'harness.waitFor: the harness was disposed');
      if (await check()) return;
      if (clock.now() >= deadline) throw timedOut();
      await delay(1);
      await clock.advance(Math.min(stepMs, deadline - clock.now()));
    }
  };

  const harness: Harness<M> = {
    clock,
    broker,
    transport,
    faults: faulty?.faults,
    publisher,
    router,
    published,
    expectEvent(type: string, data?: unknown, expectOptions?: ExpectEventOptions<number>) {
      const { found, report: explain } = find(type, data, expectOptions?.version);
      if (found) return found;
      throw new HarnessError('HUMANGOV_EVENT_NOT_PUBLISHED', `expectEvent: ${explain()}`);
    },
    async waitFor(target: string | ((p: readonly AnyEventOf<M>[]) => boolean | Promise<boolean>), ...rest: unknown[]) {
      if (typeof target === 'function') {
        const waitOptions = (rest[0] ?? {}) as HarnessWaitOptions;
        return until(
          () => target(published),
          waitOptions,
          () =>
            new HarnessError(
              'HUMANGOV_WAIT_TIMEOUT',
              `harness.waitFor: the condition was still false after ${waitOptions.timeoutMs ?? 5_000} ms on the harness clock (${published.length} events published)`,
            ),
        );
      }
      const [data, expectOptions = {}] = rest as [unknown, ExpectEventOptions<number> | undefined];
      let result: CloudEvent | undefined;
      await until(
        () => {
          result = find(target, data, expectOptions.version).found;
          return result !== undefined;
        },
        expectOptions,
        () =>
          new HarnessError(
            'HUMANGOV_EVENT_NOT_PUBLISHED',
            `harness.waitFor: after ${expectOptions.timeoutMs ?? 5_000} ms on the harness clock, ${find(target, data, expectOptions.version).report()}`,
          ),
      );
      return result;
    },
    dispose() {
      disposing ??= (async () => {
        await router.close();
        await publisher.close();
        await transport.close();
      })();
      return disposing;
    },
  } as Harness<M>;
  return harness;
}
