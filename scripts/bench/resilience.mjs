#!/usr/bin/env node
// `pnpm bench:resilience`: the transactional outbox relay (PostgreSQL -> Kafka, SQLite -> Kafka) against publishing
// the same messages directly, and the per-call overhead of retry + breaker + timeout against cockatiel. Needs the
// local services (`bash scripts/services up`). Writes docs/benchmarks/resilience.md (indexed by docs/benchmarks.md)
// and prints the same.
//
//   node scripts/bench/resilience.mjs [--rounds N] [--only outbox,policies] [--events N]
//     [--batch-size N] [--concurrency N] [--sqlite-batch-size N] [--sqlite-concurrency N] [--sqlite-poll-ms N]
//
// Environment: KAFKA_BROKERS (127.0.0.1:9092), DATABASE_URL (postgres://humangov:humangov@127.0.0.1:5432/humangov).
// It creates a topic `bench.<run id>.outbox`, tables `bench_<run id>_*` and a SQLite file in the temp directory,
// and removes them at the end.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resilienceOutbox } from './cases/resilience-outbox.mjs';
import { resiliencePolicies } from './cases/resilience-policies.mjs';
import { createKafkaEnv } from './lib/kafka-env.mjs';
import {
  clientVersions,
  ensureBuilt,
  installedVersion,
  loadResilience,
  loadSdk,
  ROOT,
  requireFromResilience,
} from './lib/load.mjs';
import { machineInfo } from './lib/machine.mjs';
import { renderReport, writeReport } from './lib/report.mjs';
import { runCases } from './lib/run-cases.mjs';

const CASES = ['policies', 'outbox'];
const FINDINGS = path.join(ROOT, 'scripts/bench/resilience-findings.md');
const CASE_TIMEOUT_MS = 900_000;

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    only: { type: 'string', default: CASES.join(',') },
    events: { type: 'string', default: '50000' },
    'batch-size': { type: 'string', default: '1000' },
    // Chosen by trying 250 to 2,000 x 1 to 8 on this machine (see docs/benchmarks/resilience.md).
    concurrency: { type: 'string', default: '3' },
    'sqlite-batch-size': { type: 'string' },
    'sqlite-concurrency': { type: 'string', default: '1' },
    'sqlite-poll-ms': { type: 'string', default: '20' },
    'latency-rate': { type: 'string', default: '1000' },
    'latency-seconds': { type: 'string', default: '10' },
  },
});
const rounds = Number(values.rounds);
const only = new Set(values.only.split(','));
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const postgresUrl = process.env.DATABASE_URL ?? 'postgres://humangov:humangov@127.0.0.1:5432/humangov';
const runId = `${Date.now().toString(36)}`;
const log = (line) => process.stderr.write(`${line}\n`);
const relay = {
  postgres: { batchSize: Number(values['batch-size']), concurrency: Number(values.concurrency) },
  sqlite: {
    batchSize: Number(values['sqlite-batch-size'] ?? values['batch-size']),
    concurrency: Number(values['sqlite-concurrency'] ?? values.concurrency),
    pollMs: Number(values['sqlite-poll-ms']),
  },
};

ensureBuilt(log, { allowStale: true });
const modules = { ...(await loadSdk()), ...(await loadResilience()) };
const started = Date.now();
const memoryDb = new (requireFromResilience('better-sqlite3'))(':memory:');
const sqliteVersion = memoryDb.prepare('SELECT sqlite_version() AS v').get().v;
memoryDb.close();
const machine = {
  ...(await machineInfo({
    postgresUrl,
    clients: {
      kafkajs: clientVersions().kafkajs,
      pg: installedVersion('pg'),
      'better-sqlite3': `${installedVersion('better-sqlite3')} (SQLite ${sqliteVersion})`,
      cockatiel: installedVersion('cockatiel'),
    },
  })),
  'load average at start': os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' '),
};
log(
  `bench: run ${runId}; ${Object.entries(machine)
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ')}`,
);
const env = createKafkaEnv({ brokers, runId });

const runs = {
  policies: () => resiliencePolicies(modules, { rounds, log }),
  outbox: () =>
    resilienceOutbox(modules, env, {
      brokers,
      postgresUrl,
      runId,
      rounds,
      log,
      count: Number(values.events),
      relay,
      latency: {
        perSecond: Number(values['latency-rate']),
        durationMs: Number(values['latency-seconds']) * 1000,
        pgWriters: 8,
      },
    }),
};

const { sections, failures } = await runCases({ cases: CASES, only, runs, timeoutMs: CASE_TIMEOUT_MS, env, log });

const report = renderReport({
  title: 'Resilience benchmarks',
  script: 'scripts/bench/resilience.mjs',
  intro: [
    'Events: `notification.requested` v1 whose data is exactly 1 KiB of JSON. Kafka, PostgreSQL, the SQLite file and the',
    "benchmark share the machine, so the broker's and the database's CPU compete with the relay's.",
  ],
  date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  durationS: (Date.now() - started) / 1000,
  machine,
  command: 'pnpm bench:resilience',
  rounds,
  sections,
  failures,
  findings: existsSync(FINDINGS) ? readFileSync(FINDINGS, 'utf8') : undefined,
});
writeReport('resilience', report);
process.stdout.write(report);
// A case that timed out may leave sockets open; the report is written, so end here.
process.exit(failures.length > 0 ? 1 : 0);
