/** One service in its own process, for `pnpm demo -- --transport kafka|rabbitmq`: controls over IPC. */
import { startService } from './services.js';
import type { DemoSettings, ServiceName } from './settings.js';

const name = process.env.DEMO_SERVICE as ServiceName;
const settings = JSON.parse(process.env.DEMO_SETTINGS ?? '{}') as DemoSettings;
const send = (message: unknown) => process.send?.(message);

try {
  const service = await startService(name, settings, (svc, message) => send({ log: [svc, message] }));
  process.on('message', async (message: { id?: number; method?: string; args?: unknown[]; close?: boolean }) => {
    if (message.close) {
      await service.close();
      process.exit(0);
    }
    const control = message.method ? service.controls[message.method] : undefined;
    try {
      if (!control) throw new Error(`${name} has no control ${message.method}`);
      send({ id: message.id, result: await control(...(message.args ?? [])) });
    } catch (error) {
      send({ id: message.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
  send({ ready: { url: service.url } });
} catch (error) {
  send({ failed: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}
