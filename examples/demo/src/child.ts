/**
 * One service in its own process: for `pnpm demo -- --transport kafka|rabbitmq` (controls over IPC) and as the
 * containers' entry (deploy/). Reads `DEMO_SERVICE`, `DEMO_SETTINGS` (settings.ts) and, when set:
 * - `PORT` / `HOST`: where citizen-registry and benefits serve their API, `/healthz` and `/readyz` included
 *   (default: any free port on 127.0.0.1; the image sets `HOST=0.0.0.0`);
 * - `HEALTH_PORT`: the consumers (no API) serve `/healthz` and `/readyz` on a small server there, on `HOST`.
 *
 * SIGTERM or SIGINT (or the `close` IPC message) closes the service gracefully: not ready at once, the router
 * stops fetching and finishes the messages in flight, the relay publishes its batch, the HTTP server closes, then
 * the transport, the database and the health server; the process exits 0 (1 if closing failed).
 */
import { createHealthServer, type HealthServer } from '@humangov-examples/kit';
import { startService } from './services.js';
import type { DemoSettings, ServiceName } from './settings.js';

const name = process.env.DEMO_SERVICE as ServiceName;
const settings = JSON.parse(process.env.DEMO_SETTINGS ?? '{}') as DemoSettings;
const send = (message: unknown) => process.send?.(message);

/** A port from the environment: undefined when unset, an error naming the variable when not a port. */
function portOf(variable: string): number | undefined {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`${variable} must be a port number from 0 to 65535, not "${raw}"`);
  }
  return port;
}

try {
  const host = process.env.HOST || undefined;
  const port = portOf('PORT');
  const healthPort = portOf('HEALTH_PORT');
  const service = await startService(name, settings, (svc, message) => send({ log: [svc, message] }), undefined, {
    ...(port !== undefined && { port }),
    ...(host && { host }),
  });
  let health: HealthServer | undefined;
  if (healthPort !== undefined && service.url === undefined) {
    health = await createHealthServer(service.readiness, { port: healthPort, ...(host && { host }) });
  }

  let closing: Promise<never> | undefined;
  const shutdown = (why: string) => {
    closing ??= (async () => {
      let code = 0;
      try {
        await service.close();
      } catch (error) {
        code = 1;
        console.error(`${name}: closing after ${why} failed:`, error);
      }
      await health?.close();
      process.exit(code);
    })();
    return closing;
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  process.on('message', async (message: { id?: number; method?: string; args?: unknown[]; close?: boolean }) => {
    if (message.close) return void shutdown('the close message');
    const control = message.method ? service.controls[message.method] : undefined;
    try {
      if (!control) throw new Error(`${name} has no control ${message.method}`);
      send({ id: message.id, result: await control(...(message.args ?? [])) });
    } catch (error) {
      send({ id: message.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
  send({ ready: { url: service.url, ...(health && { healthUrl: health.url }) } });
} catch (error) {
  send({ failed: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}
