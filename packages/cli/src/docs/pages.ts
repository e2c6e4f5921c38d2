/** The index page (flow diagram, services, messages, channels, HTTP APIs), the service pages and the API pages. */

import type { EventVersionModel } from '../transform/asyncapi-document.js';
import { bindingsTable } from './bindings.js';
import { flowDiagram } from './diagram.js';
import { escapeHtml, layout, link, list, pageName, prose, table } from './html.js';
import { channelLink, type Links, serviceLinks } from './message-page.js';
import type { ServiceDoc, SiteModel } from './site-model.js';

/** `citizen.registered v2`, linking to that version on the message page. */
function versionLink(e: EventVersionModel, slugs: ReadonlyMap<string, string>): string {
  const slug = slugs.get(e.type);
  const text = `${e.type} v${e.version}`;
  return slug ? link(`${pageName('message', slug)}#v${e.version}`, text) : escapeHtml(text);
}

export function indexPage(site: SiteModel, links: Links): string {
  const slugs = new Map(site.messages.map((m) => [m.type, m.slug]));
  const versions = site.messages.reduce((n, m) => n + m.versions.length, 0);
  const services = table(
    ['Service', 'Title', 'Sends', 'Receives'],
    site.services.map((s) => [
      link(pageName('service', s.slug), s.name),
      escapeHtml(s.title),
      String(s.sends.length),
      String(s.receives.length),
    ]),
  );
  const messages = table(
    ['Event type', 'Versions', 'Channel', 'Producers', 'Consumers', 'PII fields'],
    site.messages.map((m) => {
      const latest = m.versions[m.versions.length - 1]!;
      return [
        link(pageName('message', m.slug), m.type),
        m.versions.map((v) => `v${v.event.version}`).join(', '),
        channelLink(latest.event.channel.address, links),
        serviceLinks(latest.event.producers, links),
        serviceLinks(latest.event.consumers, links),
        String(latest.fields.filter((f) => f.pii === 'own').length),
      ];
    }),
  );
  const channels = site.channels.map((c) =>
    [
      `<section id="channel-${c.slug}" class="channel">`,
      `<h3><code>${escapeHtml(c.channel.address)}</code>${c.title ? ` <span class="muted">${escapeHtml(c.title)}</span>` : ''}</h3>`,
      prose(c.description),
      `<p>Messages: ${list(c.types.map((t) => (slugs.has(t) ? link(pageName('message', slugs.get(t)!), t) : escapeHtml(t))))}` +
        ` · Producers: ${serviceLinks(c.producers, links)} · Consumers: ${serviceLinks(c.consumers, links)}</p>`,
      bindingsTable(c.channel),
      `</section>`,
    ]
      .filter(Boolean)
      .join('\n'),
  );
  const apis = table(
    ['API', 'Version', 'Operations'],
    site.apis.map((a) => [
      link(pageName('api', a.slug), a.title),
      escapeHtml(a.version ?? ''),
      String(a.operations.length),
    ]),
  );
  const body = [
    `<h1>HumanGov contracts</h1>`,
    `<p>${site.services.length} services, ${site.channels.length} channels, ${site.messages.length} event types (${versions} message versions), ${site.apis.length} HTTP APIs. Generated from the specs by <code>humangov docs</code>.</p>`,
    `<h2 id="flow">Flow</h2>`,
    `<p class="muted">Producers send on channels; consumers receive from them. Every box links to its page.</p>`,
    flowDiagram(site.channels, site.services),
    `<h2 id="services">Services</h2>`,
    services,
    `<h2 id="messages">Messages</h2>`,
    messages,
    `<h2 id="channels">Channels</h2>`,
    ...channels,
    `<h2 id="apis">HTTP APIs</h2>`,
    apis,
  ];
  return layout('HumanGov contracts', body.join('\n'));
}

export function servicePage(s: ServiceDoc, site: SiteModel, links: Links): string {
  const slugs = new Map(site.messages.map((m) => [m.type, m.slug]));
  const rows = (events: readonly EventVersionModel[], other: 'producers' | 'consumers') =>
    table(
      ['Message', 'Channel', other === 'consumers' ? 'Consumers' : 'Producers', 'Summary'],
      events.map((e) => [
        versionLink(e, slugs) + (e.deprecated ? '<span class="badge deprecated">deprecated</span>' : ''),
        channelLink(e.channel.address, links),
        serviceLinks(e[other], links),
        escapeHtml(e.summary ?? ''),
      ]),
    );
  const body = [
    `<h1>${escapeHtml(s.title)}</h1>`,
    `<p class="muted">Service <code>${escapeHtml(s.name)}</code> · ${escapeHtml(s.file)}${s.version ? ` · version ${escapeHtml(s.version)}` : ''}</p>`,
    prose(s.description),
    `<h2 id="sends">Sends</h2>`,
    rows(s.sends, 'consumers'),
    `<h2 id="receives">Receives</h2>`,
    rows(s.receives, 'producers'),
  ];
  return layout(`${escapeHtml(s.title)} · HumanGov contracts`, body.filter(Boolean).join('\n'));
}
