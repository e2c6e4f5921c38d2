/**
 * The PostgreSQL saga store over a `pg` Pool (imported as types only). `create` and `save` are each one statement
 * (a data-modifying CTE writes the instance and its transition), so they are atomic without a transaction; with a
 * `sink`, that statement and the sink's write share one transaction.
 */
import type { Pool } from 'pg';
import { SagaConflictError } from '../errors.js';
import { inTransaction } from '../store/pg-transaction.js';
import type { PostgresTransaction } from '../store/postgres-outbox.js';
import type {
  SagaFailure,
  SagaHistory,
  SagaInstance,
  SagaStatus,
  SagaStore,
  SagaTransition,
  SagaTransitionSink,
} from './port.js';
import { type SagaTableNames, sagaTableNames } from './sql-tables.js';

export interface PostgresSagaStoreOptions {
  /** The pool every operation uses; the store does not end it. */
  readonly pool: Pool;
  /** Prefix of the tables (`<prefix>saga`, `<prefix>saga_transition`); letters, digits, `_`. @default 'humangov_' */
  readonly tablePrefix?: string;
  /**
   * Written in each create/save transaction, e.g. the transition into the outbox of a `createPostgresStore` on the
   * same pool. Without it each write is a single statement. @default none
   */
  readonly sink?: SagaTransitionSink<PostgresTransaction>;
}

export interface PostgresSagaStore extends SagaStore, SagaHistory {
  readonly tables: SagaTableNames;
  /** Creates the tables and indexes if they do not exist; safe to run from several processes at once. */
  migrate(): Promise<void>;
}

interface Row {
  saga_id: string;
  saga_name: string;
  status: string;
  step: string | null;
  state: unknown;
  failure: SagaFailure | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export function createPostgresSagaStore(options: PostgresSagaStoreOptions): PostgresSagaStore {
  const { pool } = options;
  const tables = sagaTableNames(options.tablePrefix);
  const { saga, transition: history } = tables;
  // JSON columns are passed as text: pg would send a JS array as a PostgreSQL array, not as JSON.
  const json = (value: unknown) => JSON.stringify(value);
  const { sink } = options;
  /** Runs the instance + transition statement (and the sink's write); `conflict` when it matched no row. */
  async function write(sql: string, params: unknown[], transition: SagaTransition, conflict: () => Error) {
    if (!sink) {
      const result = await pool.query(sql, params);
      if (result.rowCount === 0) throw conflict();
      return;
    }
    await sink.transactor.transaction(async (tx) => {
      const result = await tx.query(sql, params);
      if (result.rowCount === 0) throw conflict();
      await sink.write(tx, transition);
    });
  }

  return {
    tables,
    async migrate() {
      await inTransaction(pool, async (client) => {
        // Concurrent CREATE ... IF NOT EXISTS can still collide in the catalog; one migration at a time per prefix.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [saga]);
        await client.query(`
          CREATE TABLE IF NOT EXISTS ${saga} (
            saga_id text PRIMARY KEY,
            saga_name text NOT NULL,
            status text NOT NULL,
            step text,
            state jsonb NOT NULL,
            failure jsonb,
            version integer NOT NULL,
            created_at bigint NOT NULL,
            updated_at bigint NOT NULL);
          CREATE INDEX IF NOT EXISTS ${saga}_unfinished ON ${saga} (created_at)
            WHERE status IN ('running', 'compensating');
          CREATE TABLE IF NOT EXISTS ${history} (
            saga_id text NOT NULL,
            version integer NOT NULL,
            record jsonb NOT NULL,
            PRIMARY KEY (saga_id, version));`);
      });
    },
    async create(i, transition) {
      await write(
        `WITH created AS (
           INSERT INTO ${saga} (saga_id, saga_name, status, step, state, failure, version, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING saga_id)
         INSERT INTO ${history} (saga_id, version, record) SELECT saga_id, $7, $10::jsonb FROM created`,
        [
          i.sagaId,
          i.sagaName,
          i.status,
          i.step ?? null,
          json(i.state),
          i.failure ? json(i.failure) : null,
          i.version,
          i.createdAt,
          i.updatedAt,
          json(transition),
        ],
        transition,
        () => new SagaConflictError({ sagaId: i.sagaId, reason: 'exists' }),
      );
    },
    async save(i, transition) {
      const expectedVersion = i.version - 1;
      await write(
        `WITH updated AS (
           UPDATE ${saga} SET status = $2, step = $3, state = $4::jsonb, failure = $5::jsonb, version = $6,
             updated_at = $7
           WHERE saga_id = $1 AND version = $8 RETURNING saga_id)
         INSERT INTO ${history} (saga_id, version, record) SELECT saga_id, $6, $9::jsonb FROM updated`,
        [
          i.sagaId,
          i.status,
          i.step ?? null,
          json(i.state),
          i.failure ? json(i.failure) : null,
          i.version,
          i.updatedAt,
          expectedVersion,
          json(transition),
        ],
        transition,
        () => new SagaConflictError({ sagaId: i.sagaId, reason: 'version', expectedVersion }),
      );
    },
    async load(sagaId) {
      const result = await pool.query<Row>(`SELECT * FROM ${saga} WHERE saga_id = $1`, [sagaId]);
      const row = result.rows[0];
      return row && toInstance(row);
    },
    async listUnfinished() {
      const result = await pool.query<Row>(
        `SELECT * FROM ${saga} WHERE status IN ('running', 'compensating') ORDER BY created_at, saga_id`,
      );
      return result.rows.map(toInstance);
    },
    async history(sagaId) {
      const result = await pool.query<{ record: SagaTransition }>(
        `SELECT record FROM ${history} WHERE saga_id = $1 ORDER BY version`,
        [sagaId],
      );
      return result.rows.map((r) => r.record);
    },
  };
}

function toInstance(row: Row): SagaInstance {
  return {
    sagaId: row.saga_id,
    sagaName: row.saga_name,
    status: row.status as SagaStatus,
    ...(row.step !== null && { step: row.step }),
    state: row.state,
    ...(row.failure !== null && { failure: row.failure }),
    version: row.version,
    // bigint arrives as a string; clock ms fit a JS number exactly.
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
