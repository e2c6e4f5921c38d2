/**
 * Where the services run. In process (the embedded default, memory transport): one shared memory broker, every
 * service started here. As processes (Kafka or RabbitMQ): one child per service (`child.ts`), started in order,
 * each announcing its URL; the scenario calls their controls over IPC. Either way the scenario sees one `Host`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createMemoryBroker } from '@humangov/sdk';
import type { Log } from '@humangov-examples/kit';
import { startService } from './services.js';
import { type DemoSettings, SERVICE_NAMES, type ServiceName } from './settings.js';

export interface HostedService {
  readonly url?: string;
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T>;
}

export interface Host {
  service(name: ServiceName): HostedService;
  close(): Promise<void>;
}

export async function startInProcess(settings: DemoSettings, log: Log): Promise<Host> {
  const broker = createMemoryBroker({ partitions: 4 });
  const started = new Map<ServiceName, Awaited<ReturnType<typeof startService>>>();
  for (const name of SERVICE_NAMES) {
    started.set(name, await startService(name, settings, log, broker));
    log('demo', `${name} started${started.get(name)?.url ? ` at ${started.get(name)?.url}` : ''}`);
  }
  return {
    service(name) {
      const s = started.get(name)!;
      return {
        ...(s.url !== undefined && { url: s.url }),
        call: async <T>(method: string, ...args: unknown[]) => {
          const control = s.controls[method];
          if (!control) throw new Error(`${name} has no control ${method}`);
          return (await control(...args)) as T;
        },
      };
    },
    async close() {
      for (const name of [...SERVICE_NAMES].reverse()) await started.get(name)?.close();
    },
  };
}

interface Reply {
  readonly id?: number;
  readonly result?: unknown;
  readonly error?: string;
  readonly ready?: { readonly url?: string };
  readonly log?: readonly [string, string];
  readonly failed?: string;
}

export async function startProcesses(settings: DemoSettings, log: Log): Promise<Host> {
  const children = new Map<ServiceName, { child: ChildProcess; url?: string }>();
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  const childPath = fileURLToPath(new URL('./child.ts', import.meta.url));

  const stopAll = async () => {
    await Promise.all(
      [...children.values()].map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.send({ close: true });
            setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
          }),
      ),
    );
  };

  for (const name of SERVICE_NAMES) {
    const child = fork(childPath, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, DEMO_SERVICE: name, DEMO_SETTINGS: JSON.stringify(settings) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const url = await new Promise<string | undefined>((resolve, reject) => {
      child.on('message', (message: Reply) => {
        if (message.log) log(message.log[0], message.log[1]);
        else if (message.ready) resolve(message.ready.url);
        else if (message.failed) reject(new Error(`${name} could not start: ${message.failed}`));
        else if (message.id !== undefined) {
          const waiter = pending.get(message.id);
          pending.delete(message.id);
          if (message.error !== undefined) waiter?.reject(new Error(message.error));
          else waiter?.resolve(message.result);
        }
      });
      child.once('exit', (code) => reject(new Error(`${name} exited with code ${code} before it was ready`)));
    }).catch(async (error: Error) => {
      await stopAll();
      throw error;
    });
    children.set(name, { child, ...(url !== undefined && { url }) });
    log('demo', `${name} started as pid ${child.pid}${url ? ` at ${url}` : ''}`);
  }

  return {
    service(name) {
      const { child, url } = children.get(name)!;
      return {
        ...(url !== undefined && { url }),
        call: <T>(method: string, ...args: unknown[]) =>
          new Promise<T>((resolve, reject) => {
            const id = nextId++;
            pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
            child.send({ id, method, args });
          }),
      };
    },
    close: stopAll,
  };
}
