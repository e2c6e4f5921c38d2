import type { RawValidationError } from './catalog.js';

/** Codes that `parse`, `validate` and `upcast` put on issues, so callers can branch without parsing messages. */
export type IssueCode =
  | 'HUMANGOV_PAYLOAD_TOO_LARGE'
  | 'HUMANGOV_JSON_INVALID'
  | 'HUMANGOV_JSON_UNSAFE_KEY'
  | 'HUMANGOV_JSON_TOO_DEEP'
  | 'HUMANGOV_ENVELOPE_INVALID'
  | 'HUMANGOV_EVENT_UNKNOWN'
  | 'HUMANGOV_VERSION_UNKNOWN'
  | 'HUMANGOV_EVENT_INVALID'
  | 'HUMANGOV_UPCASTER_MISSING'
  | 'HUMANGOV_DOWNCAST';

/**
 * One reason an input was rejected. `path` is a JSON pointer (RFC 6901) into the event as it travels on the wire,
 * so `/data/citizen_id` names a payload field and `/time` an envelope attribute; `''` is the whole input.
 */
export interface Issue {
  readonly path: string;
  readonly message: string;
  readonly code?: IssueCode | (string & {});
}

/**
 * The outcome of an expected failure at an IO boundary (STYLE.md rule 8): exactly one of `value` or `issues` is
 * set, and `issues` is never empty. `if (result.issues)` narrows to the failure.
 */
export type Result<T> =
  | { readonly value: T; readonly issues?: undefined }
  | { readonly issues: readonly Issue[]; readonly value?: undefined };

/** Escapes one reference token of a JSON pointer (`~` -> `~0`, `/` -> `~1`). */
export function escapePointerToken(token: string | number): string {
  return String(token).replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Reads the value at a JSON pointer, looking only at own properties; returns `undefined` when any step is
 * missing. `''` is the document itself.
 */
export function readPointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let current: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, token)) return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}

/**
 * Turns the errors of a precompiled validator into issues whose paths are prefixed with `prefix` (e.g. `/data`).
 * `required` and `additionalProperties` errors point at the missing or extra property, not at its parent.
 */
export function issuesFromValidator(
  errors: readonly RawValidationError[] | null | undefined,
  prefix: string,
  code: IssueCode = 'HUMANGOV_EVENT_INVALID',
): Issue[] {
  if (!errors || errors.length === 0) return [{ path: prefix, message: 'does not match the schema', code }];
  return errors.map((error) => {
    const property = error.params.missingProperty ?? error.params.additionalProperty;
    const suffix = typeof property === 'string' ? `/${escapePointerToken(property)}` : '';
    return {
      path: `${prefix}${error.instancePath}${suffix}`,
      message: error.message ?? `fails '${error.keyword}'`,
      code,
    };
  });
}

/** Prefixes the paths of issues found inside a nested document (`/data`, `/data_base64`). */
export function prefixIssues(issues: readonly Issue[], prefix: string): Issue[] {
  return issues.map((issue) => ({ ...issue, path: `${prefix}${issue.path}` }));
}
