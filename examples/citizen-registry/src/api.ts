/**
 * The registry's HTTP API, one route per operation of `specs/openapi/citizen-registry.openapi.yaml`, with the
 * scopes the spec declares. Writes run in one database transaction with their outbox event; POSTs honour the
 * required `Idempotency-Key` (same key and body: the first answer again; same key, other body: 409).
 */
import { createHash } from 'node:crypto';
import {
  type HttpApp,
  type HttpReply,
  type HttpRequest,
  ProblemError,
  type ServiceDatabase,
} from '@humangov-examples/kit';
import { CITIZEN, type Citizens, etagOf, type StoredCitizen } from './citizens.js';
import {
  type ChangeAddressRequest,
  CITIZEN_STATUSES,
  type Citizen,
  changeAddressRequest,
  EMPLOYMENT_STATUSES,
  type ErasureRequest,
  erasureRequest,
  invalidRequest,
  parseBody,
  type RegisterCitizenRequest,
  registerCitizenRequest,
  type UpdateCircumstancesRequest,
  updateCircumstancesRequest,
} from './requests.js';
import { integer, isDate, isUuid, string, type ValidationError } from './validation.js';

/** Kind of the stored answers to idempotent requests. */
const IDEMPOTENCY = 'idempotency';
const KEY = /^[A-Za-z0-9_.:-]{8,128}$/;
/** Records read per round trip while filtering a page. */
const SCAN = 200;

interface StoredReply {
  readonly fingerprint: string;
  readonly reply: HttpReply;
}

const header = (request: HttpRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function citizenIdOf(request: HttpRequest): string {
  const id = request.params.citizen_id ?? '';
  if (!isUuid(id)) throw invalidRequest([{ pointer: 'citizen_id', detail: 'must be a UUID', code: 'format' }]);
  return id;
}

function ifMatchOf(request: HttpRequest): string {
  const value = header(request, 'if-match');
  if (value === undefined) {
    throw new ProblemError(
      428,
      'If-Match header required',
      'updates must carry the ETag of the version being changed in If-Match',
    );
  }
  return value;
}

function idempotencyKeyOf(request: HttpRequest): string {
  const key = header(request, 'idempotency-key');
  if (key === undefined || !KEY.test(key)) {
    const detail = key === undefined ? 'is required' : 'must be 8 to 128 characters of A-Z a-z 0-9 _ . : -';
    throw invalidRequest([{ pointer: 'Idempotency-Key', detail, code: key === undefined ? 'required' : 'pattern' }]);
  }
  return key;
}

export function routes(app: HttpApp, db: ServiceDatabase, citizens: Citizens): HttpApp {
  /** Runs `fn` once per (operation, Idempotency-Key), in the transaction that stores its reply. */
  function idempotent(request: HttpRequest, operation: string, fn: Parameters<ServiceDatabase['transaction']>[0]) {
    const key = idempotencyKeyOf(request);
    const id = `${operation}:${key}`;
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([operation, request.params, request.body]))
      .digest('hex');
    return db.transaction(async (tx) => {
      const previous = await db.records.get<StoredReply>(IDEMPOTENCY, id, tx);
      if (previous) {
        if (previous.value.fingerprint !== fingerprint) {
          throw new ProblemError(
            409,
            'Request conflicts with the current state',
            'the Idempotency-Key was already used with a different request: use a new key for a new request',
          );
        }
        return previous.value.reply;
      }
      const reply = (await fn(tx)) as HttpReply;
      // A concurrent request with the same key wrote first: ours rolls back.
      const version = await db.records.put<StoredReply>(tx, IDEMPOTENCY, id, { fingerprint, reply });
      if (version !== 1)
        throw new ProblemError(
          409,
          'Request conflicts with the current state',
          'a request with this Idempotency-Key is in progress',
        );
      return reply;
    }) as Promise<HttpReply>;
  }

  const ok = (status: number, citizen: Citizen, extra: Record<string, string> = {}): HttpReply => ({
    status,
    body: citizen,
    headers: { etag: etagOf(citizen.version), ...extra },
  });

  return app
    .route('POST', '/citizens', 'citizens:write', async (request) => {
      const body = parseBody<RegisterCitizenRequest>(registerCitizenRequest, request.body);
      return idempotent(request, 'registerCitizen', async (tx) => {
        const citizen = await citizens.register(tx, body);
        return ok(201, citizen, { location: `/citizens/${citizen.citizen_id}` });
      });
    })
    .route('GET', '/citizens', 'citizens:read', async (request) => list(db, request))
    .route('GET', '/citizens/{citizen_id}', 'citizens:read', async (request) => {
      const id = citizenIdOf(request);
      const record = await db.records.get<StoredCitizen>(CITIZEN, id);
      if (!record) throw new ProblemError(404, 'Citizen not found', `no citizen ${id}`);
      return ok(200, { ...record.value, version: record.version });
    })
    .route('PUT', '/citizens/{citizen_id}/circumstances', 'citizens:write', async (request) => {
      const id = citizenIdOf(request);
      const ifMatch = ifMatchOf(request);
      const body = parseBody<UpdateCircumstancesRequest>(updateCircumstancesRequest, request.body);
      return ok(200, await db.transaction((tx) => citizens.updateCircumstances(tx, id, ifMatch, body)));
    })
    .route('PUT', '/citizens/{citizen_id}/address', 'citizens:write', async (request) => {
      const id = citizenIdOf(request);
      const ifMatch = ifMatchOf(request);
      const body = parseBody<ChangeAddressRequest>(changeAddressRequest, request.body);
      return ok(200, await db.transaction((tx) => citizens.changeAddress(tx, id, ifMatch, body)));
    })
    .route('POST', '/citizens/{citizen_id}/erasure-requests', 'citizens:erase', async (request) => {
      const id = citizenIdOf(request);
      const body = parseBody<ErasureRequest>(erasureRequest, request.body);
      return idempotent(request, `requestErasure:${id}`, async (tx) => ({
        status: 202,
        body: await citizens.requestErasure(tx, id, body),
      }));
    });
}

interface ListQuery {
  readonly after: string;
  readonly limit: number;
  readonly status?: string;
  readonly employmentStatus?: string;
  readonly from?: string;
  readonly to?: string;
}

function parseQuery(query: URLSearchParams): ListQuery {
  const errors: ValidationError[] = [];
  const get = (name: string) => query.get(name) ?? undefined;
  const check = (name: string, rules: Parameters<typeof string>[0]) => {
    const value = get(name);
    if (value !== undefined) string(rules)(value, name, errors);
    return value;
  };
  const cursor = check('cursor', { maxLength: 512 });
  let after = '';
  if (cursor !== undefined && errors.length === 0) {
    try {
      const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
      if (typeof decoded.after !== 'string') throw new TypeError('no after');
      after = decoded.after;
    } catch {
      errors.push({ pointer: 'cursor', detail: 'is not a cursor this API returned', code: 'format' });
    }
  }
  const rawLimit = get('limit');
  const limit = rawLimit === undefined ? 50 : /^-?\d+$/.test(rawLimit) ? Number(rawLimit) : Number.NaN;
  integer({ minimum: 1, maximum: 200 })(limit, 'limit', errors);
  const status = check('status', { enum: CITIZEN_STATUSES });
  const employmentStatus = check('employment_status', { enum: EMPLOYMENT_STATUSES });
  const from = check('registered_from', { format: 'date' });
  const to = check('registered_to', { format: 'date' });
  if (errors.length > 0) throw invalidRequest(errors);
  return {
    after,
    limit,
    ...(status !== undefined && { status }),
    ...(employmentStatus !== undefined && { employmentStatus }),
    ...(from !== undefined && isDate(from) && { from }),
    ...(to !== undefined && isDate(to) && { to }),
  };
}

/** A page of citizens in id order, filtered; the cursor is the last id of the page (opaque to clients). */
async function list(db: ServiceDatabase, request: HttpRequest): Promise<HttpReply> {
  const query = parseQuery(request.query);
  const matches = (c: StoredCitizen) => {
    const day = c.registered_at.slice(0, 10);
    return (
      (query.status === undefined || c.status === query.status) &&
      (query.employmentStatus === undefined || c.circumstances?.status === query.employmentStatus) &&
      (query.from === undefined || day >= query.from) &&
      (query.to === undefined || day <= query.to)
    );
  };
  const items: Citizen[] = [];
  let after = query.after;
  // One more than the page, to know whether there is a next page.
  while (items.length <= query.limit) {
    const batch = await db.records.list<StoredCitizen>(CITIZEN, { after, limit: SCAN });
    for (const record of batch) {
      if (matches(record.value)) items.push({ ...record.value, version: record.version });
      if (items.length > query.limit) break;
    }
    if (batch.length < SCAN) break;
    after = batch[batch.length - 1]!.id;
  }
  const page = items.slice(0, query.limit);
  const more = items.length > query.limit;
  const nextCursor = more
    ? Buffer.from(JSON.stringify({ after: page.at(-1)!.citizen_id })).toString('base64url')
    : null;
  return { status: 200, body: { items: page, next_cursor: nextCursor } };
}
