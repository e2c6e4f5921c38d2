/**
 * Compatibility modes and the classification of one change (docs/decisions/0006-compatibility-modes.md).
 *
 * Every change records two facts about the set of values a schema allows: `narrows` (some value valid under the
 * OLD spec is invalid under the NEW one) and `widens` (some value valid under the NEW spec is invalid under the
 * OLD one). The modes, as a schema registry defines them, follow from who reads what:
 * - data (message payloads and headers, HTTP requests): the NEW side reads what the OLD side wrote under
 *   BACKWARD, so narrowing breaks BACKWARD and widening breaks FORWARD;
 * - HTTP responses: clients built from the OLD spec read what a NEW server writes under BACKWARD, so widening
 *   breaks BACKWARD and narrowing breaks FORWARD.
 * FULL breaks on either.
 */

/** Schema-registry compatibility modes (no transitive variants: `diff` compares exactly two revisions). */
export const MODES = ['BACKWARD', 'FORWARD', 'FULL'] as const;
export type Mode = (typeof MODES)[number];

/** The mode used when neither the command line nor `humangov.config.json` names one. */
export const DEFAULT_MODE: Mode = 'BACKWARD';

/** Who reads a changed schema: `data` and `request` are read by the NEW side under BACKWARD, `response` by old clients. */
export type Role = 'data' | 'request' | 'response';

/** What kind of document a change comes from. */
export type SpecKind = 'asyncapi' | 'openapi' | 'schema';

/** Services named by a spec's operations as writers (producers) and readers (consumers) of a message or channel. */
export interface Affected {
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
  /** HTTP: the operation whose clients are affected (`operationId`, or `METHOD /path`). */
  readonly operation?: string;
}

/** One difference between two revisions of a spec. */
export interface Change {
  /** Stable rule id, e.g. `property-removed`, `enum-value-added`, `status-code-removed`. */
  readonly rule: string;
  readonly kind: SpecKind;
  /** The spec file the changed object belongs to (relative to the working folder when inside it). */
  readonly spec: string;
  /** The object that changed: `message citizen.registered v1`, `channel x`, `POST /applications`. */
  readonly subject: string;
  /** Where inside the subject, e.g. `payload.address.postcode` (empty for the subject itself). */
  readonly path: string;
  /** What changed, in words. */
  readonly message: string;
  /** Some value valid under the OLD spec is invalid under the NEW one. */
  readonly narrows: boolean;
  /** Some value valid under the NEW spec is invalid under the OLD one. */
  readonly widens: boolean;
  readonly role: Role;
  readonly affected?: Affected;
  /**
   * The event version a message change belongs to. `newMajor` is set when the NEW revision adds a major version
   * of the same event type above every OLD one (the change is then exempt: consumers move to the new version).
   */
  readonly event?: { readonly type: string; readonly version: number; readonly newMajor?: number };
}

/** Whether a change breaks compatibility under a mode. */
export function breaksUnder(change: Pick<Change, 'narrows' | 'widens' | 'role'>, mode: Mode): boolean {
  const backward = change.role === 'response' ? change.widens : change.narrows;
  const forward = change.role === 'response' ? change.narrows : change.widens;
  return mode === 'BACKWARD' ? backward : mode === 'FORWARD' ? forward : backward || forward;
}

/** The three verdicts of a change, for reports. */
export function verdicts(change: Change): Record<Mode, boolean> {
  return {
    BACKWARD: breaksUnder(change, 'BACKWARD'),
    FORWARD: breaksUnder(change, 'FORWARD'),
    FULL: breaksUnder(change, 'FULL'),
  };
}

export function isMode(value: unknown): value is Mode {
  return typeof value === 'string' && (MODES as readonly string[]).includes(value);
}

const names = (list: readonly string[]) => (list.length > 0 ? list.join(', ') : undefined);

/**
 * Rules about where messages travel or what exists, not about the values a schema allows: they break producers
 * and consumers (or clients) alike, whatever the mode.
 */
const ROUTING: Readonly<Record<string, string>> = {
  'channel-removed': 'producers and consumers of the channel no longer meet',
  'channel-address-changed':
    'producers and consumers on different revisions publish and subscribe on different addresses',
  'kafka-topic-changed': 'producers and consumers on different revisions use different Kafka topics',
  'amqp-binding-changed': 'producers and consumers on different revisions use different AMQP exchanges or routing keys',
  'message-channel-changed': 'producers and consumers on different revisions use different channels for this message',
  'content-type-changed': 'readers on one revision cannot decode what writers on the other encode',
  'partition-key-changed': 'events of one key land on different partitions, so their order is no longer kept',
  'operation-removed': 'whoever relied on this operation loses it',
  'operation-action-changed': 'the service now does the opposite of what its partners expect',
  'operation-channel-changed': 'the service now uses another channel than its partners expect',
  'operation-message-removed': 'consumers no longer get this message from this producer',
  'api-removed': 'every call to this API fails',
  'parameter-serialization-changed': 'clients and server encode the parameter differently',
};

/** Who a change hurts under a mode, in words: "consumers that upgrade: audit, notifications; producers: citizen-registry". */
export function whoBreaks(change: Change, mode: Mode): string {
  const a = change.affected;
  if (change.kind === 'openapi') {
    const op = a?.operation ? ` of ${a.operation}` : '';
    const backward = breaksUnder(change, 'BACKWARD');
    if (mode === 'BACKWARD' || (mode === 'FULL' && backward)) return `existing clients${op} (built from the old spec)`;
    return `clients${op} built from the new spec, while a server still runs the old one`;
  }
  const consumers = a && names(a.consumers);
  const producers = a && names(a.producers);
  const routing = change.rule in ROUTING;
  const side = routing
    ? 'consumers'
    : mode === 'FORWARD' || (mode === 'FULL' && !breaksUnder(change, 'BACKWARD'))
      ? 'consumers not yet upgraded'
      : 'consumers that upgrade';
  return [
    consumers ? `${side}: ${consumers}` : `${side} (no receive operation in these specs names them)`,
    producers ? `producers: ${producers}` : undefined,
  ]
    .filter(Boolean)
    .join('; ');
}

/** Why a change breaks under a mode, in words. */
export function whyBreaks(change: Change, mode: Mode): string {
  const routing = ROUTING[change.rule];
  if (routing) return routing;
  const backward = breaksUnder(change, 'BACKWARD');
  const asBackward = mode === 'BACKWARD' || (mode === 'FULL' && backward);
  if (change.role === 'response')
    return asBackward
      ? 'responses from the new server may not match what existing clients expect'
      : 'a server still on the old spec may send responses that clients built from the new spec reject';
  if (change.role === 'request')
    return asBackward
      ? 'requests that existing clients send may be rejected by the new server'
      : 'clients built from the new spec may send requests that a server on the old spec rejects';
  return asBackward
    ? 'data written with the old schema (events already published, producers not yet upgraded) may fail the new one'
    : 'data written with the new schema may fail the old one, so consumers not yet upgraded reject it';
}
