/** What to do about a breaking change: undo it the compatible way, version it, or declare a major release. */
import type { Change, Mode } from './classify.js';

/** The compatible alternative for a rule, when there is an obvious one. */
const UNDO: Readonly<Record<string, string>> = {
  'required-added': 'make the field optional again',
  'required-removed': 'keep the field required',
  'property-removed': 'keep the field (mark it `deprecated: true`)',
  'property-added': 'add the field only after every reader accepts it (readers first)',
  'enum-value-removed': 'keep the enum value (document it as deprecated)',
  'enum-value-added': 'publish the new value only after every reader knows it',
  'enum-added': 'drop the new enum restriction',
  'type-changed': 'keep the old type (add a new field with the new type)',
  'type-narrowed': 'keep the old types',
  'type-added': 'keep the schema untyped',
  'type-widened': 'keep the old types',
  'format-added': 'drop the new format',
  'format-changed': 'keep the old format',
  'pattern-added': 'drop the new pattern',
  'pattern-changed': 'keep the old pattern',
  'branch-removed': 'keep the branch',
  'branch-added': 'add the branch only after every reader accepts it',
  'content-model-closed': 'keep the object open',
  'content-model-opened': 'keep `additionalProperties: false`',
  'message-removed': 'keep the message version until no producer or consumer uses it',
  'channel-removed': 'keep the channel',
  'channel-address-changed': 'keep the address (add a new channel and migrate)',
  'operation-removed': 'keep the operation',
  'parameter-added': 'make the new parameter optional',
  'parameter-required-added': 'keep the parameter optional',
  'parameter-removed': 'keep accepting the parameter',
  'status-code-added': 'document the status under a `default` or `4XX` response the clients already handle',
  'media-type-removed': 'keep the media type',
};

const bump = (owner: string) =>
  `add a major changeset for ${owner} (.changeset/<name>.md with frontmatter \`"${owner}": major\`)`;

/** One line: the compatible fix, the versioned alternative, and the major-release alternative. */
export function adviceFor(change: Change, mode: Mode, owner: string | undefined): string {
  const steps: string[] = [];
  const undo = UNDO[change.rule] ?? (/-tightened$/.test(change.rule) ? 'keep the old bound' : undefined);
  if (undo) steps.push(undo);
  if (change.event) {
    steps.push(
      `add a new major version of ${change.event.type} (a new message with \`x-version: ${change.event.version + 1}\`) and keep v${change.event.version} unchanged`,
    );
  } else if (change.kind === 'openapi') steps.push('add a new operation or path version and keep the old one');
  if (owner) steps.push(bump(owner));
  if (steps.length === 0) steps.push(`revert this change (it breaks ${mode} compatibility)`);
  return steps.map((s, i) => (i === 0 ? s.charAt(0).toUpperCase() + s.slice(1) : s)).join('; or ');
}
