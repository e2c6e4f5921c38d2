/**
 * The shape of an event catalog, as `humangov generate` writes it (`src/generated/catalog.ts` here, or
 * `<out>/catalog.ts` for an integrator's own specs). The generated module is self-contained: it does not import
 * this file; its values satisfy these types structurally, so one runtime serves every generated catalog.
 */

/** One error of a precompiled (ajv standalone) validator. `instancePath` is a JSON pointer into the data. */
export interface RawValidationError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

/** A precompiled validator: returns whether `data` is valid and leaves the errors of the last call on `errors`. */
export interface RawValidator {
  (data: unknown): boolean;
  errors?: readonly RawValidationError[] | null;
}

/** Kafka channel binding (AsyncAPI Kafka bindings 0.5.0). */
export interface KafkaBinding {
  readonly topic: string;
  readonly partitions?: number;
  readonly replicas?: number;
}

/** AMQP 0-9-1 channel binding (AsyncAPI AMQP bindings 0.3.0): the exchange and the routing key to publish with. */
export interface AmqpBinding {
  readonly exchange: string;
  readonly exchangeType: 'topic' | 'direct' | 'fanout' | 'default' | 'headers';
  readonly routingKey: string;
  readonly durable: boolean;
}

/** Everything the runtime knows about one major version of one event type. */
export interface MessageVersion {
  /** CloudEvents `type`, e.g. `citizen.registered`. */
  readonly type: string;
  /** Major version. Additive changes stay in a version; breaking ones get the next one. */
  readonly version: number;
  /** Message name in the spec, e.g. `CitizenRegistered`. */
  readonly name: string;
  /** Name of the generated TypeScript type, e.g. `CitizenRegisteredV2`. */
  readonly typeName: string;
  readonly summary?: string;
  readonly description?: string;
  readonly deprecated: boolean;
  /** Channel address the message travels on. */
  readonly channel: string;
  readonly contentType: string;
  /** CloudEvents `dataschema`: a URI naming the schema of `data`. */
  readonly dataschema: string;
  /** JSON pointer into `data` of the partition key, e.g. `/citizen_id`. */
  readonly partitionKey?: string;
  readonly kafka?: KafkaBinding;
  readonly amqp?: AmqpBinding;
  /** Services (AsyncAPI document ids, last segment) with a `send` operation for the message's channel. */
  readonly producers: readonly string[];
  /** Services with a `receive` operation for the message's channel. */
  readonly consumers: readonly string[];
  /** JSON pointers (with `*` for array items and map values) of fields marked `x-pii: true`. */
  readonly pii: readonly string[];
  /** Example payloads from the spec; every one validates. */
  readonly examples: readonly unknown[];
  /** JSON Schema (draft-07, self-contained with `definitions`) of `data`. */
  readonly schema: Readonly<Record<string, unknown>>;
  /** Precompiled validator of `data`. */
  readonly validate: RawValidator;
}

/** All versions of one event type. */
export interface EventEntry {
  readonly type: string;
  readonly latest: number;
  readonly versions: { readonly [version: number]: MessageVersion };
}

/** A generated catalog: event type -> its entry. */
export type Catalog = { readonly [type: string]: EventEntry };

/**
 * The type-level twin of a catalog, generated as `EventMap`:
 * `{ 'citizen.registered': { latest: 2; versions: { 1: CitizenRegisteredV1; 2: CitizenRegisteredV2 } } }`.
 */
export type EventMapShape = {
  readonly [type: string]: { readonly latest: number; readonly versions: { readonly [version: number]: unknown } };
};

/** Event type names of an event map. */
export type EventTypeOf<M extends EventMapShape> = keyof M & string;

/** Versions declared for one event type. */
export type VersionOf<M extends EventMapShape, T extends EventTypeOf<M>> = keyof M[T]['versions'] & number;

/** Latest version of one event type. */
export type LatestVersionOf<M extends EventMapShape, T extends EventTypeOf<M>> = M[T]['latest'];

/** The payload type of an event type at a version (the latest by default). */
export type DataOf<
  M extends EventMapShape,
  T extends EventTypeOf<M>,
  V extends VersionOf<M, T> = LatestVersionOf<M, T>,
> = M[T]['versions'][V];
