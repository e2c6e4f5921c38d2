import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type ServiceDatabase } from '@humangov-examples/kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Reply } from './model.js';
import { createReplies, type Replies } from './replies.js';

const disbursed: Reply = { kind: 'disbursed', payment_id: 'p-1' };
let dir: string;
let db: ServiceDatabase;
let replies: Replies;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'replies-'));
  db = await openDatabase({ kind: 'sqlite', file: join(dir, 'db.sqlite') });
  replies = createReplies(db, { pollMs: 60_000 });
});
afterEach(async () => {
  replies.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('replies', () => {
  it('a reply recorded before the wait (e.g. while the service was down) is found at once', async () => {
    await db.transaction((tx) => replies.record(tx, 'payment:a', disbursed));
    expect(await replies.wait('payment:a', new AbortController().signal)).toEqual(disbursed);
  });

  it('a wait is woken by the reply recorded and committed later; the first reply recorded wins', async () => {
    const waiting = replies.wait('payment:b', new AbortController().signal);
    await db.transaction(async (tx) => {
      await replies.record(tx, 'payment:b', disbursed);
      await replies.record(tx, 'payment:b', { kind: 'failed', payment_id: 'p-2', failure_code: 'account-closed' });
    });
    replies.wake('payment:b');
    expect(await waiting).toEqual(disbursed);
  });

  it('a reply recorded by another process is found by polling', async () => {
    const polling = createReplies(db, { pollMs: 10 });
    const waiting = polling.wait('payment:c', new AbortController().signal);
    await db.transaction((tx) => replies.record(tx, 'payment:c', disbursed)); // nobody wakes `polling`
    expect(await waiting).toEqual(disbursed);
    polling.close();
  });

  it('stops with undefined when `stop` says so, and rejects with the reason when the step times out', async () => {
    let withdrawn = false;
    const stopped = replies.wait('payment:d', new AbortController().signal, async () => withdrawn);
    withdrawn = true;
    replies.wake('payment:d');
    expect(await stopped).toBeUndefined();

    const controller = new AbortController();
    const timedOut = replies.wait('payment:e', controller.signal);
    controller.abort(new Error('step timed out'));
    await expect(timedOut).rejects.toThrow('step timed out');
  });

  it('after close() a wait never settles, even when its reply comes', async () => {
    let settled = false;
    void replies.wait('payment:f', new AbortController().signal).finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    replies.close();
    await db.transaction((tx) => replies.record(tx, 'payment:f', disbursed));
    replies.wake('payment:f');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(settled).toBe(false);
  });
});
