/**
 * What the benefits service keeps, as documents in its database (`db.records`): applications with the events of
 * their life, awards, the eligibility checks it sent (to map a determination back to its application), the
 * replies its saga waits for, and Idempotency-Key records. Shapes of the API come from the generated OpenAPI types.
 */
import type { BenefitsComponents } from '@humangov/sdk';

type Schemas = BenefitsComponents['schemas'];
export type ApplicationStatus = Schemas['ApplicationStatus'];
export type SagaStepName = Schemas['SagaStep'];
export type BenefitType = Schemas['BenefitType'];
export type ApplicationChannel = Schemas['Application']['channel'];
export type HistoryEntry = Schemas['ApplicationHistoryEntry'];
export type ApplicationView = Schemas['Application'];
export type ApplicationSummary = Schemas['ApplicationSummary'];
export type Award = Schemas['Award'];
export type AwardStatus = Schemas['AwardStatus'];

/** Effects a step has written, each in the same transaction as its flag: a re-run step skips what is done. */
export type Effect =
  | 'check-requested'
  | 'rejected'
  | 'entitlement-calculated'
  | 'approved'
  | 'notified'
  | 'award-revoked'
  | 'withdrawn';

/** An application as stored (`kind: 'application'`, id = application id = saga id). */
export interface ApplicationRecord {
  readonly application_id: string;
  readonly citizen_id: string;
  readonly benefit_type: BenefitType;
  readonly channel: ApplicationChannel;
  readonly evidence_document_ids?: readonly string[];
  readonly status: ApplicationStatus;
  readonly submitted_at: string;
  readonly updated_at: string;
  readonly award_id?: string;
  readonly withdrawal_reason?: string;
  readonly check_id: string;
  readonly effects: readonly Effect[];
  readonly history: readonly HistoryEntry[];
}

/** A determination or payment outcome the saga waits for (`kind: 'reply'`). */
export type Reply =
  | {
      readonly kind: 'determination';
      readonly outcome: 'eligible' | 'ineligible' | 'referred';
      readonly determination_id: string;
      readonly reason_codes: readonly string[];
      readonly rule_set_version: string;
    }
  | { readonly kind: 'disbursed'; readonly payment_id: string }
  | { readonly kind: 'failed'; readonly payment_id: string; readonly failure_code: string };

/** Keys of the `reply` records: one per eligibility check, one per award's payment outcome. */
export const replyKey = {
  determination: (checkId: string) => `determination:${checkId}`,
  payment: (awardId: string) => `payment:${awardId}`,
} as const;

export const kinds = {
  application: 'application',
  award: 'award',
  /** check id -> application id */
  check: 'check',
  reply: 'reply',
  idempotency: 'idempotency',
  /** `by-citizen:<citizen_id>`: ids sort newest first (see `citizenIndexId`). */
  byCitizen: (citizenId: string) => `by-citizen:${citizenId}`,
} as const;

/** Index id under `by-citizen:<citizen>`: the inverted submission time, so id order is newest first. */
export const citizenIndexId = (submittedAt: string, applicationId: string): string =>
  `${String(9_999_999_999_999 - Date.parse(submittedAt)).padStart(13, '0')}:${applicationId}`;

/** The saga's steps, named as the API's `SagaStep` names them. */
export const sagaSteps = [
  'eligibility-check',
  'entitlement-calculation',
  'approval',
  'payment',
  'notification',
] as const satisfies readonly SagaStepName[];

/** Applications that can still be withdrawn: nothing is decided yet. */
export const withdrawable: readonly ApplicationStatus[] = [
  'submitted',
  'checking-eligibility',
  'calculating-entitlement',
];

/** Statuses a running saga no longer changes. */
export const settled: readonly ApplicationStatus[] = ['paid', 'rejected', 'withdrawn', 'failed'];

/** The record with one more history entry (sequence numbers follow the array) and the new status. */
export function withEvent(
  app: ApplicationRecord,
  entry: { readonly event_type: string; readonly step: SagaStepName; readonly status?: ApplicationStatus },
  now: string,
  patch: Partial<ApplicationRecord> = {},
): ApplicationRecord {
  const status = entry.status ?? patch.status ?? app.status;
  return {
    ...app,
    ...patch,
    status,
    updated_at: now,
    history: [
      ...app.history,
      { sequence: app.history.length + 1, event_type: entry.event_type, step: entry.step, status, occurred_at: now },
    ],
  };
}

export const hasEffect = (app: ApplicationRecord, effect: Effect): boolean => app.effects.includes(effect);
export const addEffect = (app: ApplicationRecord, effect: Effect): readonly Effect[] => [...app.effects, effect];

export function summaryOf(app: ApplicationRecord): ApplicationSummary {
  return {
    application_id: app.application_id,
    citizen_id: app.citizen_id,
    benefit_type: app.benefit_type,
    status: app.status,
    submitted_at: app.submitted_at,
    updated_at: app.updated_at,
  };
}
