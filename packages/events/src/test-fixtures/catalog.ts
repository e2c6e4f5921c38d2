// A small hand-written catalog in the shape `humangov generate` writes, for this package's tests.
import type { Catalog, MessageVersion, RawValidationError, RawValidator } from '../catalog.js';

type FieldType = 'string' | 'integer' | 'strings';

/** A fake precompiled validator for flat objects that reports errors the way ajv does. */
export function objectValidator(required: Record<string, FieldType>, optional: Record<string, FieldType> = {}) {
  const validate: RawValidator = (data) => {
    const errors: RawValidationError[] = [];
    const error = (instancePath: string, keyword: string, params: Record<string, unknown>, message: string) =>
      errors.push({ instancePath, schemaPath: `#/${keyword}`, keyword, params, message });
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      error('', 'type', { type: 'object' }, 'must be object');
    } else {
      const record = data as Record<string, unknown>;
      for (const name of Object.keys(required)) {
        if (!(name in record))
          error('', 'required', { missingProperty: name }, `must have required property '${name}'`);
      }
      for (const [name, value] of Object.entries(record)) {
        const type = required[name] ?? optional[name];
        if (type === undefined) {
          error('', 'additionalProperties', { additionalProperty: name }, 'must NOT have additional properties');
        } else if (!matches(type, value)) {
          error(`/${name}`, 'type', { type }, `must be ${type}`);
        }
      }
    }
    validate.errors = errors.length > 0 ? errors : null;
    return errors.length === 0;
  };
  return validate;
}

function matches(type: FieldType, value: unknown): boolean {
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'strings') return Array.isArray(value) && value.every((item) => typeof item === 'string');
  return typeof value === 'string';
}

/** A validator that accepts anything, for events of other producers. */
export function permissive(): RawValidator {
  const validate: RawValidator = () => true;
  validate.errors = null;
  return validate;
}

export interface CitizenRegisteredV1 {
  readonly citizen_id: string;
  readonly name: string;
}
export interface CitizenRegisteredV2 {
  readonly citizen_id: string;
  readonly given_name: string;
  readonly family_name: string;
}
export interface CitizenRegisteredV3 extends CitizenRegisteredV2 {
  readonly display_name: string;
}
export interface BenefitPaidV1 {
  readonly payment_id: string;
  readonly amount_minor: number;
  readonly tags?: readonly string[];
}

// A type alias, not an interface: only type literals get the implicit index signature `EventMapShape` requires.
export type EventMap = {
  'citizen.registered': {
    latest: 3;
    versions: { 1: CitizenRegisteredV1; 2: CitizenRegisteredV2; 3: CitizenRegisteredV3 };
  };
  'benefit.paid': { latest: 1; versions: { 1: BenefitPaidV1 } };
};

export function message(
  type: string,
  version: number,
  validate: RawValidator,
  extra: Partial<MessageVersion> = {},
): MessageVersion {
  return {
    type,
    version,
    name: type,
    typeName: `${type}V${version}`,
    deprecated: false,
    channel: type,
    contentType: 'application/json',
    dataschema: `https://schemas.humangov.example/${type}/v${version}.json`,
    producers: [],
    consumers: [],
    pii: [],
    examples: [],
    schema: {},
    validate,
    ...extra,
  };
}

const citizen = { partitionKey: '/citizen_id' };

export const catalog = {
  'citizen.registered': {
    type: 'citizen.registered',
    latest: 3,
    versions: {
      1: message('citizen.registered', 1, objectValidator({ citizen_id: 'string', name: 'string' }), citizen),
      2: message(
        'citizen.registered',
        2,
        objectValidator({ citizen_id: 'string', given_name: 'string', family_name: 'string' }),
        citizen,
      ),
      3: message(
        'citizen.registered',
        3,
        objectValidator({ citizen_id: 'string', given_name: 'string', family_name: 'string', display_name: 'string' }),
        citizen,
      ),
    },
  },
  'benefit.paid': {
    type: 'benefit.paid',
    latest: 1,
    versions: {
      1: message(
        'benefit.paid',
        1,
        objectValidator({ payment_id: 'string', amount_minor: 'integer' }, { tags: 'strings' }),
      ),
    },
  },
} as const satisfies Catalog;
