// What the numbers were measured on: CPU, cores, memory, Node, client libraries and broker versions.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clientVersions, ROOT, requireFromResilience, requireFromSdk } from './load.mjs';

/** Kafka does not report its version over the protocol kafkajs speaks; the local broker logs it at startup. */
function kafkaVersion() {
  const log = path.join(ROOT, '.services/kafka/server.log');
  if (!existsSync(log)) return 'unknown (not the local scripts/services broker)';
  const found = [...readFileSync(log, 'utf8').matchAll(/Kafka version: (\S+)/g)].at(-1);
  return found ? found[1] : 'unknown';
}

async function rabbitVersion(url) {
  const amqp = requireFromSdk('amqplib');
  try {
    const connection = await amqp.connect(url);
    const props = connection.connection.serverProperties;
    await connection.close();
    return `${props.product} ${props.version} (Erlang ${props.platform?.replace(/^Erlang\/OTP /, '') ?? '?'})`;
  } catch (error) {
    return `unreachable (${error.message})`;
  }
}

/** The commit measured, and whether the packages had uncommitted changes (the build includes them). */
function sourceState() {
  try {
    const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--', 'packages').split('\n').filter(Boolean).length;
    return `${git('rev-parse', '--short', 'HEAD')}${dirty > 0 ? ` + ${dirty} uncommitted change(s) under packages/` : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

async function postgresVersion(connectionString) {
  const pg = requireFromResilience('pg');
  const client = new pg.Client({ connectionString });
  try {
    await client.connect();
    const { rows } = await client.query('SHOW server_version');
    return rows[0].server_version;
  } catch (error) {
    return `unreachable (${error.message})`;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * `amqpUrl` / `postgresUrl`: ask that broker / database for its version (left out when not given). `clients`:
 * the client library versions to list (default: kafkajs and amqplib as the SDK loads them).
 */
export async function machineInfo({ amqpUrl, postgresUrl, clients } = {}) {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    ...(clients ?? clientVersions()),
    kafka: kafkaVersion(),
    ...(amqpUrl !== undefined && { rabbitmq: await rabbitVersion(amqpUrl) }),
    ...(postgresUrl !== undefined && { postgresql: await postgresVersion(postgresUrl) }),
    source: sourceState(),
  };
}
