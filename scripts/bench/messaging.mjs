#!/usr/bin/env node
// `pnpm bench:messaging`: the SDK against raw kafkajs / amqplib on the local brokers (`bash scripts/services up`),
// plus the SDK's per-message CPU and a consumer's peak RSS. Writes docs/benchmarks/messaging.md (indexed by
// docs/benchmarks.md) and prints the same.
//
//   node scripts/bench/messaging.mjs [--rounds N] [--only cpu,kafka-publish,kafka-consume,rabbitmq,rss]
//
// Environment: KAFKA_BROKERS (127.0.0.1:9092), AMQP_URL (amqp://guest:guest@127.0.0.1:5672). It creates topics,
// groups, an exchange and queues named `bench.<run id>.*`, and deletes them at the end.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { consumerRss } from './cases/consumer-rss.mjs';
import { cpuOverhead } from './cases/cpu-overhead.mjs';
import { CONSUME_MESSAGES, kafkaConsume } from './cases/kafka-consume.mjs';
import { kafkaPublish } from './cases/kafka-publish.mjs';
import { rabbitmq } from './cases/rabbitmq.mjs';
import { createKafkaEnv } from './lib/kafka-env.mjs';
import { ensureBuilt, loadSdk, ROOT } from './lib/load.mjs';
import { machineInfo } from './lib/machine.mjs';
import { dataPool } from './lib/payload.mjs';
import { renderReport, writeReport } from './lib/report.mjs';
import { runCases } from './lib/run-cases.mjs';

const CASES = ['cpu', 'kafka-publish', 'kafka-consume', 'rabbitmq', 'rss'];
const CASE_TIMEOUT_MS = 420_000;
const FINDINGS = path.join(ROOT, 'scripts/bench/findings.md');

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, only: { type: 'string', default: CASES.join(',') } },
});
const rounds = Number(values.rounds);
const only = new Set(values.only.split(','));
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const runId = `${Date.now().toString(36)}`;
const log = (line) => process.stderr.write(`${line}\n`);

ensureBuilt(log);
const modules = await loadSdk();
const started = Date.now();
const machine = {
  ...(await machineInfo({ amqpUrl })),
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
const pool = dataPool();
const env = createKafkaEnv({ brokers, runId });
let consumeTopic;

const runs = {
  cpu: () => cpuOverhead(modules, pool, { rounds, log }),
  'kafka-publish': () => kafkaPublish(modules, pool, env, { brokers, rounds, log }),
  'kafka-consume': () =>
    kafkaConsume(modules, pool, env, {
      brokers,
      rounds,
      log,
      onTopic: (topic) => {
        consumeTopic = topic;
      },
    }),
  rabbitmq: () => rabbitmq(modules, pool, { amqpUrl, runId, rounds, log }),
  rss: async () => {
    const filled = consumeTopic ? CONSUME_MESSAGES : 0;
    const topic = consumeTopic ?? (await env.topic('rss'));
    return consumerRss(modules, pool, env, { brokers, log, topic, filled });
  },
};

const { sections, failures } = await runCases({ cases: CASES, only, runs, timeoutMs: CASE_TIMEOUT_MS, env, log });

const report = renderReport({
  date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  durationS: (Date.now() - started) / 1000,
  machine,
  command: 'pnpm bench:messaging',
  rounds,
  sections,
  failures,
  findings: existsSync(FINDINGS) ? readFileSync(FINDINGS, 'utf8') : undefined,
});
writeReport('messaging', report);
process.stdout.write(report);
// A case that timed out may leave sockets open; the report is written, so end here.
process.exit(failures.length > 0 ? 1 : 0);
