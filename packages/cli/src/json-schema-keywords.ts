/**
 * JSON Schema assertion keywords that constrain a value beyond its type (draft-07 / 2020-12 validation vocabulary):
 * the one list the diff, the docs and the pact checks share.
 */
export const VALUE_ASSERTIONS = [
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
] as const;
