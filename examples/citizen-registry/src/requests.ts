/**
 * The request schemas of the registry's API (OpenAPI components `RegisterCitizenRequest`,
 * `UpdateCircumstancesRequest`, `ChangeAddressRequest`, `ErasureRequest`, the list query), as checks, and
 * `parseBody`, which answers 400 problem+json naming every offending member.
 */

import type { CitizenRegistryComponents } from '@humangov/sdk';
import { ProblemError } from '@humangov-examples/kit';
import { boolean, type Check, integer, object, string, type ValidationError, validate } from './validation.js';

type Schemas = CitizenRegistryComponents['schemas'];
export type Address = Schemas['Address'];
export type Circumstances = Schemas['Circumstances'];
export type Citizen = Schemas['Citizen'];
export type RegisterCitizenRequest = Schemas['RegisterCitizenRequest'];
export type UpdateCircumstancesRequest = Schemas['UpdateCircumstancesRequest'];
export type ChangeAddressRequest = Schemas['ChangeAddressRequest'];
export type ErasureRequest = Schemas['ErasureRequest'];
export type EmploymentStatus = Schemas['EmploymentStatus'];
export type CitizenStatus = Schemas['CitizenStatus'];

export const EMPLOYMENT_STATUSES: readonly EmploymentStatus[] = [
  'employed',
  'self-employed',
  'unemployed',
  'retired',
  'student',
  'unable-to-work',
  'carer',
];
export const CITIZEN_STATUSES: readonly CitizenStatus[] = ['active', 'deceased', 'erasure-pending', 'pseudonymised'];

const date = string({ format: 'date' });
const income = string({ pattern: /^(0|[1-9][0-9]{0,17})(\.[0-9]{1,4})?$/ });
const currency = string({ pattern: /^[A-Z]{3}$/ });

const address = object(
  {
    line1: string({ minLength: 1, maxLength: 200 }),
    line2: string({ maxLength: 200 }),
    locality: string({ minLength: 1, maxLength: 100 }),
    region: string({ maxLength: 100 }),
    postal_code: string({ minLength: 2, maxLength: 16 }),
    country_code: string({ pattern: /^[A-Z]{2}$/ }),
  },
  ['line1', 'locality', 'postal_code', 'country_code'],
);

const circumstances = object(
  {
    status: string({ enum: EMPLOYMENT_STATUSES }),
    household_size: integer({ minimum: 1, maximum: 30 }),
    monthly_income: income,
    currency,
    effective_date: date,
  },
  ['status', 'household_size', 'monthly_income', 'currency', 'effective_date'],
);

export const registerCitizenRequest: Check = object(
  {
    given_name: string({ minLength: 1, maxLength: 200 }),
    family_name: string({ minLength: 1, maxLength: 200 }),
    date_of_birth: date,
    national_identifier: string({ pattern: /^[A-Z0-9]{6,12}$/ }),
    email: string({ format: 'email', maxLength: 254 }),
    phone: string({ pattern: /^\+[1-9][0-9]{6,14}$/ }),
    preferred_language: string({ pattern: /^[a-z]{2,3}(-[A-Z]{2})?$/ }),
    address,
    circumstances,
  },
  ['given_name', 'family_name', 'date_of_birth', 'address'],
);

export const updateCircumstancesRequest: Check = circumstances;

export const changeAddressRequest: Check = object({ address, effective_date: date, default: boolean() }, [
  'address',
  'effective_date',
]);

export const erasureRequest: Check = object(
  {
    delete: boolean(),
    reason: string({ enum: ['citizen-request', 'retention-period-expired', 'court-order', 'registration-in-error'] }),
  },
  ['delete', 'reason'],
);

/** The 400 problem for `errors`: its detail names the offending members, `errors` lists them all. */
export function invalidRequest(errors: readonly ValidationError[]): ProblemError {
  const summary = errors.map((e) => `${e.pointer} ${e.detail}`).join('; ');
  return new ProblemError(400, 'Invalid request', summary, { errors });
}

/** `body` typed as `T` once `check` accepts it; otherwise throws the 400 problem. */
export function parseBody<T>(check: Check, body: unknown): T {
  const errors = validate(check, body);
  if (errors.length > 0) throw invalidRequest(errors);
  return body as T;
}
