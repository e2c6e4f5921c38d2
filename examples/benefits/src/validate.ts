/**
 * Request validation for the benefits API, as the OpenAPI spec states it: bodies (required members, formats,
 * enums, no unknown members), the Idempotency-Key header and the paging query. Every failure is a 400 problem
 * with one `errors` entry per offending member (`pointer`, `detail`, `code`), all of them at once.
 */

import type { IncomingHttpHeaders } from 'node:http';
import type { BenefitsComponents } from '@humangov/sdk';
import { ProblemError } from '@humangov-examples/kit';

type Schemas = BenefitsComponents['schemas'];
export type SubmitRequest = Schemas['SubmitApplicationRequest'];
export type WithdrawRequest = Schemas['WithdrawApplicationRequest'];
type Issue = Schemas['ValidationError'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

export const benefitTypes = [
  'jobseeker-support',
  'housing-support',
  'child-support',
  'disability-support',
  'carer-support',
] as const satisfies readonly Schemas['BenefitType'][];
const channels = ['online', 'telephone', 'in-person', 'post'] as const;
export const applicationStatuses = [
  'submitted',
  'checking-eligibility',
  'calculating-entitlement',
  'approved',
  'awaiting-payment',
  'paid',
  'rejected',
  'withdrawn',
  'compensating',
  'failed',
] as const satisfies readonly Schemas['ApplicationStatus'][];
export const awardStatuses = ['active', 'suspended', 'revoked', 'ended'] as const;

/** Throws the 400 problem for `issues`, if any. */
function check(issues: Issue[], what: string): void {
  if (issues.length === 0) return;
  throw new ProblemError(
    400,
    'Your request parameters did not validate',
    `${what} has ${issues.length} invalid member(s).`,
    {
      type: 'https://problems.humangov.example/validation-failed',
      errors: issues,
    },
  );
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function unknownMembers(body: Record<string, unknown>, known: readonly string[], issues: Issue[]): void {
  for (const key of Object.keys(body)) {
    if (!known.includes(key))
      issues.push({ pointer: `/${key}`, detail: 'is not a member of this request', code: 'additionalProperties' });
  }
}

export function submitRequest(body: unknown): SubmitRequest {
  if (!isObject(body)) check([{ pointer: '', detail: 'must be a JSON object', code: 'type' }], 'The request body');
  const b = body as Record<string, unknown>;
  const issues: Issue[] = [];
  unknownMembers(b, ['citizen_id', 'benefit_type', 'channel', 'evidence_document_ids', 'declaration_accepted'], issues);
  if (b.citizen_id === undefined) issues.push({ pointer: '/citizen_id', detail: 'is required', code: 'required' });
  else if (!isUuid(b.citizen_id)) issues.push({ pointer: '/citizen_id', detail: 'must be a UUID', code: 'format' });
  if (b.benefit_type === undefined) issues.push({ pointer: '/benefit_type', detail: 'is required', code: 'required' });
  else if (!benefitTypes.includes(b.benefit_type as never)) {
    issues.push({ pointer: '/benefit_type', detail: `must be one of ${benefitTypes.join(', ')}`, code: 'enum' });
  }
  if (b.channel !== undefined && !channels.includes(b.channel as never)) {
    issues.push({ pointer: '/channel', detail: `must be one of ${channels.join(', ')}`, code: 'enum' });
  }
  const evidence = b.evidence_document_ids;
  if (evidence !== undefined) {
    if (!Array.isArray(evidence)) {
      issues.push({ pointer: '/evidence_document_ids', detail: 'must be an array of UUIDs', code: 'type' });
    } else {
      if (evidence.length > 50) {
        issues.push({ pointer: '/evidence_document_ids', detail: 'must have at most 50 items', code: 'maxItems' });
      }
      if (new Set(evidence).size !== evidence.length) {
        issues.push({ pointer: '/evidence_document_ids', detail: 'must not repeat an item', code: 'uniqueItems' });
      }
      evidence.forEach((id, i) => {
        if (!isUuid(id))
          issues.push({ pointer: `/evidence_document_ids/${i}`, detail: 'must be a UUID', code: 'format' });
      });
    }
  }
  if (b.declaration_accepted !== true) {
    issues.push({
      pointer: '/declaration_accepted',
      detail: 'must be true: the applicant declares the information given is true and complete',
      code: b.declaration_accepted === undefined ? 'required' : 'const',
    });
  }
  check(issues, 'The request body');
  return b as unknown as SubmitRequest;
}

export function withdrawRequest(body: unknown): WithdrawRequest {
  if (!isObject(body)) check([{ pointer: '', detail: 'must be a JSON object', code: 'type' }], 'The request body');
  const b = body as Record<string, unknown>;
  const issues: Issue[] = [];
  unknownMembers(b, ['reason'], issues);
  if (b.reason !== undefined && (typeof b.reason !== 'string' || b.reason.length > 500)) {
    issues.push({ pointer: '/reason', detail: 'must be a string of at most 500 characters', code: 'maxLength' });
  }
  check(issues, 'The request body');
  return b as WithdrawRequest;
}

/** The Idempotency-Key header: required, 8 to 128 characters of `A-Za-z0-9_.:-`. */
export function idempotencyKey(headers: IncomingHttpHeaders): string {
  const key = headers['idempotency-key'];
  const value = Array.isArray(key) ? key[0] : key;
  if (value === undefined) {
    check(
      [{ pointer: 'Idempotency-Key', detail: 'is required: send a client-generated UUID', code: 'required' }],
      'The request',
    );
  } else if (!/^[A-Za-z0-9_.:-]{8,128}$/.test(value)) {
    check(
      [{ pointer: 'Idempotency-Key', detail: 'must be 8 to 128 characters of A-Z a-z 0-9 _ . : -', code: 'pattern' }],
      'The request',
    );
  }
  return value as string;
}

export interface PageQuery {
  readonly limit: number;
  readonly cursor: string | undefined;
}

/** `limit` (1..200, default 50), `cursor` (opaque, at most 512 characters) and the enum filters in `filters`. */
export function pageQuery(
  query: URLSearchParams,
  filters: Readonly<Record<string, readonly string[]>> = {},
): PageQuery {
  const issues: Issue[] = [];
  const limitText = query.get('limit');
  const limit = limitText === null ? 50 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
    issues.push({ pointer: 'limit', detail: 'must be an integer from 1 to 200', code: 'range' });
  }
  const cursor = query.get('cursor') ?? undefined;
  if (cursor !== undefined && (cursor.length > 512 || decodeCursor(cursor) === undefined)) {
    issues.push({ pointer: 'cursor', detail: 'is not a cursor this API returned', code: 'format' });
  }
  for (const [name, allowed] of Object.entries(filters)) {
    const value = query.get(name);
    if (value === null) continue;
    const ok = allowed.length === 0 ? isUuid(value) : allowed.includes(value);
    if (!ok) {
      const detail = allowed.length === 0 ? 'must be a UUID' : `must be one of ${allowed.join(', ')}`;
      issues.push({ pointer: name, detail, code: allowed.length === 0 ? 'format' : 'enum' });
    }
  }
  check(issues, 'The query');
  return { limit, cursor: cursor === undefined ? undefined : decodeCursor(cursor) };
}

export const encodeCursor = (after: string): string => Buffer.from(JSON.stringify({ after })).toString('base64url');

function decodeCursor(cursor: string): string | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    return typeof parsed.after === 'string' ? parsed.after : undefined;
  } catch {
    return undefined;
  }
}
