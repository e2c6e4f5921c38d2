/**
 * `humangov docs` as a function: specs in, the static HTML site out (file name -> HTML, in memory). Writing lives in
 * the command. Deterministic: the same specs give byte-identical pages (no dates, no randomness, sorted input).
 */
import type { Diagnostic } from '../diagnostics.js';
import { hasErrors, sortDiagnostics } from '../diagnostics.js';
import { apiPage } from './api-page.js';
import { pageName } from './html.js';
import { type Links, messagePage } from './message-page.js';
import { indexPage, servicePage } from './pages.js';
import { readSite, type SiteModel } from './site-model.js';

export interface DocsResult {
  /** Page file name (flat: `index.html`, `service-*.html`, `message-*.html`, `api-*.html`) -> HTML. Empty on errors. */
  readonly pages: ReadonlyMap<string, string>;
  readonly diagnostics: readonly Diagnostic[];
  readonly site: SiteModel;
}

/** Builds the site from AsyncAPI and OpenAPI files (already expanded and sorted, as `expandSpecs` returns them). */
export function buildDocs(asyncapi: readonly string[], openapi: readonly string[]): DocsResult {
  const { site, diagnostics } = readSite(asyncapi, openapi);
  const sorted = sortDiagnostics(diagnostics);
  if (hasErrors(sorted)) return { pages: new Map(), diagnostics: sorted, site };
  const links: Links = {
    services: new Map(site.services.map((s) => [s.name, s])),
    channels: new Map(site.channels.map((c) => [c.channel.address, c])),
  };
  const pages = new Map<string, string>([['index.html', indexPage(site, links)]]);
  for (const s of site.services) pages.set(pageName('service', s.slug), servicePage(s, site, links));
  for (const m of site.messages) pages.set(pageName('message', m.slug), messagePage(m, links));
  for (const a of site.apis) pages.set(pageName('api', a.slug), apiPage(a));
  return { pages, diagnostics: sorted, site };
}
