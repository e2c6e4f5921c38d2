/**
 * `humangov-dlq list|show|replay`: the dead-letter queue tools as a command (the `humangov dlq` of @humangov/cli
 * runs it). Output never carries an `x-pii` field: entries come from the redacting `DeadLetterQueue`.
 */
import { parseArgs } from 'node:util';
import type { DeadLetterEntry } from './entry.js';
import type { DeadLetterFilter, DeadLetterQueue } from './queue.js';

/** Where the command writes, and the environment it reads (`KAFKA_BROKERS`, `AMQP_URL`). */
export interface DlqIo {
  out(text: string): void;
  err(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const dlqUsage = `humangov-dlq: inspect a consumer group's dead letters and replay them to their original channel

Usage:
  humangov-dlq list   --transport kafka|rabbitmq --group GROUP [--limit N] [--type TYPE] [--since TIME] [--reason R] [--json]
  humangov-dlq show   ID --transport kafka|rabbitmq --group GROUP
  humangov-dlq replay ID... --transport kafka|rabbitmq --group GROUP
  humangov-dlq replay --all [--type TYPE] [--since TIME] [--reason R] --transport kafka|rabbitmq --group GROUP

Connection:
  --brokers HOST:PORT,...   Kafka bootstrap brokers (default: $KAFKA_BROKERS, else 127.0.0.1:9092)
  --url AMQP_URL            RabbitMQ URL (default: $AMQP_URL, else amqp://localhost:5672)
  --channel NAME            the router's dead-letter channel (default: GROUP.dead-letter)

list prints one row per dead letter (oldest first; replayed ones say when); show prints one as JSON; fields the
catalog marks x-pii read "[redacted]". replay re-publishes the original bytes and headers of each letter to its
original channel (every group on that channel receives it) and marks it replayed; a replayed letter is skipped.
Exit status: 0 done, 1 failed or an id was not found, 2 usage error.`;

const OPTIONS = {
  transport: { type: 'string' },
  group: { type: 'string' },
  brokers: { type: 'string' },
  url: { type: 'string' },
  channel: { type: 'string' },
  limit: { type: 'string' },
  type: { type: 'string' },
  since: { type: 'string' },
  reason: { type: 'string' },
  all: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Opens the queue a parsed command line names; the transports load only when asked for (optional peers). */
async function openQueue(values: Record<string, string | boolean | undefined>, io: DlqIo): Promise<DeadLetterQueue> {
  const group = values.group as string;
  const channel = values.channel === undefined ? {} : { channel: values.channel as string };
  if (values.transport === 'kafka') {
    const { createKafkaDeadLetterQueue } = await import('./kafka.js');
    const list = (values.brokers as string | undefined) ?? io.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
    const brokers = list.split(',').map((b) => b.trim());
    return createKafkaDeadLetterQueue({ group, brokers, ...channel });
  }
  const { createRabbitMqDeadLetterQueue } = await import('./rabbitmq.js');
  const url = (values.url as string | undefined) ?? io.env.AMQP_URL ?? 'amqp://localhost:5672';
  return createRabbitMqDeadLetterQueue({ group, url, ...channel });
}

function filterOf(values: Record<string, string | boolean | undefined>): DeadLetterFilter {
  return {
    ...(values.type !== undefined && { type: values.type as string }),
    ...(values.since !== undefined && { since: values.since as string }),
    ...(values.reason !== undefined && { reason: values.reason as string }),
  };
}

function table(entries: readonly DeadLetterEntry[]): string {
  const rows = [
    ['ID', 'DEAD-LETTERED', 'TYPE', 'REASON', 'ATTEMPTS', 'STATUS', 'ERROR'],
    ...entries.map((e) => [
      e.id,
      e.deadLetteredAt ?? '-',
      e.event.type === undefined ? '-' : `${e.event.type} v${e.event.version ?? '?'}`,
      e.reason,
      e.attempts === undefined ? '-' : String(e.attempts),
      e.replayedAt === undefined ? 'dead' : `replayed ${e.replayedAt}`,
      e.error.replace(/\s+/g, ' ').slice(0, 80),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '))
    .join('\n');
}

/** Runs the command; resolves with the exit status. Mistakes in the command line print what to fix (status 2). */
export async function runDlqCommand(argv: readonly string[], io: DlqIo): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    if (parsed.values.help) {
      io.out(dlqUsage);
      return 0;
    }
    check(parsed.values, parsed.positionals);
  } catch (error) {
    io.err(`humangov-dlq: ${error instanceof Error ? error.message : String(error)}\n\n${dlqUsage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...ids] = positionals;
  let queue: DeadLetterQueue | undefined;
  try {
    queue = await openQueue(values, io);
    if (command === 'list') {
      const limit = values.limit === undefined ? {} : { limit: Number(values.limit) };
      const entries = await queue.list({ ...filterOf(values), ...limit });
      io.out(
        values.json ? JSON.stringify(entries, null, 2) : entries.length === 0 ? 'no dead letters' : table(entries),
      );
      return 0;
    }
    if (command === 'show') {
      const entry = await queue.show(ids[0]!);
      if (!entry) {
        io.err(`humangov-dlq: no dead letter ${ids[0]} in ${values.group}'s queue (see \`humangov-dlq list\`)`);
        return 1;
      }
      io.out(JSON.stringify(entry, null, 2));
      return 0;
    }
    const result = await queue.replay(values.all ? { filter: filterOf(values) } : { ids });
    for (const id of result.replayed) io.out(`replayed ${id}`);
    for (const { id, why } of result.skipped) io.out(`skipped ${id}: ${why}`);
    for (const id of result.notFound) io.err(`humangov-dlq: no dead letter ${id} in ${values.group}'s queue`);
    if (result.replayed.length === 0 && result.skipped.length === 0 && result.notFound.length === 0) {
      io.out('nothing to replay');
    }
    return result.notFound.length > 0 ? 1 : 0;
  } catch (error) {
    io.err(`humangov-dlq ${command}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await queue?.close().catch(() => {});
  }
}

function check(values: Record<string, string | boolean | undefined>, positionals: readonly string[]): void {
  const [command, ...rest] = positionals;
  if (command === undefined) throw new Error('name a command: list, show or replay');
  if (!['list', 'show', 'replay'].includes(command)) {
    throw new Error(`unknown command "${command}": use list, show or replay`);
  }
  if (values.transport !== 'kafka' && values.transport !== 'rabbitmq') {
    throw new Error('--transport kafka or --transport rabbitmq is required');
  }
  if (typeof values.group !== 'string' || values.group === '') {
    throw new Error('--group GROUP is required: the consumer group whose dead letters to read');
  }
  if (values.limit !== undefined && !/^[1-9]\d*$/.test(values.limit as string)) {
    throw new Error(`--limit must be a whole number >= 1, got "${values.limit}"`);
  }
  if (values.since !== undefined && !Number.isFinite(Date.parse(values.since as string))) {
    throw new Error(`--since must be an ISO date or time (2026-01-31T12:00:00Z), got "${values.since}"`);
  }
  if (command === 'list' && rest.length > 0) throw new Error(`list takes no ids (got ${rest.join(' ')})`);
  if (command === 'show' && rest.length !== 1) throw new Error('show takes exactly one id');
  if (command === 'replay' && values.all === true && rest.length > 0) {
    throw new Error('replay takes ids or --all with filters, not both');
  }
  if (command === 'replay' && values.all !== true && rest.length === 0) {
    throw new Error('replay needs ids (from `humangov-dlq list`) or --all');
  }
}
