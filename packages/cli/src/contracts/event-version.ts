/**
 * Which version of an event a message interaction asks for: its `version` attribute, else its `dataschema`
 * (`urn:humangov:event:<type>:v<n>`, as the generated catalog names each version), else the only version.
 */
import type { EventVersionModel } from '../transform/asyncapi-document.js';
import type { Problem } from './finding.js';

/** A metadata entry with its attribute name (transport prefix removed) and its key in the pact. */
export interface Entry {
  readonly name: string;
  readonly key: string;
  readonly value: unknown;
}

/** The catalog's `dataschema` of an event version (see the generator's events module). */
export const dataschemaOf = (type: string, version: number): string => `urn:humangov:event:${type}:v${version}`;

const fix = 'change the pact, or change the spec first';

/** The version `versions` (all of one type) that the entries name, or the problem with them. */
export function pickVersion(
  versions: readonly EventVersionModel[],
  versionEntry: Entry | undefined,
  dataschemaEntry: Entry | undefined,
  entryPath: (e: Entry) => string,
  type: string,
  at: string,
): { event: EventVersionModel } | { problem: Problem } {
  const known = versions.map((e) => e.version).join(', ');
  let wanted: number | undefined;
  if (versionEntry) {
    const raw = versionEntry.value;
    wanted = typeof raw === 'number' ? raw : /^[1-9]\d{0,8}$/.test(String(raw)) ? Number(raw) : Number.NaN;
    if (!Number.isInteger(wanted)) {
      return {
        problem: {
          path: entryPath(versionEntry),
          at: versions[0]!.node,
          message: `version must be a major version such as "2", the pact has ${JSON.stringify(raw)}`,
        },
      };
    }
  }
  if (dataschemaEntry) {
    const bySchema = versions.find((e) => dataschemaOf(e.type, e.version) === dataschemaEntry.value);
    if (!bySchema) {
      const expected = versions.map((e) => dataschemaOf(e.type, e.version)).join(', ');
      return {
        problem: {
          path: entryPath(dataschemaEntry),
          at: versions[0]!.node,
          message: `dataschema ${JSON.stringify(dataschemaEntry.value)} names no version of ${type} (the spec's: ${expected}): ${fix}`,
        },
      };
    }
    if (wanted !== undefined && wanted !== bySchema.version) {
      return {
        problem: {
          path: entryPath(versionEntry!),
          at: bySchema.node,
          message: `version ${wanted} disagrees with dataschema ${String(dataschemaEntry.value)} (version ${bySchema.version}): make them agree`,
        },
      };
    }
    wanted = bySchema.version;
  }
  if (wanted === undefined) {
    if (versions.length === 1) return { event: versions[0]! };
    return {
      problem: {
        path: `${at}.metadata`,
        at: versions[0]!.node,
        message: `${type} has versions ${known}: add "version" (or "dataschema") to the metadata to say which one the consumer reads`,
      },
    };
  }
  const event = versions.find((e) => e.version === wanted);
  if (!event) {
    return {
      problem: {
        path: versionEntry ? entryPath(versionEntry) : `${at}.metadata`,
        at: versions[0]!.node,
        message: `${type} has no version ${wanted} (the spec declares ${known}): ${fix}`,
      },
    };
  }
  return { event };
}
