/** The page of one message (event type): every version with its schema, bindings and examples, and the diffs. */
import { bindingsTable } from './bindings.js';
import type { FieldRow } from './fields.js';
import { escapeHtml, layout, link, list, pageName, prose, table } from './html.js';
import type { ChannelDoc, MessageDoc, ServiceDoc, VersionDoc } from './site-model.js';
import { diffFields } from './version-diff.js';

/** Links the pages need: service name -> page, channel address -> channel doc. */
export interface Links {
  readonly services: ReadonlyMap<string, ServiceDoc>;
  readonly channels: ReadonlyMap<string, ChannelDoc>;
}

export const serviceLinks = (names: readonly string[], links: Links): string =>
  list(
    names.map((n) => {
      const s = links.services.get(n);
      return s ? link(pageName('service', s.slug), n) : escapeHtml(n);
    }),
  );

export const channelLink = (address: string, links: Links): string => {
  const c = links.channels.get(address);
  return c ? link(`index.html#channel-${c.slug}`, address) : `<code>${escapeHtml(address)}</code>`;
};

/** The field table of a schema: field, type, required, constraints, PII, description. */
export function fieldsTable(rows: readonly FieldRow[]): string {
  return table(
    ['Field', 'Type', 'Required', 'Constraints', 'PII', 'Description'],
    rows.map((r) => [
      `<code>${escapeHtml(r.label)}</code>${r.deprecated ? '<span class="badge deprecated">deprecated</span>' : ''}`,
      `<code>${escapeHtml(r.type)}</code>`,
      r.required ? 'yes' : 'no',
      r.constraints.map((c) => escapeHtml(c)).join('<br>'),
      r.pii === 'own'
        ? '<span class="pii" title="x-pii: true">PII</span>'
        : r.pii === 'inherited'
          ? '<span class="pii" title="inside a field marked x-pii: true">PII (inherited)</span>'
          : '',
      escapeHtml(r.description ?? ''),
    ]),
    'fields',
  );
}

/** The version-to-version change table (added, removed, changed fields). */
export function diffTable(before: VersionDoc, after: VersionDoc): string {
  const changes = diffFields(before.fields, after.fields);
  if (changes.length === 0) return '<p class="muted">No payload field changes.</p>';
  const rows = changes
    .map(
      (c) =>
        `<tr class="${c.kind}"><td>${c.kind}</td><td><code>${escapeHtml(c.field)}</code></td><td>${c.details.map((d) => escapeHtml(d)).join('<br>')}</td></tr>`,
    )
    .join('\n');
  return `<table class="diff">\n<thead><tr><th>Change</th><th>Field</th><th>Details</th></tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table>`;
}

function versionSection(v: VersionDoc, links: Links): string {
  const e = v.event;
  const pii = v.fields.filter((f) => f.pii === 'own').map((f) => `<code>${escapeHtml(f.label)}</code>`);
  const facts: [string, string][] = [
    ['Generated type', `<code>${escapeHtml(`${e.name}V${e.version}`)}</code>`],
    ['Channel', channelLink(e.channel.address, links)],
    ['Content type', `<code>${escapeHtml(e.contentType)}</code>`],
    ['Partition key', e.partitionKey ? `<code>${escapeHtml(e.partitionKey)}</code>` : '—'],
    ['Producers', serviceLinks(e.producers, links)],
    ['Consumers', serviceLinks(e.consumers, links)],
    ['Personal data (x-pii)', pii.length > 0 ? `<span class="pii">${pii.join(', ')}</span>` : 'none'],
  ];
  const examples = v.examples.map(
    (x) =>
      `<p><strong>${escapeHtml(x.name ?? 'Example')}</strong>${x.summary ? `: ${escapeHtml(x.summary)}` : ''}</p>\n<pre>${escapeHtml(x.json)}</pre>`,
  );
  return [
    `<section id="v${e.version}">`,
    `<h2>Version ${e.version}${e.deprecated ? '<span class="badge deprecated">deprecated</span>' : ''}</h2>`,
    e.summary ? `<p><strong>${escapeHtml(e.summary)}</strong></p>` : '',
    prose(e.description),
    `<table class="facts">\n${facts.map(([k, val]) => `<tr><th>${k}</th><td>${val}</td></tr>`).join('\n')}\n</table>`,
    `<h3>Payload</h3>`,
    v.fields.length > 0 || e.payload ? fieldsTable(v.fields) : '<p class="muted">No payload schema.</p>',
    ...(v.headers.length > 0 ? [`<h3>Headers</h3>`, fieldsTable(v.headers)] : []),
    `<h3>Bindings</h3>`,
    bindingsTable(e.channel, v.bindings),
    `<h3>Examples</h3>`,
    examples.length > 0 ? examples.join('\n') : '<p class="muted">No examples.</p>',
    `</section>`,
  ]
    .filter(Boolean)
    .join('\n');
}

/** The complete page of a message. */
export function messagePage(m: MessageDoc, links: Links): string {
  const versions = m.versions.map((v) => `<a href="#v${v.event.version}">v${v.event.version}</a>`).join(' · ');
  const diffs = m.versions.slice(1).map((after, i) => {
    const before = m.versions[i]!;
    const id = `changes-v${before.event.version}-v${after.event.version}`;
    return `<h3 id="${id}">v${before.event.version} → v${after.event.version}</h3>\n${diffTable(before, after)}`;
  });
  const body = [
    `<h1>${escapeHtml(m.type)}</h1>`,
    `<p class="muted">Message <code>${escapeHtml(m.name)}</code> · ${m.versions.length} version${m.versions.length === 1 ? '' : 's'}: ${versions}${diffs.length > 0 ? ' · <a href="#changes">changes between versions</a>' : ''}</p>`,
    ...m.versions.map((v) => versionSection(v, links)),
    ...(diffs.length > 0 ? [`<h2 id="changes">Changes between versions</h2>`, ...diffs] : []),
  ];
  return layout(`${escapeHtml(m.type)} · HumanGov contracts`, body.join('\n'));
}
