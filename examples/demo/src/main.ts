/**
 * `pnpm demo [-- --transport memory|kafka|rabbitmq] [--db sqlite|postgres] [--citizens N]`
 *
 * Runs the six example services — in this process on the embedded default (memory transport, SQLite files in a
 * temporary folder), or one process each on real Kafka / RabbitMQ (and PostgreSQL with `--db postgres`) — drives
 * the scenario, prints a timeline, then the reconciliation. Exits 0 only if every check holds.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Host, startInProcess, startProcesses } from './host.js';
import { reconcile } from './reconcile.js';
import { type ApplicationSummary, FINAL_STATUSES, runScenario } from './scenario.js';
import type { DbKind, DemoSettings, TransportKind } from './settings.js';

const { values } = parseArgs({
  options: {
    transport: { type: 'string', default: 'memory' },
    db: { type: 'string', default: 'sqlite' },
    citizens: { type: 'string', default: '50' },
  },
});
const transport = values.transport as TransportKind;
const db = values.db as DbKind;
if (!['memory', 'kafka', 'rabbitmq'].includes(transport) || !['sqlite', 'postgres'].includes(db)) {
  console.error('usage: pnpm demo [-- --transport memory|kafka|rabbitmq] [--db sqlite|postgres] [--citizens N]');
  process.exit(2);
}
const citizens = Number(values.citizens);
if (!Number.isInteger(citizens) || citizens < 10) {
  console.error('--citizens must be an integer >= 10');
  process.exit(2);
}

const dataDir = mkdtempSync(join(tmpdir(), 'humangov-demo-'));
const settings: DemoSettings = {
  transport,
  db,
  dataDir,
  runId: `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`,
  tokenSecret: randomBytes(32).toString('hex'),
  kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  amqpUrl: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://humangov:humangov@127.0.0.1:5432/humangov',
  citizens,
};

const started = performance.now();
const stamp = () => `+${((performance.now() - started) / 1000).toFixed(1).padStart(5)}s`;
// The timeline shows what a person watching wants to see: saga starts and routine steps are left out.
const routine = /: saga started$|: step-completed \S+ -> running/;
const log = (service: string, message: string) => {
  if (!routine.test(message)) console.log(`${stamp()}  ${service.padEnd(16)} ${message}`);
};

console.log(
  `HumanGov demo: ${citizens} citizens, transport ${transport}, database ${db}${
    transport === 'memory' ? ' (all services in this process)' : ' (one process per service)'
  }\n`,
);

let host: Host | undefined;
let exitCode = 1;
let progress: NodeJS.Timeout | undefined;
try {
  host = transport === 'memory' ? await startInProcess(settings, log) : await startProcesses(settings, log);
  const running = host;
  progress = setInterval(async () => {
    try {
      const s = await running.service('benefits').call<ApplicationSummary>('summary');
      const final = FINAL_STATUSES.reduce((n, status) => n + (s.byStatus[status] ?? 0), 0);
      log('progress', `${final}/${s.total} applications decided ${JSON.stringify(s.byStatus)}`);
    } catch {}
  }, 3_000);
  const result = await runScenario(host, settings, (message) => log('demo', message));
  clearInterval(progress);

  const checks = await reconcile(host, citizens, result);
  console.log('\nReconciliation');
  for (const check of checks) console.log(`  ${check.ok ? 'ok  ' : 'FAIL'}  ${check.name}: ${check.detail}`);
  exitCode = checks.every((c) => c.ok) ? 0 : 1;
  console.log(
    `\n${exitCode === 0 ? 'Demo passed' : 'Demo FAILED'} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
} catch (error) {
  console.error(`\nDemo FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  clearInterval(progress);
  await host?.close().catch((error: unknown) => console.error('closing the services failed:', error));
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
