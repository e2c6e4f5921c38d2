/**
 * Starts one example service for the demo, in this process: its transport (counted), its database, its simulated
 * gateways, and the controls the scenario drives (outages, summaries, replay, verification). The in-process host
 * calls the controls directly; a child process exposes the same controls over IPC.
 */

import { createMemoryDeadLetterQueue, type MemoryBroker } from '@humangov/sdk';
import { createKafkaDeadLetterQueue } from '@humangov/sdk/kafka';
import { createRabbitMqDeadLetterQueue } from '@humangov/sdk/rabbitmq';
import { startAudit } from '@humangov-examples/audit';
import { startBenefits } from '@humangov-examples/benefits';
import { startCitizenRegistry } from '@humangov-examples/citizen-registry';
import { startEligibility } from '@humangov-examples/eligibility';
import {
  createTransport,
  type DatabaseConfig,
  type Log,
  openDatabase,
  type Readiness,
  type ServiceContext,
  type TransportConfig,
} from '@humangov-examples/kit';
import { createSimulatedDeliveryGateway, startNotifications } from '@humangov-examples/notifications';
import { createSimulatedBank, startPayments } from '@humangov-examples/payments';
import { countingTransport } from './counting-transport.js';
import type { DemoSettings, ServiceName } from './settings.js';

export type Controls = Record<string, (...args: any[]) => Promise<unknown>>;

export interface StartedService {
  readonly url?: string;
  /** The service's readiness (`/readyz`): ready once it runs, not ready from the start of `close()`. */
  readonly readiness: Readiness;
  readonly controls: Controls;
  close(): Promise<void>;
}

/** Where the HTTP APIs listen (the containers set `PORT` and `HOST`). @default any free port on 127.0.0.1 */
export interface HttpSettings {
  readonly port?: number;
  readonly host?: string;
}

export async function startService(
  name: ServiceName,
  settings: DemoSettings,
  log: Log,
  broker?: MemoryBroker,
  http: HttpSettings = {},
): Promise<StartedService> {
  const transportConfig: TransportConfig =
    settings.transport === 'memory'
      ? { kind: 'memory', broker: broker! }
      : settings.transport === 'kafka'
        ? { kind: 'kafka', brokers: settings.kafkaBrokers }
        : { kind: 'rabbitmq', url: settings.amqpUrl };
  const dbConfig: DatabaseConfig =
    settings.db === 'sqlite'
      ? { kind: 'sqlite', file: `${settings.dataDir}/${name}.db` }
      : { kind: 'postgres', url: settings.databaseUrl, prefix: `demo_${settings.runId}_${name.replace('-', '_')}_` };
  const published = new Set<string>();
  const transport = countingTransport(createTransport(transportConfig, name), published);
  const db = await openDatabase(dbConfig);
  const context: ServiceContext = { transport, db, log, tokenSecret: settings.tokenSecret };
  const base: Controls = { published: async () => [...published] };

  const started = await (async (): Promise<{
    service: { url?: string; readiness: Readiness; close(): Promise<void> };
    controls: Controls;
  }> => {
    switch (name) {
      case 'audit': {
        const service = await startAudit(context);
        return { service, controls: { verify: () => service.verifyChain(), audited: () => service.eventIds() } };
      }
      case 'eligibility':
        return { service: await startEligibility(context), controls: {} };
      case 'payments': {
        const bank = createSimulatedBank({ latencyMs: 3 });
        const service = await startPayments(context, { bank, breakerOpenMs: 500 });
        return {
          service,
          controls: {
            outage: async (on: boolean) => bank.outage(on),
            summary: () => service.summary(),
            breaker: async () => service.breakerState(),
            bankCalls: async () => bank.stats.calls,
          },
        };
      }
      case 'notifications': {
        const gateway = createSimulatedDeliveryGateway({ failureRate: 0.05 });
        const group = 'notifications';
        const deadLetters =
          settings.transport === 'memory'
            ? createMemoryDeadLetterQueue({ broker: broker!, group })
            : settings.transport === 'kafka'
              ? createKafkaDeadLetterQueue({ brokers: settings.kafkaBrokers, group })
              : createRabbitMqDeadLetterQueue({ url: settings.amqpUrl, group });
        const service = await startNotifications(context, { gateway, deadLetters });
        return {
          service,
          controls: {
            outage: async (on: boolean) => gateway.outage(on),
            summary: () => service.summary(),
            replay: () => service.replayDeadLetters(),
          },
        };
      }
      case 'benefits': {
        const service = await startBenefits(context, {
          port: http.port ?? 0,
          ...(http.host && { host: http.host }),
          stepTimeoutMs: 20_000,
        });
        return {
          service,
          controls: {
            summary: async () => {
              const byStatus = await service.summary();
              return { total: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus };
            },
            awards: () => service.awards(),
          },
        };
      }
      case 'citizen-registry': {
        const service = await startCitizenRegistry(context, {
          port: http.port ?? 0,
          ...(http.host && { host: http.host }),
        });
        return {
          service,
          controls: {
            registerLegacy: (input: Parameters<typeof service.registerLegacy>[0]) => service.registerLegacy(input),
          },
        };
      }
    }
  })();

  return {
    ...(started.service.url !== undefined && { url: started.service.url }),
    readiness: started.service.readiness,
    controls: { ...base, ...started.controls },
    async close() {
      await started.service.close();
      await transport.close();
      await db.close();
    },
  };
}
