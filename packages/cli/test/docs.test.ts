import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandSpecs } from '../src/config.js';
import { buildDocs } from '../src/docs/build.js';
import { escapeHtml } from '../src/docs/html.js';
import { hostileShop, warehouse } from './docs-fixtures.js';
import { writeSpec } from './fixtures.js';
import { scratch, specs } from './helpers.js';

const asyncapi = () => expandSpecs([join(specs, 'asyncapi')], 'asyncapi');
const openapi = () => expandSpecs([join(specs, 'openapi')], 'openapi');

function hostileSite() {
  const dir = scratch('docs-fixture');
  const files = [
    writeSpec(dir, 'shop.asyncapi.yaml', hostileShop),
    writeSpec(dir, 'warehouse.asyncapi.yaml', warehouse),
  ];
  const result = buildDocs(files, []);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result;
}

/** The text a browser shows for a cell's HTML: tags dropped, `<br>` as a newline, entities decoded. */
const text = (html: string): string =>
  html
    .replace(/<br>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** The rows of the first `<table class="...">` after `marker` in a page, as cell texts (tags stripped). */
function tableAfter(html: string, marker: string, className: string): string[][] {
  const from = html.indexOf(marker);
  expect(from, `${marker} is on the page`).toBeGreaterThanOrEqual(0);
  const start = html.indexOf(`<table class="${className}">`, from);
  const body = html.slice(start, html.indexOf('</table>', start));
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)]
    .map((row) => [...row[1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => text(c[1]!)))
    .filter((cells) => cells.length > 0);
}

describe('escapeHtml', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    [`" onmouseover='x'`, '&quot; onmouseover=&#39;x&#39;'],
    ['a & b', 'a &amp; b'],
    [42, '42'],
    [undefined, ''],
    [null, ''],
  ])('%j -> %j', (input, want) => {
    expect(escapeHtml(input)).toBe(want);
  });
});

describe('humangov docs: untrusted spec text', () => {
  it('shows <script> and other markup from every spec string as text, never as markup', () => {
    const { pages } = hostileSite();
    expect([...pages.keys()].sort()).toEqual([
      'index.html',
      'message-order.placed.html',
      'service-shop.html',
      'service-warehouse.html',
    ]);
    for (const [name, html] of pages) {
      expect(html, name).not.toMatch(/<script|<img|<b>/i);
      // No tag carries an event-handler attribute (`onerror=` may appear only as escaped text).
      expect(html, name).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
    }
    const message = pages.get('message-order.placed.html')!;
    expect(message).toContain(
      'Describes &lt;script&gt;alert(1)&lt;/script&gt; and &quot;quotes&quot; &amp; ampersands',
    );
    expect(message).toContain('&lt;/pre&gt;&lt;script&gt;alert(\\&quot;payload\\&quot;)&lt;/script&gt;');
    expect(message).toContain('<strong>first&quot;&gt;&lt;script&gt;');
    expect(pages.get('service-shop.html')).toContain(
      '<h1>Shop &lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;</h1>',
    );
    expect(pages.get('index.html')).toContain('Channel &lt;script&gt;alert(&quot;channel&quot;)&lt;/script&gt;');
  });
});

describe('humangov docs: message pages', () => {
  it('lists what changed from v1 to v2: added, removed and changed fields with before -> after', () => {
    const page = hostileSite().pages.get('message-order.placed.html')!;
    expect(tableAfter(page, 'id="changes-v1-v2"', 'diff')).toEqual([
      ['changed', 'note', 'required: yes → no\nconstraints: maxLength: 200 → maxLength: 500'],
      ['changed', 'quantity', 'type: string → integer\nrequired: no → yes\nconstraints: none → minimum: 1'],
      ['changed', 'email', 'PII: no → own'],
      ['added', 'channel', 'string, optional'],
    ]);
  });

  it('diffs the real citizen.registered versions: given_name/family_name replace name', () => {
    const { pages } = buildDocs(asyncapi(), []);
    const rows = tableAfter(pages.get('message-citizen.registered.html')!, 'id="changes-v1-v2"', 'diff');
    expect(rows.filter((r) => r[0] === 'removed').map((r) => r[1])).toEqual(['name']);
    expect(rows.filter((r) => r[0] === 'added').map((r) => r[1])).toEqual(
      expect.arrayContaining(['given_name', 'family_name', 'email', 'phone']),
    );
  });

  it('flags x-pii fields, and the fields inside one, in the schema table', () => {
    const page = hostileSite().pages.get('message-order.placed.html')!;
    const v2 = tableAfter(page, '<section id="v2">', 'fields');
    const pii = Object.fromEntries(v2.map((r) => [r[0], r[4]]));
    expect(pii).toEqual({
      order_id: '',
      note: '',
      quantity: '',
      email: 'PII',
      address: 'PII',
      'address.street': 'PII (inherited)',
      channel: '',
    });
    const v1 = tableAfter(page, '<section id="v1">', 'fields');
    expect(v1.find((r) => r[0] === 'email')![4]).toBe('');
  });

  it("flags the real specs' personal data: citizen.registered v2 names, birth date, contact details", () => {
    const { pages } = buildDocs(asyncapi(), []);
    const rows = tableAfter(pages.get('message-citizen.registered.html')!, '<section id="v2">', 'fields');
    const flagged = rows.filter((r) => r[4] === 'PII').map((r) => r[0]);
    expect(flagged).toEqual(expect.arrayContaining(['given_name', 'family_name', 'date_of_birth', 'email', 'phone']));
    expect(rows.find((r) => r[0] === 'citizen_id')![4]).toBe('');
  });

  it('shows the Kafka and AMQP bindings of the channel and the message key', () => {
    const page = hostileSite().pages.get('message-order.placed.html')!;
    expect(tableAfter(page, '<section id="v1">', 'bindings')).toEqual([
      ['Kafka', 'topic', 'shop.order-placed'],
      ['Kafka', 'partitions', '3'],
      ['Kafka', 'replicas', '2'],
      ['Kafka', 'key', 'string (uuid)'],
      ['AMQP 0-9-1', 'exchange', 'shop.events'],
      ['AMQP 0-9-1', 'exchange type', 'topic'],
      ['AMQP 0-9-1', 'durable', 'yes'],
      ['AMQP 0-9-1', 'routing key', 'order.placed'],
    ]);
  });
});

describe('humangov docs: the site', () => {
  it('has a page per service, message and HTTP API, and a diagram node per channel', () => {
    const { pages, site } = buildDocs(asyncapi(), openapi());
    expect(site.services.length).toBeGreaterThanOrEqual(7);
    expect(pages.size).toBe(1 + site.services.length + site.messages.length + site.apis.length);
    const index = pages.get('index.html')!;
    const nodes = [...index.matchAll(/<a href="([^"]+)" class="node channel" data-name="([^"]+)">/g)];
    expect(nodes.map((n) => n[2]).sort()).toEqual(site.channels.map((c) => c.channel.address).sort());
    expect(pages.get('api-benefits.html')).toMatch(/<code>POST<\/code>[\s\S]*<code>\/applications<\/code>/);
  });

  it('references nothing outside the site: no http(s) resource or link, no script', () => {
    const { pages } = buildDocs(asyncapi(), openapi());
    for (const [name, html] of pages) {
      expect(html, name).not.toMatch(/(?:href|src)\s*=\s*["']?\s*(?:https?:)?\/\//i);
      expect(html, name).not.toMatch(/url\(|@import|<script|<link|<iframe|<img/i);
      for (const [, href] of html.matchAll(/href="([^"#]*)(?:#[^"]*)?"/g)) {
        if (href !== '') expect(pages.has(href!), `${name} links to ${href}`).toBe(true);
      }
    }
  });

  it('is deterministic: the same specs give byte-identical pages, whatever order the files are named in', () => {
    const first = buildDocs(asyncapi(), openapi()).pages;
    const second = buildDocs(expandSpecs([...asyncapi()].reverse(), 'asyncapi'), openapi()).pages;
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [name, html] of first) expect(second.get(name), name).toBe(html);
  });
});
