/**
 * What every example service gets and gives: a context (transport, database, logger, token secret) and a running
 * service with `close()`. Services build their publisher, router, outbox relay and HTTP app from the context
 * with the public @humangov packages only.
 */
import type { PublisherPort, SubscriberPort } from '@humangov/sdk';
import { createMemoryTransport, type MemoryBroker } from '@humangov/sdk';
import { createKafkaTransport } from '@humangov/sdk/kafka';
import { createRabbitMqTransport } from '@humangov/sdk/rabbitmq';
import type { ServiceDatabase } from './db.js';
import type { Readiness } from './health.js';

export type Transport = PublisherPort & SubscriberPort & { close(): Promise<void> };

export type TransportConfig =
  | { readonly kind: 'memory'; readonly broker: MemoryBroker }
  | { readonly kind: 'kafka'; readonly brokers: readonly string[] }
  | { readonly kind: 'rabbitmq'; readonly url: string };

/** A transport for one service (one client id / connection per service, as separate processes would have). */
export function createTransport(config: TransportConfig, service: string): Transport {
  switch (config.kind) {
    case 'memory':
      return createMemoryTransport({ broker: config.broker });
    case 'kafka':
      return createKafkaTransport({ brokers: config.brokers, clientId: `humangov-${service}` });
    case 'rabbitmq':
      return createRabbitMqTransport({ url: config.url });
  }
}

/** A line of the demo's timeline; services report what a person watching would want to see. */
export type Log = (service: string, message: string) => void;

export interface ServiceContext {
  readonly transport: Transport;
  readonly db: ServiceDatabase;
  readonly log: Log;
  /** Secret of the example bearer tokens (see auth.ts). */
  readonly tokenSecret: string;
}

export interface RunningService {
  readonly name: string;
  /** Base URL of its HTTP API, for services that have one. */
  readonly url?: string;
  /**
   * Ready once its router and relay run and while its database answers; not ready from the start of `close()`.
   * Services with an HTTP API also answer it on `/readyz` there; `createHealthServer` serves it for the others.
   */
  readonly readiness: Readiness;
  /**
   * Marks itself not ready, stops consuming (in-flight work finishes) and relaying (the batch in flight is
   * published), closes its HTTP server. The context stays open.
   */
  close(): Promise<void>;
}
