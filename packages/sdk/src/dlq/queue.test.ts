import { randomUUID } from 'node:crypto';
import { catalog } from '@humangov/events';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMemoryBroker,
  createMemoryDeadLetterQueue,
  createMemoryTransport,
  createPublisher,
  createRouter,
  type LifecycleEvent,
  REDACTED,
} from '../index.js';

const v2 = catalog['citizen.registered'].versions[2];
const example = v2.examples[0] as Record<string, unknown>;
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
});

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A router whose handler fails until `healthy`, and 3 dead-lettered citizens. */
async function deadLettered() {
  const broker = createMemoryBroker();
  const transport = createMemoryTransport({ broker });
  const group = 'benefits';
  const router = createRouter({ transport, group, shutdownOnSignals: false });
  const publisher = createPublisher({ transport, source: '/test' });
  const state = { healthy: false, received: [] as string[] };
  router.handle('citizen.registered', { version: 2, recoverability: { retries: 0, redeliveries: [] } }, (e) => {
    if (!state.healthy) throw new Error(`no account for ${e.data.given_name} ${e.data.family_name}`);
    state.received.push(e.data.citizen_id);
  });
  const events: LifecycleEvent[] = [];
  router.onEvent((e) => events.push(e));
  await router.start();
  const dlq = createMemoryDeadLetterQueue({ broker, group });
  open.push(transport, publisher, router, dlq);
  const ids = [randomUUID(), randomUUID(), randomUUID()];
  for (const id of ids) await publisher.publish('citizen.registered', { ...example, citizen_id: id } as never);
  await until(() => events.filter((e) => e.kind === 'dead-lettered').length === 3);
  return { broker, transport, publisher, dlq, state, ids };
}

describe('memory dead-letter queue', () => {
  it('lists dead letters with reasons, failure details and redacted PII', async () => {
    const { dlq, ids } = await deadLettered();
    const entries = await dlq.list();
    expect(entries.map((e) => e.event.type)).toEqual([
      'citizen.registered',
      'citizen.registered',
      'citizen.registered',
    ]);
    expect(entries.map((e) => (e.event.data as { citizen_id: string }).citizen_id).sort()).toEqual([...ids].sort());
    for (const e of entries) {
      expect(e).toMatchObject({ reason: 'handler-failed', attempts: 1, channel: v2.channel, group: 'benefits' });
      expect(e.error).toBe('Error: no account for [redacted] [redacted]');
      expect((e.event.data as Record<string, unknown>).given_name).toBe(REDACTED);
      expect(e.id).toMatch(/^[0-9a-f]{12}$/);
      expect(e.replayedAt).toBeUndefined();
    }
    const text = JSON.stringify(entries);
    for (const pii of [example.given_name, example.family_name, example.date_of_birth]) {
      expect(text).not.toContain(String(pii));
    }
    const shown = await dlq.show(entries[1]!.id);
    expect(shown).toEqual(entries[1]);
    expect(shown!.headers['humangov-dlq-reason']).toBe('handler-failed');
    expect(await dlq.show('000000000000')).toBeUndefined();
  });

  it('filters by type, reason and time, and honours the limit', async () => {
    const { dlq } = await deadLettered();
    expect(await dlq.list({ limit: 2 })).toHaveLength(2);
    expect(await dlq.list({ type: 'citizen.deceased' })).toEqual([]);
    expect(await dlq.list({ reason: 'invalid' })).toEqual([]);
    expect(await dlq.list({ since: new Date(Date.now() + 60_000) })).toEqual([]);
    expect(await dlq.list({ since: new Date(Date.now() - 60_000).toISOString() })).toHaveLength(3);
    await expect(dlq.list({ since: 'yesterday' })).rejects.toThrow(/since must be a date or ISO time/);
    await expect(dlq.list({ limit: 0 })).rejects.toThrow(/limit must be an integer >= 1/);
  });

  it('replays one letter to its original channel: the healthy handler gets it once, and it shows as replayed', async () => {
    const { dlq, state } = await deadLettered();
    const [first, second] = await dlq.list();
    state.healthy = true;
    const result = await dlq.replay({ ids: [first!.id, 'feedfeedfeed'] });
    expect(result).toEqual({ replayed: [first!.id], skipped: [], notFound: ['feedfeedfeed'] });
    const citizen = (first!.event.data as { citizen_id: string }).citizen_id;
    await until(() => state.received.length === 1);
    expect(state.received).toEqual([citizen]);

    const after = await dlq.list();
    expect(after.find((e) => e.id === first!.id)!.replayedAt).toBeDefined();
    expect(after.find((e) => e.id === second!.id)!.replayedAt).toBeUndefined();
    // A second replay of the same letter is refused, so the handler never sees it twice.
    const again = await dlq.replay({ ids: [first!.id] });
    expect(again.replayed).toEqual([]);
    expect(again.skipped[0]!.why).toMatch(/^already replayed at /);
    // A filter takes only letters not replayed yet.
    const rest = await dlq.replay({ filter: { type: 'citizen.registered' } });
    expect(rest.replayed).toHaveLength(2);
    await until(() => state.received.length === 3);
    expect(new Set(state.received).size).toBe(3);
  });

  it('a replay re-publishes the original bytes and headers, without the dead-letter and retry headers', async () => {
    const { broker, dlq } = await deadLettered();
    const [entry] = await dlq.list();
    const seen: Array<{ body: string; headers: Record<string, string>; id?: string }> = [];
    const reader = createMemoryTransport({ broker });
    open.push(reader);
    await reader.subscribe({ group: 'auditor', channels: [v2.channel], fromBeginning: false }, async (m) => {
      seen.push({ body: Buffer.from(m.body).toString(), headers: { ...m.headers }, id: m.attributes.id });
      await m.ack();
    });
    await dlq.replay({ ids: [entry!.id] });
    await until(() => seen.length === 1);
    expect(seen[0]!.id).toBe(entry!.event.id);
    expect(JSON.parse(seen[0]!.body).given_name).toBe(example.given_name); // the original bytes, not redacted
    expect(Object.keys(seen[0]!.headers).filter((h) => h.startsWith('humangov-'))).toEqual([]);
  });

  it('says what to fix when the group is missing', () => {
    expect(() => createMemoryDeadLetterQueue({ broker: createMemoryBroker(), group: '' })).toThrow(
      /`group` must name the consumer group/,
    );
  });
});
