/**
 * `startCitizenRegistry`: the registry's HTTP API, and one outbox relay publishing what its transactions
 * committed to the context's transport. The registry consumes nothing.
 */

import type { EventMap } from '@humangov/events';
import { createOutbox, createOutboxRelay } from '@humangov/sdk';
import {
  createHttpApp,
  createReadiness,
  drainOutbox,
  type RunningService,
  type ServiceContext,
  type Tx,
} from '@humangov-examples/kit';
import { routes } from './api.js';
import { type Citizens, createCitizens, type LegacyRegistration } from './citizens.js';

export interface CitizenRegistryOptions {
  /** Port of the HTTP API. @default 0 (any free port; see `url`) */
  readonly port?: number;
  /** Interface the HTTP API listens on. @default '127.0.0.1' (a container sets '0.0.0.0') */
  readonly host?: string;
  /** How often the relay looks for committed events when nothing woke it (ms). @default 100 */
  readonly relayPollMs?: number;
}

/** The running registry: its API's base URL, and the legacy import path of the demo. */
export interface RunningCitizenRegistry extends RunningService {
  readonly url: string;
  /**
   * Registers a citizen through the not-yet-migrated import path, which publishes `citizen.registered` **v1**
   * (the name as one string) instead of v2, and `citizen.circumstances-changed` **v1** for its circumstances;
   * consumers that declare v2 receive them upcast. Resolves with the new `citizen_id`.
   */
  registerLegacy(registration: LegacyRegistration): Promise<string>;
}

/** The `source` of every event the registry publishes. */
export const REGISTRY_SOURCE = '/humangov/citizen-registry';

/** Starts the registry on `context` (its database, transport and token secret). */
export async function startCitizenRegistry(
  context: ServiceContext,
  options: CitizenRegistryOptions = {},
): Promise<RunningCitizenRegistry> {
  const { db } = context;
  const outbox = createOutbox<EventMap, Tx>({ store: db.outbox, source: REGISTRY_SOURCE });
  const citizens: Citizens = createCitizens({ records: db.records, outbox });
  const relay = createOutboxRelay({
    store: db.outbox,
    transport: context.transport,
    pollMs: options.relayPollMs ?? 100,
    onEvent: (event) => {
      if (event.kind === 'publish-failed')
        context.log('citizen-registry', `relay: publish to ${event.channel} failed, will retry`);
    },
  });
  const readiness = createReadiness(db);
  await relay.start();
  const app = routes(
    createHttpApp({ name: 'citizen-registry', tokenSecret: context.tokenSecret, readiness }),
    db,
    citizens,
  );
  let url: string;
  try {
    url = await app.listen(options.port ?? 0, options.host);
  } catch (error) {
    await relay.close();
    throw error;
  }
  readiness.markStarted();
  context.log('citizen-registry', `API listening on ${url}`);

  return {
    name: 'citizen-registry',
    readiness,
    url,
    async registerLegacy(registration) {
      const citizen = await db.transaction((tx) => citizens.registerLegacy(tx, registration));
      context.log('citizen-registry', `legacy import registered ${citizen.citizen_id} (citizen.registered v1)`);
      return citizen.citizen_id;
    },
    async close() {
      readiness.markStopping();
      // Nothing consumed, so nothing to drain first: stop taking requests, then let the relay finish its batch.
      await app.close();
      await drainOutbox(db.outbox);
      await relay.close();
    },
  };
}
