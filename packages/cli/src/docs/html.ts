/**
 * The one HTML-escaping helper of `humangov docs`, and the page frame every page shares. A spec is untrusted input:
 * every string that comes from a spec goes through `escapeHtml` before it reaches a page, in text and in attributes.
 */

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes a value for HTML text and for double- or single-quoted attribute values: `& < > " '` become entities.
 * `undefined` and `null` become the empty string; anything else is turned into a string first.
 */
export function escapeHtml(value: unknown): string {
  if (value === undefined || value === null) return '';
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** The marker that tells `humangov docs` a file is one it wrote (and may replace or remove). */
export const GENERATOR_META = '<meta name="generator" content="humangov docs">';

/** Page file names are made of these characters only, so a link never needs URL-encoding. */
export const pageName = (kind: 'service' | 'message' | 'api', slug: string): string => `${kind}-${slug}.html`;

const CSS = `
:root{color-scheme:light;--ink:#1b1f24;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--accent:#0b5cad;--pii:#9a2a00}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,sans-serif;color:var(--ink)}
header.site{padding:.6rem 1.5rem;border-bottom:1px solid var(--line);background:var(--bg)}
header.site a{color:var(--ink);font-weight:600;text-decoration:none}
main{padding:1rem 1.5rem 3rem;max-width:80rem}
a{color:var(--accent)}
h1{font-size:1.6rem;margin:.5rem 0}
h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:1px solid var(--line)}
h3{font-size:1.05rem;margin:1.5rem 0 .4rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}
th,td{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:var(--bg);font-weight:600}
code,pre{font:13px/1.4 ui-monospace,monospace}
h1 code,h2 code,h3 code{font-size:.95em}
h4{font-size:.95rem;margin:1rem 0 .3rem}
pre{background:var(--bg);border:1px solid var(--line);padding:.6rem;overflow:auto}
.muted{color:var(--muted)}
.badge{display:inline-block;border:1px solid currentColor;border-radius:3px;padding:0 .3rem;font-size:.75rem;margin-left:.3rem}
.pii{color:var(--pii);font-weight:600}
.deprecated{color:var(--muted)}
.added{background:#e6f4ea}.removed{background:#fde8e8}.changed{background:#fff6dd}
svg.flow{max-width:100%;height:auto;border:1px solid var(--line);background:#fff}
svg.flow rect{fill:#fff;stroke:#8c959f}
svg.flow a.channel rect{fill:#eef5ff;stroke:var(--accent)}
svg.flow a:hover rect{stroke-width:2}
svg.flow text{font:12px ui-monospace,monospace;fill:var(--ink)}
svg.flow text.column{font-weight:600}
svg.flow path{fill:none;stroke:#8c959f;stroke-opacity:.6}
`
  .trim()
  .replace(/\n/g, '');

/**
 * A complete page. `title` and `body` must already be HTML (escape spec strings before passing them in).
 * The Content-Security-Policy allows inline styles and nothing else: no scripts, no fetches, no external resources,
 * so even a escaping bug could not run a spec's script.
 */
export function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
${GENERATOR_META}
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${CSS}</style>
</head>
<body>
<header class="site"><a href="index.html">HumanGov contracts</a></header>
<main>
${body}
</main>
</body>
</html>
`;
}

/** A table from a header row and body rows; every cell is HTML already. Empty rows give a "none" paragraph. */
export function table(head: readonly string[], rows: readonly (readonly string[])[], className = ''): string {
  if (rows.length === 0) return '<p class="muted">None.</p>';
  const cls = className ? ` class="${className}"` : '';
  const th = head.map((h) => `<th>${h}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table${cls}>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** A link to a page (and optional fragment) with escaped text. */
export const link = (href: string, text: string): string => `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;

/**
 * Spec prose (descriptions) as HTML: escaped, blank lines become paragraphs, `code` spans become `<code>`.
 * Markdown beyond that is shown as written.
 */
export function prose(text: string | undefined): string {
  if (!text) return '';
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((para) => `<p>${escapeHtml(para).replace(/`([^`\n]+)`/g, '<code>$1</code>')}</p>`)
    .join('\n');
}

/** A comma-separated list of items, or an em dash when there are none. */
export const list = (items: readonly string[]): string => (items.length === 0 ? '—' : items.join(', '));
