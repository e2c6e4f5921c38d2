/**
 * The transactional outbox, write side: `outbox.add(tx, type, data)` builds the event exactly as
 * `publisher.publish()` does (compile-time and run-time validation, CloudEvents envelope, trace context, partition
 * key) and stores its binary-mode transport message in the caller's database transaction. Nothing reaches a
 * broker until the transaction commits and a relay (`createOutboxRelay`) publishes it.
 */
import {
  type Codec,
  type CreateOptions,
  type DataOf,
  type EventMap,
  type EventMapShape,
  type EventOf,
  type EventTypeOf,
  humangov,
  type LatestVersionOf,
  type MessageVersion,
  type VersionOf,
} from '@humangov/events';
import type { OutboxStore } from '@humangov/resilience';
import { context, propagation } from '@opentelemetry/api';
import { toTransportMessage } from '../binary-mode.js';
import { SdkError } from '../errors.js';

export interface OutboxOptions<M extends EventMapShape, Tx> {
  /** Where rows go: `createMemoryStore().outbox`, or a SQLite / PostgreSQL store from @humangov/resilience. */
  readonly store: OutboxStore<Tx>;
  /** `source` of every event added, e.g. `/humangov/benefits`. */
  readonly source: string;
  /** The catalog's codec. @default the HumanGov catalog (`humangov` from @humangov/events) */
  readonly codec?: Codec<M>;
}

/** Envelope options of one `add` (those of `publish`, without the transport's). */
export type OutboxAddOptions<V extends number = number> = Omit<CreateOptions<V>, 'source'>;

export interface Outbox<M extends EventMapShape, Tx> {
  /**
   * Builds and validates an event of `type` (latest version, or `options.version`) and writes it to the outbox
   * inside `tx`, the caller's transaction; resolves with the event. Invalid data throws `EventValidationError`
   * and writes nothing. The row is published (at least once, in per-key order) only if `tx` commits.
   * The store write starts synchronously, before `add` returns: on SQLite, `add` works inside a synchronous
   * `db.transaction(() => ...)` function (the write has happened when the promise is returned).
   * The current OpenTelemetry context (if any) is recorded as `traceparent`, so consumers join the writer's trace.
   */
  add<T extends EventTypeOf<M>, V extends VersionOf<M, T> = LatestVersionOf<M, T>>(
    tx: Tx,
    type: T,
    data: DataOf<M, T, V>,
    options?: OutboxAddOptions<V>,
  ): Promise<EventOf<M, T, V>>;
}

export function createOutbox<M extends EventMapShape = EventMap, Tx = unknown>(
  options: OutboxOptions<M, Tx>,
): Outbox<M, Tx> {
  const codec = (options.codec ?? humangov) as unknown as Codec<M>;
  const { store, source } = options;
  return {
    add(tx, type, data, addOptions) {
      try {
        const carrier: Record<string, string> = {};
        propagation.inject(context.active(), carrier);
        const event = codec.create(type, data, { ...carrier, ...addOptions, source } as CreateOptions<never>);
        const entry = codec.catalog[event.type]?.versions[event.version as number] as MessageVersion | undefined;
        if (!entry) {
          throw new SdkError(
            'HUMANGOV_UNKNOWN_CHANNEL',
            `no channel for ${event.type} v${String(event.version)}`,
            false,
          );
        }
        return store.add(tx, [toTransportMessage(event, entry.channel)]).then(() => event);
      } catch (error) {
        return Promise.reject(error);
      }
    },
  } as Outbox<M, Tx>;
}
