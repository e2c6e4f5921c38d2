/**
 * How one event expectation becomes a Pact message interaction, in CloudEvents binary content mode, the way the
 * SDK's transports carry it: the pact's `contents` is the event's `data` (JSON), its `metadata` the CloudEvents
 * attributes as strings (what Kafka sends as `ce_` headers and AMQP as `cloudEvents:` properties).
 * The interaction's description is derived from the event type and version, never written by hand, so the
 * provider side finds the producer by parsing it back.
 */
import type { MessageVersion } from '@humangov/events';
import { MatchersV3 } from '@pact-foundation/pact';

const DESCRIPTION = /^(?<type>\S+) v(?<version>[1-9]\d*)(?: \((?<scenario>.+)\))?$/;

/** The description of an interaction: `benefit.application-approved v1`, or `... v1 (first award)`. */
export function messageDescription(type: string, version: number, scenario?: string): string {
  return `${type} v${version}${scenario ? ` (${scenario})` : ''}`;
}

/** The event type and version a description names, or undefined if `messageDescription` did not write it. */
export function parseMessageDescription(
  description: string,
): { readonly type: string; readonly version: number } | undefined {
  const match = DESCRIPTION.exec(description);
  if (!match?.groups) return undefined;
  return { type: match.groups.type as string, version: Number(match.groups.version) };
}

const RFC3339 = '^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$';

/**
 * The metadata a consumer expects with an event: equal `type`, `version`, `specversion`, `dataschema` and
 * `contentType` (what routes and decodes it), and `id`, `source`, `time`, `correlationid` of the right shape
 * only (they differ on every publish). Attributes the handler does not need (`partitionkey`, `traceparent`,
 * `subject`) are not asked for, so producers stay free to add them.
 */
export function expectedMetadata(definition: MessageVersion): Record<string, string | MatchersV3.Matcher<string>> {
  const producer = definition.producers[0] ?? 'producer';
  return {
    contentType: definition.contentType,
    specversion: '1.0',
    type: definition.type,
    version: String(definition.version),
    dataschema: definition.dataschema,
    id: MatchersV3.like('5f0c6a9e-2b7d-4e1a-9c3f-8d2e4b6a1c07'),
    source: MatchersV3.like(`/humangov/${producer}`),
    time: MatchersV3.regex(RFC3339, '2025-04-01T09:30:00Z'),
    correlationid: MatchersV3.like('5f0c6a9e-2b7d-4e1a-9c3f-8d2e4b6a1c07'),
  };
}
