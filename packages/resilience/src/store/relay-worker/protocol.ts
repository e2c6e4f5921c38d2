/** Messages between a relay-store worker and its host (see host.ts). */
import type { PostgresRelayStoreOptions, SqliteRelayStoreOptions } from './options.js';
import type { PackedRows } from './packing.js';

/** Which store the worker opens, from options that survive `postMessage` (no functions, no live objects). */
export type StoreSpec =
  | { readonly kind: 'sqlite'; readonly options: SqliteRelayStoreOptions }
  | { readonly kind: 'postgres'; readonly options: PostgresRelayStoreOptions };

export type Request =
  | { readonly id: number; readonly op: 'claim'; readonly limit: number; readonly leaseMs: number }
  | { readonly id: number; readonly op: 'markPublished' | 'release'; readonly ids: readonly string[] }
  | { readonly id: number; readonly op: 'cleanup'; readonly olderThanMs: number }
  | { readonly id: number; readonly op: 'lag' | 'listen' | 'unlisten' | 'resign' | 'close' };

/** What crossed the thread of a failure: enough for a typed error on the host. */
export interface RemoteError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
}

export interface Success {
  readonly id: number;
  readonly ok: true;
  readonly value?: unknown;
  readonly rows?: PackedRows;
}

export type Reply =
  | Success
  | { readonly id: number; readonly ok: false; readonly error: RemoteError }
  | { readonly notify: true };
