/**
 * Request validation for the registry's HTTP API: small composable checks that mirror the OpenAPI schemas
 * (`specs/openapi/citizen-registry.openapi.yaml`) and collect every failure as a ValidationError of the spec
 * (a JSON pointer to the member, what is wrong with it, and a code). The checks are written against the spec's
 * request schemas by hand; the generated `paths` types make a handler that reads a member the spec does not have
 * fail to compile.
 */
import type { CitizenRegistryComponents } from '@humangov/sdk';

/** One validation failure, as the spec's `ValidationError` schema describes it. */
export type ValidationError = CitizenRegistryComponents['schemas']['ValidationError'];

/** Checks `value` (found at `pointer`) and appends what is wrong to `errors`. */
export type Check = (value: unknown, pointer: string, errors: ValidationError[]) => void;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a real calendar date written `YYYY-MM-DD`. */
export function isDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Whether `value` is a UUID (any version), as the spec's `format: uuid`. */
export const isUuid = (value: string): boolean => UUID.test(value);

export interface StringRules {
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: RegExp;
  readonly format?: 'date' | 'email' | 'uuid';
  readonly enum?: readonly string[];
}

/** A string with the given rules. */
export function string(rules: StringRules = {}): Check {
  return (value, pointer, errors) => {
    if (typeof value !== 'string') {
      errors.push({ pointer, detail: 'must be a string', code: 'type' });
      return;
    }
    if (rules.minLength !== undefined && value.length < rules.minLength) {
      errors.push({ pointer, detail: `must be at least ${rules.minLength} characters`, code: 'minLength' });
    } else if (rules.maxLength !== undefined && value.length > rules.maxLength) {
      errors.push({ pointer, detail: `must be at most ${rules.maxLength} characters`, code: 'maxLength' });
    } else if (rules.enum && !rules.enum.includes(value)) {
      errors.push({ pointer, detail: `must be one of ${rules.enum.join(', ')}`, code: 'enum' });
    } else if (rules.pattern && !rules.pattern.test(value)) {
      errors.push({ pointer, detail: `must match ${rules.pattern.source}`, code: 'pattern' });
    } else if (rules.format === 'date' && !isDate(value)) {
      errors.push({ pointer, detail: 'must be a calendar date (YYYY-MM-DD)', code: 'format' });
    } else if (rules.format === 'email' && !EMAIL.test(value)) {
      errors.push({ pointer, detail: 'must be an email address', code: 'format' });
    } else if (rules.format === 'uuid' && !isUuid(value)) {
      errors.push({ pointer, detail: 'must be a UUID', code: 'format' });
    }
  };
}

/** An integer between `minimum` and `maximum` (inclusive). */
export function integer(rules: { readonly minimum?: number; readonly maximum?: number } = {}): Check {
  return (value, pointer, errors) => {
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      errors.push({ pointer, detail: 'must be an integer', code: 'type' });
    } else if (rules.minimum !== undefined && value < rules.minimum) {
      errors.push({ pointer, detail: `must be at least ${rules.minimum}`, code: 'minimum' });
    } else if (rules.maximum !== undefined && value > rules.maximum) {
      errors.push({ pointer, detail: `must be at most ${rules.maximum}`, code: 'maximum' });
    }
  };
}

/** A boolean. */
export const boolean = (): Check => (value, pointer, errors) => {
  if (typeof value !== 'boolean') errors.push({ pointer, detail: 'must be true or false', code: 'type' });
};

/**
 * An object with `properties` (optional unless listed in `required`) and no other members
 * (`additionalProperties: false`, as every schema of the spec says).
 */
export function object(properties: Readonly<Record<string, Check>>, required: readonly string[] = []): Check {
  return (value, pointer, errors) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      errors.push({ pointer: pointer || '/', detail: 'must be a JSON object', code: 'type' });
      return;
    }
    const record = value as Record<string, unknown>;
    for (const name of required) {
      if (record[name] === undefined)
        errors.push({ pointer: `${pointer}/${name}`, detail: 'is required', code: 'required' });
    }
    for (const [name, member] of Object.entries(record)) {
      const check = Object.hasOwn(properties, name) ? properties[name] : undefined;
      if (!check) {
        errors.push({
          pointer: `${pointer}/${name}`,
          detail: 'is not a member of this request',
          code: 'additionalProperties',
        });
      } else if (member !== undefined) {
        check(member, `${pointer}/${name}`, errors);
      }
    }
  };
}

/** Runs `check` on a request body; resolves with the errors (empty: valid). */
export function validate(check: Check, value: unknown): ValidationError[] {
  const errors: ValidationError[] = [];
  if (value === undefined) errors.push({ pointer: '/', detail: 'a JSON body is required', code: 'required' });
  else check(value, '', errors);
  return errors;
}
