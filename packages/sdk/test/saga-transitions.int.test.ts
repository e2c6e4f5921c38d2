/**
 * Saga transitions reach the outbox as `benefit.saga-transitioned` events in the saga store's own transaction, on
 * the memory store, SQLite (a temp file) and PostgreSQL (DATABASE_URL; unreachable fails the file).
 */
import {
  createMemorySagaStore,
  createMemoryStore,
  createSagaRunner,
  defineSaga,
  type OutboxStore,
  type SagaHistory,
  type SagaStore,
  type SagaTransition,
  type SagaTransitionSink,
} from '@humangov/resilience';
import { createPostgresSagaStore } from '@humangov/resilience/postgres';
import { createSqliteSagaStore } from '@humangov/resilience/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromTransportMessage } from '../src/binary-mode.js';
import { createOutbox } from '../src/outbox/outbox.js';
import { sagaTransitionEvents } from '../src/outbox/saga-transitions.js';
import { postgresStore, requirePostgres, sqliteStore } from './outbox-fixtures.js';

type Pool = Awaited<ReturnType<typeof requirePostgres>>;
let pool: Pool;
const cleanups: (() => Promise<void>)[] = [];
beforeAll(async () => {
  pool = await requirePostgres(5);
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await pool?.end();
});

class GatewayDown extends Error {
  readonly code = 'PAYMENT_GATEWAY_DOWN';
}

/** Approve, then a payment step that fails: the saga compensates the approval and ends failed. */
const benefitSaga = defineSaga({
  name: 'benefit-application',
  initial: (input: { applicationId: string }) => ({ ...input, approved: false }),
  steps: [
    { name: 'approve', action: async () => ({ approved: true }), compensate: async () => {} },
    {
      name: 'schedule-payment',
      action: async () => {
        throw new GatewayDown('gateway unavailable');
      },
    },
  ],
});

interface Setup {
  readonly sagas: SagaStore & SagaHistory;
  readonly outbox: OutboxStore<never>;
}
type Write = SagaTransitionSink<never>['write'];

/** One saga store with a sink into an outbox on the same database, per kind. `wrap` may decorate the write. */
const kinds: Record<string, (wrap: (write: Write) => Write) => Promise<Setup>> = {
  memory: async (wrap) => {
    const store = createMemoryStore();
    const write = sagaTransitionEvents(createOutbox({ store: store.outbox, source: '/humangov/benefits' }));
    const sagas = createMemorySagaStore({ sink: { transactor: store, write: wrap(write as Write) } });
    return { sagas, outbox: store.outbox as OutboxStore<never> };
  },
  sqlite: async (wrap) => {
    const store = await sqliteStore();
    cleanups.push(store.drop);
    const write = sagaTransitionEvents(createOutbox({ store: store.outbox, source: '/humangov/benefits' }));
    const sagas = createSqliteSagaStore({
      db: store.db,
      tablePrefix: `${store.tables.outbox}_`,
      sink: { transactor: store, write: wrap(write as Write) },
    });
    await sagas.migrate();
    return { sagas, outbox: store.outbox as OutboxStore<never> };
  },
  postgres: async (wrap) => {
    const store = await postgresStore(pool, 'saga_events');
    const write = sagaTransitionEvents(createOutbox({ store: store.outbox, source: '/humangov/benefits' }));
    const sagas = createPostgresSagaStore({
      pool,
      tablePrefix: `${store.tables.outbox}_`,
      sink: { transactor: store, write: wrap(write as Write) },
    });
    await sagas.migrate();
    cleanups.push(async () => {
      await store.drop();
      await pool.query(`DROP TABLE IF EXISTS ${sagas.tables.saga}, ${sagas.tables.transition}`);
    });
    return { sagas, outbox: store.outbox as OutboxStore<never> };
  },
};

async function outboxEvents(outbox: OutboxStore<never>) {
  const rows = await outbox.claim(100, 60_000);
  return rows.map((row) => {
    const decoded = fromTransportMessage(row);
    if (!decoded.value) throw new Error(`undecodable outbox row ${row.id}: ${JSON.stringify(decoded.issues)}`);
    return decoded.value as { id: string; type: string; correlationid: string; data: unknown };
  });
}

describe.each(Object.keys(kinds))('saga transitions as events (%s)', (kind) => {
  const setup = kinds[kind]!;

  it('writes one benefit.saga-transitioned event per committed transition, in order, with a stable id', async () => {
    const { sagas, outbox } = await setup((write) => write);
    const instance = await createSagaRunner({ store: sagas }).start('app-1', benefitSaga, { applicationId: 'app-1' });
    expect(instance.status).toBe('failed');

    const history = await sagas.history('app-1');
    const events = await outboxEvents(outbox);
    expect(events.map((e) => e.type)).toEqual(history.map(() => 'benefit.saga-transitioned'));
    expect(events.map((e) => (e.data as { kind: string }).kind)).toEqual(history.map((t) => t.kind));
    expect(events.map((e) => e.id)).toEqual(history.map((t) => `saga:app-1:${t.version}`));
    expect(new Set(events.map((e) => e.correlationid))).toEqual(new Set(['app-1']));
    expect(events.find((e) => (e.data as { kind: string }).kind === 'step-failed')?.data).toMatchObject({
      saga_id: 'app-1',
      saga_name: 'benefit-application',
      step: 'schedule-payment',
      from: { status: 'running', step: 'schedule-payment' },
      to: { status: 'compensating', step: 'approve' },
      error: { step: 'schedule-payment', error_type: 'Error', message: 'gateway unavailable' },
    });
    // The state (which may carry personal data) stays in the saga store.
    expect(JSON.stringify(events.map((e) => e.data))).not.toContain('approved');
  });

  it('a sink write that fails rolls the saga write back: no transition without its event, none the other way', async () => {
    let writes = 0;
    const { sagas, outbox } = await setup((write) => async (tx, t: SagaTransition) => {
      if (++writes === 3) throw new Error('outbox full');
      return write(tx, t);
    });
    await expect(
      createSagaRunner({ store: sagas }).start('app-2', benefitSaga, { applicationId: 'app-2' }),
    ).rejects.toThrow('outbox full');

    const history = await sagas.history('app-2');
    expect(history.map((t) => t.version)).toEqual([1, 2]);
    expect((await sagas.load('app-2'))?.version).toBe(2);
    expect((await outboxEvents(outbox)).map((e) => e.id)).toEqual(['saga:app-2:1', 'saga:app-2:2']);
  });
});
