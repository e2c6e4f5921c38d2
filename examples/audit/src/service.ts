/**
 * `startAudit`: consumes every event type of the catalog into the hash-chained log (`chain.ts`), deduplicated by
 * event id (inbox), and verifies the chain on demand, publishing `audit.chain-verified` through the outbox.
 *
 * One chain means one appender at a time: appends are serialised in this process (a queue around the inbox
 * transaction, since each event type is its own subscription) and, across processes, by the head's version
 * check inside the append's transaction (the loser rolls back and its event is redelivered).
 */
import { randomUUID } from 'node:crypto';
import { type CloudEvent, catalog, type EventMap, type EventTypeOf, humangov } from '@humangov/events';
import {
  type AnyHandler,
  createOutbox,
  createOutboxRelay,
  createRouter,
  fromTransportMessage,
  inbox,
  type Middleware,
  type Outbox,
} from '@humangov/sdk';
import {
  createReadiness,
  drainOutbox,
  type Records,
  type RunningService,
  type ServiceContext,
  type Tx,
} from '@humangov-examples/kit';
import { type AuditRecord, append, type ChainVerification, KINDS, verifyChain } from './chain.js';

/** The `source` of every event audit publishes. */
export const AUDIT_SOURCE = '/humangov/audit';

export interface AuditOptions {
  /** How often the relay looks for committed events when nothing woke it (ms). @default 100 */
  readonly relayPollMs?: number;
}

export interface RunningAudit extends RunningService {
  /** Verifies the whole chain, publishes `audit.chain-verified` (intact or broken) and resolves with the result. */
  verifyChain(): Promise<ChainVerification>;
  /** Ids of every event in the log, in log order (for reconciliation: published = audited). */
  eventIds(): Promise<string[]>;
  /** Records in the log. */
  count(): Promise<number>;
}

/** Runs the calls it wraps one at a time, in arrival order. */
function serialise(): Middleware {
  let tail: Promise<unknown> = Promise.resolve();
  return (next: AnyHandler): AnyHandler =>
    (event, context) => {
      const run = tail.then(() => next(event, context));
      tail = run.catch(() => {});
      return run;
    };
}

/**
 * The event exactly as it travelled (its own version, not upcast), read again from the transport message; the
 * router has already decoded and validated it.
 */
function original(event: CloudEvent, message: Parameters<AnyHandler>[1]['message']): CloudEvent {
  const decoded = fromTransportMessage(message);
  if (decoded.issues) return event;
  const checked = humangov.validateOwned(decoded.value);
  return checked.issues ? event : (checked.value as CloudEvent);
}

/** Verifies the chain and writes `audit.chain-verified` to the outbox (published by the service's relay). */
export async function verifyAndRecord(
  db: { readonly records: Records; transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> },
  outbox: Outbox<EventMap, Tx>,
): Promise<ChainVerification> {
  const startedAt = new Date().toISOString();
  const result = await verifyChain(db.records);
  await db.transaction((tx) =>
    outbox.add(tx, 'audit.chain-verified', {
      verification_id: randomUUID(),
      status: result.ok ? 'intact' : 'broken',
      from_sequence: 0,
      to_sequence: Math.max(0, result.records - 1),
      records_checked: result.records,
      ...(result.firstBroken && { first_broken_sequence: result.firstBroken.seq }),
      head_hash: result.headHash,
      started_at: startedAt,
      completed_at: new Date().toISOString(),
    }),
  );
  return result;
}

export async function startAudit(context: ServiceContext, options: AuditOptions = {}): Promise<RunningAudit> {
  const { db, log } = context;
  const outbox = createOutbox<EventMap, Tx>({ store: db.outbox, source: AUDIT_SOURCE });
  const relay = createOutboxRelay({
    store: db.outbox,
    transport: context.transport,
    pollMs: options.relayPollMs ?? 100,
  });
  const dedupe = inbox(db.inbox, { group: 'audit' });
  const router = createRouter({ transport: context.transport, group: 'audit', shutdownOnSignals: false })
    .use(serialise())
    .use(dedupe);
  const appendEvent = dedupe.handler<CloudEvent>(async (event, { tx, message }) => {
    await append(db.records, tx, original(event, message));
  });
  for (const type of Object.keys(catalog) as EventTypeOf<EventMap>[]) {
    router.handle(type, { concurrency: 1 }, appendEvent as never);
  }

  const readiness = createReadiness(db);
  await relay.start();
  try {
    await router.start();
  } catch (error) {
    await relay.close();
    throw error;
  }
  readiness.markStarted();
  log('audit', `appending ${Object.keys(catalog).length} event types to the hash chain`);

  return {
    name: 'audit',
    readiness,
    async verifyChain() {
      const result = await verifyAndRecord(db, outbox);
      log(
        'audit',
        result.ok
          ? `chain intact: ${result.records} records`
          : `chain BROKEN at record ${result.firstBroken?.seq} (${result.records} records before it verified)`,
      );
      return result;
    },
    async eventIds() {
      const ids: string[] = [];
      let after = '';
      for (;;) {
        const page = await db.records.list<AuditRecord>(KINDS.record, { after, limit: 1000 });
        for (const record of page) ids.push(record.value.event.id);
        if (page.length < 1000) return ids;
        after = page[page.length - 1]!.id;
      }
    },
    count: () => db.records.count(KINDS.record),
    async close() {
      readiness.markStopping();
      await router.close();
      await drainOutbox(db.outbox);
      await relay.close();
    },
  };
}
