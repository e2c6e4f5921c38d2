/**
 * The registry's writes: each changes the citizen's record and adds its event to the outbox in ONE transaction
 * (`tx`), so an event is published if and only if the change committed. The record is a JSON document
 * (`citizen/<citizen_id>`); its store version is the API's `version` and ETag.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { EventMap } from '@humangov/events';
import type { Outbox } from '@humangov/sdk';
import { ProblemError, type Records, type Tx } from '@humangov-examples/kit';
import type {
  Address,
  ChangeAddressRequest,
  Circumstances,
  Citizen,
  ErasureRequest,
  RegisterCitizenRequest,
  UpdateCircumstancesRequest,
} from './requests.js';

/** Kind of the citizen records in the service's database. */
export const CITIZEN = 'citizen';

/** A citizen as stored: the API's `Citizen` without `version` (the store keeps it). */
export type StoredCitizen = Omit<Citizen, 'version'>;

/**
 * A registration from an import path that still writes the full name as one string: it publishes
 * citizen.registered v1 (and, with circumstances, citizen.circumstances-changed v1, without an effective date).
 */
export interface LegacyRegistration {
  /** Full legal name as one string, e.g. `Amara Okafor`. */
  readonly name: string;
  readonly date_of_birth: string;
  readonly national_identifier?: string;
  /** @default {@link UNRECORDED_ADDRESS} (old records often have none; the API's record requires one) */
  readonly address?: Address;
  /** Circumstances the old record holds; `effective_date` is stored but v1 events cannot carry it. */
  readonly circumstances?: Circumstances;
}

/** The address stored for a legacy record that has none (the citizen is asked for it at the next contact). */
export const UNRECORDED_ADDRESS: Address = {
  line1: 'not recorded',
  locality: 'not recorded',
  postal_code: 'none',
  country_code: 'GB',
};

/** What an accepted erasure request answers (the spec's `ErasureRequestAccepted`). */
export interface ErasureAccepted {
  readonly erasure_request_id: string;
  readonly citizen_id: string;
  readonly delete: boolean;
  readonly status: 'accepted';
  readonly complete_by: string;
}

/** Days every context has to complete an erasure (the statutory deadline written into the event). */
export const ERASURE_DEADLINE_DAYS = 30;

/** `value` without its `undefined` members (the event schemas forbid members they do not know, even empty). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const withVersion = (citizen: StoredCitizen, version: number): Citizen => ({ ...citizen, version });

export interface Citizens {
  register(tx: Tx, request: RegisterCitizenRequest): Promise<Citizen>;
  registerLegacy(tx: Tx, registration: LegacyRegistration): Promise<Citizen>;
  /** `ifMatch` is the ETag the caller read; a mismatch is a 412 problem (nothing written). */
  updateCircumstances(
    tx: Tx,
    citizenId: string,
    ifMatch: string,
    request: UpdateCircumstancesRequest,
  ): Promise<Citizen>;
  changeAddress(tx: Tx, citizenId: string, ifMatch: string, request: ChangeAddressRequest): Promise<Citizen>;
  /** Pseudonymises the stored personal data and publishes citizen.erasure-requested. */
  requestErasure(tx: Tx, citizenId: string, request: ErasureRequest): Promise<ErasureAccepted>;
}

/** The ETag of `version`: the number in quotes. */
export const etagOf = (version: number): string => `"${version}"`;

export function createCitizens(options: {
  readonly records: Records;
  readonly outbox: Outbox<EventMap, Tx>;
  readonly now?: () => Date;
}): Citizens {
  const { records } = options;
  const { outbox } = options;
  const now = () => (options.now ?? (() => new Date()))().toISOString();

  async function load(tx: Tx, citizenId: string): Promise<{ citizen: StoredCitizen; version: number }> {
    const record = await records.get<StoredCitizen>(CITIZEN, citizenId, tx);
    if (!record) throw new ProblemError(404, 'Citizen not found', `no citizen ${citizenId}`);
    return { citizen: record.value, version: record.version };
  }

  /** Writes `citizen` over version `expected`; a concurrent writer in between makes it a 412 (rolled back). */
  async function save(tx: Tx, citizen: StoredCitizen, expected: number): Promise<number> {
    const version = await records.put(tx, CITIZEN, citizen.citizen_id, citizen);
    if (version !== expected + 1) throw preconditionFailed(citizen.citizen_id);
    return version;
  }

  async function loadMatching(tx: Tx, citizenId: string, ifMatch: string) {
    const loaded = await load(tx, citizenId);
    if (ifMatch.replace(/^W\//, '') !== etagOf(loaded.version)) throw preconditionFailed(citizenId);
    return loaded;
  }

  async function publishCircumstances(tx: Tx, citizenId: string, circumstances: Circumstances, changedAt: string) {
    await outbox.add(tx, 'citizen.circumstances-changed', {
      citizen_id: citizenId,
      status: circumstances.status,
      household_size: circumstances.household_size,
      monthly_income: circumstances.monthly_income,
      currency: circumstances.currency,
      effective_date: circumstances.effective_date,
      changed_at: changedAt,
    });
  }

  return {
    async register(tx, request) {
      const at = now();
      const citizen: StoredCitizen = defined({
        citizen_id: randomUUID(),
        ...request,
        status: 'active',
        registered_at: at,
        updated_at: at,
      });
      const version = await records.put(tx, CITIZEN, citizen.citizen_id, citizen);
      await outbox.add(
        tx,
        'citizen.registered',
        defined({
          citizen_id: citizen.citizen_id,
          given_name: request.given_name,
          family_name: request.family_name,
          date_of_birth: request.date_of_birth,
          national_identifier: request.national_identifier,
          address: request.address,
          email: request.email,
          phone: request.phone,
          preferred_language: request.preferred_language,
          registered_at: at,
        }),
      );
      // Circumstances declared at registration are a change of circumstances too: eligibility learns them here.
      if (request.circumstances) await publishCircumstances(tx, citizen.citizen_id, request.circumstances, at);
      return withVersion(citizen, version);
    },

    async registerLegacy(tx, registration) {
      const at = now();
      const words = registration.name.trim().split(/\s+/);
      const family = words.pop() ?? registration.name;
      const citizen: StoredCitizen = defined({
        citizen_id: randomUUID(),
        given_name: words.join(' ') || family,
        family_name: family,
        date_of_birth: registration.date_of_birth,
        national_identifier: registration.national_identifier,
        address: registration.address ?? UNRECORDED_ADDRESS,
        circumstances: registration.circumstances,
        status: 'active' as const,
        registered_at: at,
        updated_at: at,
      });
      const version = await records.put(tx, CITIZEN, citizen.citizen_id, citizen);
      await outbox.add(
        tx,
        'citizen.registered',
        defined({
          citizen_id: citizen.citizen_id,
          name: registration.name,
          date_of_birth: registration.date_of_birth,
          national_identifier: registration.national_identifier,
          address: registration.address,
          registered_at: at,
        }),
        { version: 1 },
      );
      const c = registration.circumstances;
      if (c) {
        const { effective_date: _, ...v1 } = c;
        await outbox.add(
          tx,
          'citizen.circumstances-changed',
          { ...v1, citizen_id: citizen.citizen_id, changed_at: at },
          { version: 1 },
        );
      }
      return withVersion(citizen, version);
    },

    async updateCircumstances(tx, citizenId, ifMatch, request) {
      const { citizen, version } = await loadMatching(tx, citizenId, ifMatch);
      const at = now();
      const updated: StoredCitizen = { ...citizen, circumstances: request, updated_at: at };
      const next = await save(tx, updated, version);
      await publishCircumstances(tx, citizenId, request, at);
      return withVersion(updated, next);
    },

    async changeAddress(tx, citizenId, ifMatch, request) {
      const { citizen, version } = await loadMatching(tx, citizenId, ifMatch);
      const at = now();
      const isDefault = request.default ?? true;
      // A non-default address (a care address) is published for those who post letters there; the record keeps
      // its default correspondence address.
      const updated: StoredCitizen = { ...citizen, ...(isDefault && { address: request.address }), updated_at: at };
      const next = await save(tx, updated, version);
      await outbox.add(tx, 'citizen.address-changed', {
        citizen_id: citizenId,
        address: request.address,
        default: isDefault,
        effective_date: request.effective_date,
        changed_at: at,
      });
      return withVersion(updated, next);
    },

    async requestErasure(tx, citizenId, request) {
      const { citizen, version } = await load(tx, citizenId);
      const at = now();
      await save(tx, pseudonymise(citizen, at), version);
      const completeBy = new Date(Date.parse(at) + ERASURE_DEADLINE_DAYS * 86_400_000).toISOString().slice(0, 10);
      const accepted: ErasureAccepted = {
        erasure_request_id: randomUUID(),
        citizen_id: citizenId,
        delete: request.delete,
        status: 'accepted',
        complete_by: completeBy,
      };
      await outbox.add(tx, 'citizen.erasure-requested', {
        erasure_request_id: accepted.erasure_request_id,
        citizen_id: citizenId,
        delete: request.delete,
        reason: request.reason,
        complete_by: completeBy,
        requested_at: at,
      });
      return accepted;
    },
  };
}

/**
 * The record with its personal data replaced by irreversible tokens (random, so nothing can be recomputed from
 * them): names, contact details, national identifier and income go, the date of birth keeps only its year, the
 * address only its country. The record itself stays, so the `citizen_id` other contexts hold still resolves.
 */
export function pseudonymise(citizen: StoredCitizen, at: string): StoredCitizen {
  const token = () => `pseudonym-${randomBytes(6).toString('hex')}`;
  return {
    citizen_id: citizen.citizen_id,
    given_name: token(),
    family_name: token(),
    date_of_birth: `${citizen.date_of_birth.slice(0, 4)}-01-01`,
    address: { line1: 'erased', locality: 'erased', postal_code: 'erased', country_code: citizen.address.country_code },
    status: 'pseudonymised',
    registered_at: citizen.registered_at,
    updated_at: at,
  };
}

function preconditionFailed(citizenId: string): ProblemError {
  return new ProblemError(
    412,
    'Resource has changed',
    `citizen ${citizenId} changed since you read it: reload it and send its new ETag in If-Match`,
  );
}
