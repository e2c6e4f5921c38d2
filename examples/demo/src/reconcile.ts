/** The end of the demo: the checks that must hold for it to exit 0, each printed with its numbers. */
import type { Host } from './host.js';
import { type ApplicationSummary, FINAL_STATUSES, INCOME_RISES, type ScenarioResult, until } from './scenario.js';
import { SERVICE_NAMES } from './settings.js';

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

async function publishedIds(host: Host): Promise<Set<string>> {
  const all = new Set<string>();
  for (const name of SERVICE_NAMES) for (const id of await host.service(name).call<string[]>('published')) all.add(id);
  return all;
}

export async function reconcile(host: Host, citizens: number, scenario: ScenarioResult): Promise<Check[]> {
  const audit = host.service('audit');
  const notifications = host.service('notifications');
  // Events still in flight (relays, redeliveries, replays) settle first: published = consumed is a resting state.
  await until(
    'every requested notification is sent',
    async () => {
      const s = await notifications.call<{ requested: number; sent: number; deadLettered: number }>('summary');
      return s.deadLettered === 0 && s.sent === s.requested;
    },
    30_000,
  ).catch(() => {});
  let published = new Set<string>();
  let audited = new Set<string>();
  let auditedList: string[] = [];
  let stableSince = 0;
  await until(
    'every published event reached the audit log, and nothing moved for 1 s',
    async () => {
      const before = published.size + auditedList.length;
      published = await publishedIds(host);
      auditedList = await audit.call<string[]>('audited');
      audited = new Set(auditedList);
      const settled = [...published].every((id) => audited.has(id)) && published.size + auditedList.length === before;
      if (!settled) stableSince = Date.now();
      return settled && Date.now() - stableSince >= 1_000;
    },
    60_000,
  ).catch(() => {});

  const summary = await host.service('benefits').call<ApplicationSummary>('summary');
  const final = FINAL_STATUSES.reduce((n, s) => n + (summary.byStatus[s] ?? 0), 0);
  const missing = [...published].filter((id) => !audited.has(id));
  const extra = [...audited].filter((id) => !published.has(id));
  const seen = new Set<string>();
  const duplicated = auditedList.filter((id) => seen.size === seen.add(id).size);
  const chain = await audit.call<{ ok: boolean; records: number; firstBroken?: { seq: number } }>('verify');
  const notes = await notifications.call<{ requested: number; sent: number; deadLettered: number }>('summary');
  const payments = await host.service('payments').call<Record<string, number>>('summary');
  const awards = await host.service('benefits').call<Record<string, number>>('awards');
  const rises = scenario.suspendedAwardIds.length;

  return [
    {
      name: 'every application in a final state',
      ok: summary.total === citizens && final === citizens,
      detail: `${final}/${summary.total} final of ${citizens} submitted: ${JSON.stringify(summary.byStatus)}`,
    },
    {
      name: 'compensation ran during the payment outage',
      ok: (summary.byStatus.failed ?? 0) > 0 && (payments.cancelled ?? 0) > 0,
      detail: `${summary.byStatus.failed ?? 0} failed applications, payments ${JSON.stringify(payments)}`,
    },
    {
      name: `change of circumstances suspended ${awards.suspended ?? 0} awards`,
      ok: rises === INCOME_RISES && awards.suspended === rises,
      detail: `${rises} paid citizens reported an income rise; awards ${JSON.stringify(awards)}`,
    },
    {
      name: 'audit chain valid',
      ok: chain.ok,
      detail: chain.ok
        ? `${chain.records} records, every link verified`
        : `first broken link at ${chain.firstBroken?.seq}`,
    },
    {
      name: 'published = consumed',
      // Extra audited events are reported, not failed: on a shared Kafka or RabbitMQ other clients may publish to
      // the catalog's topics too. A missing or twice-audited event is a loss or a duplicate: those fail.
      ok: missing.length === 0 && duplicated.length === 0 && published.size > 0,
      detail: `${published.size} events published, ${published.size - missing.length} of them in the audit log${
        extra.length ? `, ${extra.length} audited events from outside this run (other clients of the broker)` : ''
      }${duplicated.length ? `, ${duplicated.length} audited twice: ${duplicated.slice(0, 5).join(', ')}` : ''}${
        missing.length ? `, missing: ${missing.slice(0, 5).join(', ')}` : ''
      }`,
    },
    {
      name: 'every notification sent once, none left in the dead-letter queue',
      ok: notes.deadLettered === 0 && notes.sent === notes.requested && notes.requested >= citizens,
      detail: `${notes.requested} requested, ${notes.sent} sent, ${notes.deadLettered} dead letters left unreplayed`,
    },
  ];
}
