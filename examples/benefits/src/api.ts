/**
 * The benefits HTTP API (specs/openapi/benefits.openapi.yaml): every operation with its scope, validation and
 * problem+json errors.
 *
 * Idempotency-Key: a key is scoped to the caller (token subject) and the operation. The same key with the same
 * body answers as the first request did (same status, same application, current state, `Idempotent-Replayed:
 * true`); the same key with another body is a 409. The key is stored in the transaction that acts on it, and
 * the application id is derived from (caller, key), so even two retries racing on PostgreSQL make one application.
 *
 * Withdrawal stops a running saga without failing it: the application becomes `withdrawn` (with
 * `benefit.application-withdrawn`) in one transaction, a step waiting for eligibility is woken and sees it, and
 * every later step passes through, so the saga completes and nothing more is sent. Only undecided applications
 * (submitted, checking eligibility, calculating the entitlement) can be withdrawn; others get 409.
 */
import { createHash } from 'node:crypto';
import { type HttpApp, ProblemError, type ServiceDatabase, type StoredRecord, uuidFrom } from '@humangov-examples/kit';
import { type BenefitsOutbox, loadApplication, nowIso, saveApplication } from './effects.js';
import type { ApplicationView } from './model.js';
import {
  type ApplicationRecord,
  type Award,
  addEffect,
  citizenIndexId,
  kinds,
  replyKey,
  summaryOf,
  withdrawable,
  withEvent,
} from './model.js';
import type { Replies } from './replies.js';
import {
  applicationStatuses,
  awardStatuses,
  benefitTypes,
  encodeCursor,
  idempotencyKey,
  isUuid,
  pageQuery,
  submitRequest,
  withdrawRequest,
} from './validate.js';

export interface ApiDeps {
  readonly db: ServiceDatabase;
  readonly outbox: BenefitsOutbox;
  readonly replies: Replies;
  /** Starts the saga of a stored application; resolves once its start is committed (or it already exists). */
  readonly startSaga: (applicationId: string) => Promise<void>;
  readonly view: (app: ApplicationRecord) => Promise<ApplicationView>;
}

interface IdempotencyRecord {
  readonly fingerprint: string;
  readonly application_id: string;
}

const notFound = (what: string) =>
  new ProblemError(404, 'Resource not found', `No ${what} exists with this identifier.`, {
    type: 'https://problems.humangov.example/not-found',
  });
const conflict = (detail: string) =>
  new ProblemError(409, 'Request conflicts with the current state', detail, {
    type: 'https://problems.humangov.example/conflict',
  });
const reusedKey = () => conflict('The Idempotency-Key was already used with a different request body.');
/** Thrown to roll back a submission that lost the race for its Idempotency-Key (see POST /applications). */
const lostRace = new Error('Idempotency-Key taken by a concurrent request');

/** A stable digest of a JSON value (object keys sorted). */
function fingerprint(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex');
}

export function benefitsApi(app: HttpApp, deps: ApiDeps): HttpApp {
  const { db, outbox, replies } = deps;
  const getApplication = async (id: string) =>
    isUuid(id) ? (await db.records.get<ApplicationRecord>(kinds.application, id))?.value : undefined;

  app.route('POST', '/applications', 'benefits:apply', async (request) => {
    const key = idempotencyKey(request.headers);
    const body = submitRequest(request.body);
    const normalized = { ...body, channel: body.channel ?? 'online' };
    const digest = fingerprint(normalized);
    const keyId = `submit:${request.principal.subject}:${key}`;
    const submitOnce = () =>
      db.transaction(async (tx) => {
        const seen = await db.records.get<IdempotencyRecord>(kinds.idempotency, keyId, tx);
        if (seen) {
          if (seen.value.fingerprint !== digest) throw reusedKey();
          return { replayed: true, app: await loadApplication(db, tx, seen.value.application_id) };
        }
        const id = uuidFrom(`application:${keyId}`);
        // The key first: a request with the same key racing this one (PostgreSQL) waits here for our commit, then
        // finds the key taken (version 2), rolls back and answers as a retry would.
        if ((await db.records.put(tx, kinds.idempotency, keyId, { fingerprint: digest, application_id: id })) > 1) {
          throw lostRace;
        }
        const now = nowIso();
        const submitted: ApplicationRecord = {
          application_id: id,
          citizen_id: normalized.citizen_id,
          benefit_type: normalized.benefit_type,
          channel: normalized.channel,
          ...(normalized.evidence_document_ids && { evidence_document_ids: normalized.evidence_document_ids }),
          status: 'submitted',
          submitted_at: now,
          updated_at: now,
          check_id: uuidFrom(`eligibility-check:${id}`),
          effects: [],
          history: [],
        };
        const stored = withEvent(submitted, { event_type: 'benefit.application-submitted', step: 'submission' }, now);
        await outbox.add(
          tx,
          'benefit.application-submitted',
          {
            application_id: id,
            citizen_id: stored.citizen_id,
            benefit_type: stored.benefit_type,
            channel: stored.channel,
            ...(stored.evidence_document_ids && { evidence_document_ids: [...stored.evidence_document_ids] }),
            submitted_at: now,
          },
          { id: uuidFrom(`benefit.application-submitted:${id}`), correlationId: id },
        );
        await saveApplication(db, tx, stored);
        await db.records.put(tx, kinds.byCitizen(stored.citizen_id), citizenIndexId(now, id), { application_id: id });
        return { replayed: false, app: stored };
      });
    const outcome = await submitOnce().catch((error: unknown) => {
      if (error === lostRace) return submitOnce();
      throw error;
    });
    await deps.startSaga(outcome.app.application_id);
    const current = (await getApplication(outcome.app.application_id)) ?? outcome.app;
    return {
      status: 201,
      headers: {
        location: `/applications/${current.application_id}`,
        ...(outcome.replayed && { 'idempotent-replayed': 'true' }),
      },
      body: await deps.view(current),
    };
  });

  app.route('GET', '/applications/{application_id}', 'benefits:read', async (request) => {
    const found = await getApplication(request.params.application_id ?? '');
    if (!found) throw notFound('application');
    return { status: 200, body: await deps.view(found) };
  });

  app.route('POST', '/applications/{application_id}/withdrawal', 'benefits:apply', async (request) => {
    const key = idempotencyKey(request.headers);
    const body = withdrawRequest(request.body);
    const id = request.params.application_id ?? '';
    if (!isUuid(id)) throw notFound('application');
    const digest = fingerprint({ application_id: id, ...body });
    const keyId = `withdraw:${request.principal.subject}:${key}`;
    const outcome = await db.transaction(async (tx) => {
      // The application's lock first: a racing withdrawal with the same key then sees this one's key.
      const found = await db.records.get<ApplicationRecord>(kinds.application, id, tx, { forUpdate: true });
      if (!found) throw notFound('application');
      const current = found.value;
      const seen = await db.records.get<IdempotencyRecord>(kinds.idempotency, keyId, tx);
      if (seen) {
        if (seen.value.fingerprint !== digest) throw reusedKey();
        return { replayed: true, app: current };
      }
      if (!withdrawable.includes(current.status)) {
        throw conflict(`The application is ${current.status}: only undecided applications can be withdrawn.`);
      }
      const now = nowIso();
      await outbox.add(
        tx,
        'benefit.application-withdrawn',
        {
          application_id: id,
          citizen_id: current.citizen_id,
          ...(body.reason !== undefined && { reason: body.reason }),
          withdrawn_at: now,
        },
        { id: uuidFrom(`benefit.application-withdrawn:${id}`), correlationId: id },
      );
      const withdrawn = withEvent(
        current,
        { event_type: 'benefit.application-withdrawn', step: 'completed', status: 'withdrawn' },
        now,
        {
          effects: addEffect(current, 'withdrawn'),
          ...(body.reason !== undefined && { withdrawal_reason: body.reason }),
        },
      );
      await saveApplication(db, tx, withdrawn);
      await db.records.put(tx, kinds.idempotency, keyId, { fingerprint: digest, application_id: id });
      return { replayed: false, app: withdrawn };
    });
    replies.wake(replyKey.determination(outcome.app.check_id));
    return {
      status: 200,
      ...(outcome.replayed && { headers: { 'idempotent-replayed': 'true' } }),
      body: await deps.view(outcome.app),
    };
  });

  app.route('GET', '/citizens/{citizen_id}/applications', 'benefits:read', async (request) => {
    const citizenId = request.params.citizen_id ?? '';
    const query = pageQuery(request.query, { status: applicationStatuses });
    if (!isUuid(citizenId)) {
      throw new ProblemError(400, 'Your request parameters did not validate', 'citizen_id must be a UUID.', {
        type: 'https://problems.humangov.example/validation-failed',
        errors: [{ pointer: 'citizen_id', detail: 'must be a UUID', code: 'format' }],
      });
    }
    const status = request.query.get('status');
    const result = await page(
      db,
      kinds.byCitizen(citizenId),
      query,
      async (r: StoredRecord<{ application_id: string }>) => {
        const found = await db.records.get<ApplicationRecord>(kinds.application, r.value.application_id);
        return found && (status === null || found.value.status === status) ? summaryOf(found.value) : undefined;
      },
    );
    return { status: 200, body: result };
  });

  app.route('GET', '/awards', 'benefits:read', async (request) => {
    const query = pageQuery(request.query, { citizen_id: [], status: awardStatuses, benefit_type: benefitTypes });
    const filters = (['citizen_id', 'status', 'benefit_type'] as const).flatMap((name) => {
      const value = request.query.get(name);
      return value === null ? [] : [[name, value] as const];
    });
    const result = await page(db, kinds.award, query, async (r: StoredRecord<Award>) =>
      filters.every(([name, value]) => r.value[name] === value) ? r.value : undefined,
    );
    return { status: 200, body: result };
  });

  app.route('GET', '/awards/{award_id}', 'benefits:read', async (request) => {
    const id = request.params.award_id ?? '';
    const found = isUuid(id) ? await db.records.get<Award>(kinds.award, id) : undefined;
    if (!found) throw notFound('award');
    return { status: 200, body: found.value };
  });

  return app;
}

/** One page of `kind` after the query's cursor: records `pick` keeps, and a cursor when another one follows. */
async function page<T, R>(
  db: ServiceDatabase,
  kind: string,
  query: { readonly limit: number; readonly cursor: string | undefined },
  pick: (record: StoredRecord<T>) => Promise<R | undefined>,
): Promise<{ items: R[]; next_cursor: string | null }> {
  const items: R[] = [];
  let after = query.cursor ?? '';
  let last = '';
  for (;;) {
    const batch = await db.records.list<T>(kind, { after, limit: 100 });
    for (const record of batch) {
      const item = await pick(record);
      if (item === undefined) continue;
      if (items.length === query.limit) return { items, next_cursor: encodeCursor(last) };
      items.push(item);
      last = record.id;
    }
    if (batch.length < 100) return { items, next_cursor: null };
    after = batch[batch.length - 1]!.id;
  }
}
