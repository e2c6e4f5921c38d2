/**
 * The docs site as a reader sees it: Debian's Chromium (headless, driven by playwright-core) opens the generated pages
 * over file:// URLs. Without Chromium the suite is skipped with the reason in its name, except under CI=true, where a
 * missing browser fails the run: scripts/test.sh installs it (`apt-get install -y chromium`).
 */
import { accessSync, constants, mkdirSync, readdirSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { writeSpec } from './fixtures.js';
import { recordingIo, repoRoot, scratch } from './helpers.js';

const INSTALL = 'install it with `apt-get install -y chromium` as root (scripts/test.sh does), or set CHROMIUM_PATH';

/** CHROMIUM_PATH when set, else `chromium` on PATH. */
function findChromium(): { path?: string; reason: string } {
  const executable = (file: string) => {
    try {
      accessSync(file, constants.X_OK);
      return statSync(file).isFile();
    } catch {
      return false;
    }
  };
  const wanted = process.env.CHROMIUM_PATH;
  if (wanted)
    return executable(wanted)
      ? { path: wanted, reason: '' }
      : { reason: `CHROMIUM_PATH=${wanted} is not an executable file` };
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, 'chromium'))) return { path: join(dir, 'chromium'), reason: '' };
  }
  return { reason: 'chromium is not on PATH' };
}

const found = findChromium();
const ci = process.env.CI === 'true' || process.env.CI === '1';

if (!found.path && ci) {
  describe('docs site in Chromium', () => {
    it('needs Chromium', () => {
      throw new Error(`the docs site test needs Chromium: ${found.reason}; ${INSTALL}`);
    });
  });
}

const title = found.path ? 'docs site in Chromium' : `docs site in Chromium (skipped: ${found.reason}; ${INSTALL})`;

describe.skipIf(!found.path)(title, () => {
  let browser: Browser;
  let site: string;

  beforeAll(async () => {
    site = scratch('docs-browser');
    const io = recordingIo(repoRoot);
    expect(await main(['docs', '--out', site], io), io.stderr.join('\n')).toBe(0);
    browser = await chromium.launch({ executablePath: found.path!, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** A page that records every request, console error and dialog, so a test can assert there were none. */
  async function watchedPage(): Promise<{ page: Page; requests: string[]; errors: string[] }> {
    const page = await browser.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    return { page, requests, errors };
  }

  const url = (file: string) => pathToFileURL(join(site, file)).href;

  it('every page renders its heading; every link leads to a page and anchor of the site that render', async () => {
    const { page, requests, errors } = await watchedPage();
    const files = readdirSync(site).filter((f) => f.endsWith('.html'));
    expect(files.length).toBeGreaterThan(30);
    const targets = new Map<string, string>(); // link target -> a page that links to it
    for (const file of files) {
      await page.goto(url(file));
      const heading = (await page.locator('h1').first().textContent())?.trim();
      expect(heading, `${file} has a heading`).toBeTruthy();
      expect(await page.locator('h1').first().isVisible(), `${file} shows its heading`).toBe(true);
      const hrefs = await page.$$eval('a', (as) =>
        as.map((a) => {
          const raw = a.getAttribute('href');
          return raw === null ? '' : new URL(raw, a.baseURI).href;
        }),
      );
      for (const href of hrefs) {
        expect(href, `${file}: a link without href`).not.toBe('');
        if (!targets.has(href)) targets.set(href, file);
      }
    }
    expect(targets.size).toBeGreaterThan(files.length);
    // Sorted, so links into the same page follow one another and most navigations only move to an anchor.
    for (const [href, from] of [...targets].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const target = new URL(href);
      expect(target.protocol, `${from} links outside the site: ${href}`).toBe('file:');
      expect(target.pathname.startsWith(pathToFileURL(site).pathname + '/'), `${from} -> ${href}`).toBe(true);
      await page.goto(href);
      expect(await page.locator('h1').first().isVisible(), `${from} -> ${href} renders`).toBe(true);
      if (target.hash) {
        const anchor = page.locator(`[id="${decodeURIComponent(target.hash.slice(1))}"]`);
        expect(await anchor.count(), `${from} -> ${href}: the anchor exists`).toBe(1);
      }
    }
    expect(requests.filter((r) => !r.startsWith('file://'))).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('the index shows the flow diagram: a box per channel, producers and consumers, boxes that are links', async () => {
    const { page, errors } = await watchedPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(url('index.html'));
    const svg = page.locator('svg.flow');
    expect(await svg.isVisible()).toBe(true);
    const channels = await page.locator('section.channel h3 code').allTextContents();
    expect(channels.length).toBeGreaterThan(20);
    const boxes = await page
      .locator('svg.flow a.node.channel')
      .evaluateAll((as) => as.map((a) => a.getAttribute('data-name')));
    expect([...boxes].sort()).toEqual([...channels].sort());
    expect(await page.locator('svg.flow a.node.producer').count()).toBeGreaterThan(3);
    expect(await page.locator('svg.flow a.node.consumer').count()).toBeGreaterThan(3);
    expect(await page.locator('svg.flow g.edges path').count()).toBeGreaterThan(channels.length);

    mkdirSync(join(repoRoot, '.artifacts/docs'), { recursive: true });
    const shot = join(repoRoot, '.artifacts/docs/index.png');
    // The top of the index down to the end of the diagram: what a reviewer looks at first.
    const box = (await svg.boundingBox())!;
    expect(box.width).toBeGreaterThan(500);
    await page.screenshot({
      path: shot,
      fullPage: true,
      clip: { x: 0, y: 0, width: 1280, height: Math.ceil(box.y + box.height + 16) },
    });
    expect(statSync(shot).size).toBeGreaterThan(20_000);

    await page.locator('svg.flow a.node.producer').first().click();
    expect(page.url()).toMatch(/\/service-[^/]+\.html$/);
    expect(await page.locator('h1').isVisible()).toBe(true);
    await page.goto(url('index.html'));
    await page.locator('svg.flow a.node.channel').first().click();
    expect(page.url()).toMatch(/\/index\.html#channel-/);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows a <script> from a spec description as text and runs nothing', async () => {
    const dir = scratch('docs-browser-hostile');
    writeSpec(
      dir,
      'shop.asyncapi.yaml',
      `asyncapi: 3.0.0
id: urn:fixture:service:shop
info: { title: Shop, version: 1.0.0 }
channels:
  order.placed:
    address: order.placed
    messages:
      OrderPlacedV1:
        name: OrderPlaced
        x-version: 1
        description: 'Placed <script>alert("spec")</script>'
        payload: { type: object, properties: { id: { type: string } } }
operations:
  sendOrderPlaced: { action: send, channel: { $ref: '#/channels/order.placed' } }
`,
    );
    const out = join(dir, 'site');
    expect(await main(['docs', '--asyncapi', dir, '--out', out], recordingIo(dir))).toBe(0);
    const { page, errors } = await watchedPage();
    await page.goto(pathToFileURL(join(out, 'message-orderplaced.html')).href);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('section#v1 p', { hasText: 'Placed' }).textContent()).toBe(
      'Placed <script>alert("spec")</script>',
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});
