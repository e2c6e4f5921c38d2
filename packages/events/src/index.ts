// Generic runtime: works with any catalog written by `humangov generate`.
export type {
  AmqpBinding,
  Catalog,
  DataOf,
  EventEntry,
  EventMapShape,
  EventTypeOf,
  KafkaBinding,
  LatestVersionOf,
  MessageVersion,
  RawValidationError,
  RawValidator,
  VersionOf,
} from './catalog.js';
export {
  type CatalogOf,
  type Codec,
  type CodecOptions,
  type CreateOptions,
  createCodec,
  type ParseOptions,
} from './codec.js';
export { deepFreeze } from './deep-freeze.js';
export {
  CLOUDEVENTS_JSON_CONTENT_TYPE,
  type CloudEvent,
  checkEnvelope,
  type DeepReadonly,
  isJsonContentType,
  isRfc3339,
  isValidAttributeName,
} from './envelope.js';
export {
  EventValidationError,
  HumanGovEventsError,
  type HumanGovEventsErrorCode,
  InvalidOptionsError,
  isHumanGovError,
  UnknownEventError,
  UpcastError,
} from './errors.js';
// The HumanGov catalog: generated payload types, `EventMap` and `catalog`. The one `export *` in the package,
// on purpose: `generated/index.ts` is itself an explicit, generated list of names, so re-listing them here by
// hand would only drift from the specs.
export * from './generated/index.js';
export { createEvent, humangov, parse, serialize, upcast, validate } from './humangov.js';
export { escapePointerToken, type Issue, type IssueCode, type Result, readPointer } from './issue.js';
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, type SafeJsonOptions, safeJsonParse } from './safe-json.js';
export {
  type AnyEventOf,
  defineUpcasters,
  type EventOf,
  type Next,
  type Upcaster,
  type Upcasters,
  type UpcastersOf,
} from './upcast.js';
export { upcasters } from './upcasters.js';
