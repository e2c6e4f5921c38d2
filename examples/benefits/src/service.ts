/**
 * The benefits service: the HTTP API, one saga per application, the router for the replies the sagas wait for,
 * and the outbox relay. See README.md for the flow and the decisions.
 */

import type { EventMap } from '@humangov/events';
import { type Clock, createSagaRunner, type SagaTransition, systemClock, type TimerHandle } from '@humangov/resilience';
import { createOutbox, createOutboxRelay, createRouter, inbox } from '@humangov/sdk';
import {
  createHttpApp,
  createReadiness,
  drainOutbox,
  type RunningService,
  type ServiceContext,
  type Tx,
} from '@humangov-examples/kit';
import { benefitsApi } from './api.js';
import { BenefitsOptionsError } from './errors.js';
import { afterCommit, handleReplies } from './handlers.js';
import { type ApplicationRecord, type ApplicationStatus, type Award, type AwardStatus, kinds } from './model.js';
import { createReplies } from './replies.js';
import { applicationSaga } from './saga.js';
import { applicationSagaSink } from './saga-sink.js';
import { applicationStatuses, awardStatuses } from './validate.js';
import { applicationView } from './view.js';

export interface BenefitsOptions {
  /** Port of the HTTP API. @default 0 (any free port; see `url`) */
  readonly port?: number;
  /** Interface the HTTP API listens on. @default '127.0.0.1' (a container sets '0.0.0.0') */
  readonly host?: string;
  /**
   * Timeout of every saga step, replacing the defaults (eligibility check 5 minutes, payment 10 minutes, the
   * other steps 30 s): the demo shortens it to show a timeout compensating.
   */
  readonly stepTimeoutMs?: number;
  /** How often a waiting step looks for a reply recorded by another process of the service. @default 250 */
  readonly replyPollMs?: number;
}

export interface BenefitsService extends RunningService {
  readonly url: string;
  /** Applications by status (every status present, 0 when none): the demo reconciles with it. */
  summary(): Promise<Record<ApplicationStatus, number>>;
  /** Awards by status (every status present, 0 when none): the demo counts the suspensions with it. */
  awards(): Promise<Record<AwardStatus, number>>;
}

const SOURCE = '/humangov/benefits';

/**
 * Starts the benefits service on `context` and resumes every unfinished saga it finds in the database. `close()`
 * stops the sagas where they were last saved (a step waiting for a reply is left for the next process to resume),
 * then the router, the relay and the HTTP server; the context's transport and database stay open.
 */
export async function startBenefits(context: ServiceContext, options: BenefitsOptions = {}): Promise<BenefitsService> {
  checkOptions(options);
  const { db, transport, log } = context;
  const outbox = createOutbox<EventMap, Tx>({ store: db.outbox, source: SOURCE });
  const relay = createOutboxRelay({ store: db.outbox, transport, pollMs: 50 });
  const replies = createReplies(db, { pollMs: options.replyPollMs ?? 250 });
  const timeouts = {
    eligibilityMs: options.stepTimeoutMs ?? 300_000,
    paymentMs: options.stepTimeoutMs ?? 600_000,
    otherMs: options.stepTimeoutMs ?? 30_000,
  };
  const sagas = await db.sagaStore(applicationSagaSink(db, outbox));
  const clock = stoppableClock();
  const saga = applicationSaga({ db, outbox, replies, timeouts });
  const runner = createSagaRunner({ store: sagas, clock, sagas: [saga], stepTimeoutMs: timeouts.otherMs });
  const timeoutOf = (step: string) => saga.steps.find((s) => s.name === step)?.timeoutMs ?? timeouts.otherMs;

  const starting = new Map<string, () => void>();
  runner.onTransition((t) => {
    if (t.kind === 'started') starting.get(t.sagaId)?.();
    log('benefits', describe(t));
  });

  /** Drives one saga in the background; a run another process took over, or a closed service, is no error. */
  const drive = (sagaId: string, run: Promise<unknown>) =>
    run.catch((error: { code?: string; message?: string }) => {
      if (error?.code === 'HUMANGOV_SAGA_CONFLICT' || clock.stopped) return;
      log('benefits', `saga ${sagaId.slice(0, 8)} stopped: ${error?.message ?? String(error)}`);
    });

  async function startSaga(applicationId: string): Promise<void> {
    if (clock.stopped || (await sagas.load(applicationId))) return;
    const started = new Promise<void>((resolve) => starting.set(applicationId, resolve));
    const run = runner.start(applicationId, saga, { applicationId });
    void drive(applicationId, run);
    await Promise.race([
      started,
      run.then(
        () => {},
        () => {},
      ),
    ]);
    starting.delete(applicationId);
  }

  const commit = afterCommit();
  const dedupe = inbox(db.inbox, { group: 'benefits' });
  const router = createRouter({ transport, group: 'benefits', shutdownOnSignals: false }).use(commit).use(dedupe);
  handleReplies(router, { db, replies, dedupe, commit, outbox, log });

  const readiness = createReadiness(db);
  const http = benefitsApi(createHttpApp({ name: 'benefits', tokenSecret: context.tokenSecret, readiness }), {
    db,
    outbox,
    replies,
    startSaga,
    view: (app) => applicationView({ sagas, timeoutOf }, app),
  });

  await relay.start();
  await router.start();
  const url = await http.listen(options.port ?? 0, options.host);
  readiness.markStarted();

  // Continue what the last process left: unfinished sagas, and applications stored just before a crash whose
  // saga was never created.
  void runner.resume().then((result) => {
    for (const { sagaId, error } of result.errors) void drive(sagaId, Promise.reject(error));
  });
  for (const record of await db.records.list<ApplicationRecord>(kinds.application)) {
    if (record.value.status === 'submitted') await startSaga(record.id);
  }

  return {
    name: 'benefits',
    url,
    readiness,
    async summary() {
      const counts = Object.fromEntries(applicationStatuses.map((s) => [s, 0])) as Record<ApplicationStatus, number>;
      for (const r of await db.records.list<ApplicationRecord>(kinds.application)) counts[r.value.status]++;
      return counts;
    },
    async awards() {
      const counts = Object.fromEntries(awardStatuses.map((s) => [s, 0])) as Record<AwardStatus, number>;
      for (const r of await db.records.list<Award>(kinds.award)) counts[r.value.status]++;
      return counts;
    },
    async close() {
      readiness.markStopping();
      clock.stop();
      replies.close();
      await router.close();
      await drainOutbox(db.outbox);
      await relay.close();
      await http.close();
    },
  };
}

function checkOptions(options: BenefitsOptions): void {
  const { port, stepTimeoutMs, replyPollMs } = options;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    throw new BenefitsOptionsError(`port must be an integer from 0 to 65535 (0: any free port), not ${port}`);
  }
  for (const [name, value] of [
    ['stepTimeoutMs', stepTimeoutMs],
    ['replyPollMs', replyPollMs],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new BenefitsOptionsError(`${name} must be a positive integer of milliseconds, not ${value}`);
    }
  }
}

function describe(t: SagaTransition): string {
  const id = t.sagaId.slice(0, 8);
  if (t.kind === 'started') return `application ${id}: saga started`;
  const to = t.to.step ? `${t.to.status} ${t.to.step}` : t.to.status;
  const why = t.error ? ` (${t.error.name}: ${t.error.code ?? 'no code'})` : '';
  return `application ${id}: ${t.kind} ${t.step ?? ''} -> ${to}${why}`;
}

/**
 * The saga runner's clock: the system clock until `stop()`, then timers are cleared and new ones never fire, so
 * a closed service times out no step (the next process does, on its own clock).
 */
function stoppableClock(): Clock & { stop(): void; readonly stopped: boolean } {
  const timers = new Set<TimerHandle>();
  let stopped = false;
  const clock = {
    now: () => systemClock.now(),
    setTimeout(fn: () => void, ms: number): TimerHandle {
      if (stopped) return {} as TimerHandle;
      const handle: TimerHandle = systemClock.setTimeout(() => {
        timers.delete(handle);
        fn();
      }, ms);
      timers.add(handle);
      return handle;
    },
    clearTimeout(handle: TimerHandle) {
      timers.delete(handle);
      if (!stopped) systemClock.clearTimeout(handle);
    },
    sleep: (ms: number, signal?: AbortSignal) => systemClock.sleep(ms, signal),
    stop() {
      stopped = true;
      for (const handle of timers) systemClock.clearTimeout(handle);
      timers.clear();
    },
    get stopped() {
      return stopped;
    },
  };
  return clock;
}
