/**
 * One typed model for Pact files of specification versions 1 to 4: what `readPact` returns. Spellings that differ
 * between writers (`metaData`/`metadata`, rule category `content`/`body`, V2 flat rule paths) are normalised, so
 * code reading the model never needs to know which Pact implementation wrote the file.
 */

/** Major version of the Pact specification a file follows. */
export type PactSpecificationMajor = 1 | 2 | 3 | 4;

/** A provider state: a name, and (V3+) parameters. */
export interface PactProviderState {
  readonly name: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

/**
 * One matcher of a matching rule, as the file has it: `match` is the matcher name (`type`, `regex`, `integer`,
 * `decimal`, `number`, `equality`, `include`, `date`, `values`, ...). V2 matchers that leave `match` out get it
 * filled in (`regex` when a `regex` is given, `type` otherwise).
 */
export interface PactMatcher {
  readonly match: string;
  readonly regex?: string;
  readonly min?: number;
  readonly max?: number;
  readonly [key: string]: unknown;
}

/** The matchers that apply at one path: all of them (`AND`, the default) or any of them (`OR`). */
export interface PactRule {
  readonly combine: 'AND' | 'OR';
  readonly matchers: readonly PactMatcher[];
}

/**
 * Rules of one category. Body rules are keyed by Pact JSON path (`$.children[*].name`, see `parsePactPath`);
 * header, query and metadata rules by name; the single path rule (and V4 status rules) by `$`.
 */
export type PactRuleSet = Readonly<Record<string, PactRule>>;

/**
 * A body or message contents. `content` is a parsed JSON value for JSON content types (V4 `encoded` JSON and
 * base64-encoded JSON are decoded and parsed); text stays a string; other base64 content stays base64 text with
 * `encoded: 'base64'`.
 */
export interface PactBody {
  readonly content: unknown;
  /** The content type the file declares (V4 `contentType`, or the `Content-Type` header / `contentType` metadata). */
  readonly contentType?: string;
  /** Set only when `content` is still encoded (`'base64'` for binary content). */
  readonly encoded?: string;
}

/** Fields every interaction has. */
export interface PactInteractionBase {
  readonly description: string;
  readonly providerStates: readonly PactProviderState[];
  /** V4 `pending`; false in earlier versions. */
  readonly pending: boolean;
  /** V4 `key`, when present. */
  readonly key?: string;
  /** Where the interaction is in the file, as a JSON path: `$.interactions[2]`, `$.messages[0]`. */
  readonly location: string;
}

/** The request of an HTTP interaction. Header and query values are lists (V4 writes lists; V2/V3 one string). */
export interface PactHttpRequest {
  /** Upper case. */
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, readonly string[]>>;
  /** Names as written in the file; compare them case-insensitively. */
  readonly headers: Readonly<Record<string, readonly string[]>>;
  readonly body?: PactBody;
  readonly rules: {
    readonly body: PactRuleSet;
    readonly header: PactRuleSet;
    readonly query: PactRuleSet;
    readonly path: PactRuleSet;
  };
}

/** The expected response of an HTTP interaction. */
export interface PactHttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, readonly string[]>>;
  readonly body?: PactBody;
  readonly rules: {
    readonly body: PactRuleSet;
    readonly header: PactRuleSet;
    readonly status: PactRuleSet;
  };
}

/** A request/response interaction (V1-V3 `interactions`, V4 `Synchronous/HTTP`). */
export interface PactHttpInteraction extends PactInteractionBase {
  readonly kind: 'http';
  readonly request: PactHttpRequest;
  readonly response: PactHttpResponse;
}

/** A message: contents, metadata (from `metadata` or `metaData`) and their rules. */
export interface PactMessage {
  readonly contents?: PactBody;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly rules: {
    /** From V3 `matchingRules.body`, or V4 `matchingRules.content` / `body`. */
    readonly body: PactRuleSet;
    readonly metadata: PactRuleSet;
  };
}

/** A one-way message (V3 `messages`, V4 `Asynchronous/Messages`). */
export interface PactAsyncMessageInteraction extends PactInteractionBase, PactMessage {
  readonly kind: 'message';
}

/** A request message answered by zero or more response messages (V4 `Synchronous/Messages`). */
export interface PactSyncMessageInteraction extends PactInteractionBase {
  readonly kind: 'synchronous-message';
  readonly request: PactMessage;
  readonly responses: readonly PactMessage[];
}

/** Any interaction; switch on `kind`. */
export type PactInteraction = PactHttpInteraction | PactAsyncMessageInteraction | PactSyncMessageInteraction;

/** A Pact file, normalised. */
export interface Pact {
  /** The file it was read from, when it was read from one. */
  readonly file?: string;
  readonly consumer: string;
  readonly provider: string;
  readonly specification: {
    /** As written in the file's metadata (`3.0.0`, `4.0`), or the inferred major version as text. */
    readonly version: string;
    readonly major: PactSpecificationMajor;
    /** False when the file names no version and `major` was inferred from its shape. */
    readonly declared: boolean;
  };
  /** HTTP interactions and messages in file order (`interactions` first, then V3 `messages`). */
  readonly interactions: readonly PactInteraction[];
  /** The file's top-level `metadata`, as is. */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** A pact-specification test case (`{ match, comment, expected, actual }`) whose two sides are messages. */
export interface PactMessageTestCase {
  readonly file?: string;
  readonly match: boolean;
  readonly comment: string;
  readonly expected: PactMessage;
  readonly actual: PactMessage;
}
