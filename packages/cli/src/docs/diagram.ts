/**
 * The flow diagram on the index page: producers | channels | consumers in three columns, an edge from each
 * producer to each channel it sends on and from each channel to each service that receives from it. Plain inline
 * SVG computed here (no layout engine, nothing fetched when the page is viewed); every box is a link.
 */
import { escapeHtml, pageName } from './html.js';
import { type ChannelDoc, compare, type ServiceDoc } from './site-model.js';

const ROW = 28;
const PITCH = 38;
const TOP = 44;
const GAP = 150;
const PAD = 16;
/** Width of one character of the 12px monospace labels, rounded up. */
const CHAR = 7.4;
const MAX_LABEL = 44;

interface Box {
  readonly id: string;
  readonly label: string;
  readonly title: string;
  readonly href: string;
  readonly kind: 'producer' | 'channel' | 'consumer';
}

/** The SVG for a set of channels and the services around them; deterministic for the same input. */
export function flowDiagram(channels: readonly ChannelDoc[], services: readonly ServiceDoc[]): string {
  const slugOf = new Map(services.map((s) => [s.name, s.slug]));
  const serviceBox = (name: string, kind: 'producer' | 'consumer'): Box => ({
    id: name,
    label: name,
    title: `${name}: ${kind === 'producer' ? 'sends' : 'receives'}`,
    href: slugOf.has(name) ? pageName('service', slugOf.get(name)!) : 'index.html',
    kind,
  });
  const producers = [...new Set(channels.flatMap((c) => c.producers))]
    .sort(compare)
    .map((n) => serviceBox(n, 'producer'));
  // Barycentre ordering keeps edges short: a channel sits near its producers, a consumer near its channels.
  const producerIndex = new Map(producers.map((p, i) => [p.id, i]));
  const ordered = [...channels].sort(
    (a, b) =>
      centre(a.producers, producerIndex) - centre(b.producers, producerIndex) ||
      compare(a.channel.address, b.channel.address),
  );
  const channelBoxes = ordered.map(
    (c): Box => ({
      id: c.channel.address,
      label: c.channel.address,
      title: `${c.channel.address}: ${c.types.join(', ')}`,
      href: `index.html#channel-${c.slug}`,
      kind: 'channel',
    }),
  );
  const channelIndex = new Map(ordered.map((c, i) => [c.channel.address, i]));
  const consumerNames = [...new Set(channels.flatMap((c) => c.consumers))];
  const consumerChannels = (name: string) =>
    ordered.filter((c) => c.consumers.includes(name)).map((c) => c.channel.address);
  consumerNames.sort(
    (a, b) => centre(consumerChannels(a), channelIndex) - centre(consumerChannels(b), channelIndex) || compare(a, b),
  );
  const consumers = consumerNames.map((n) => serviceBox(n, 'consumer'));

  const columns = [producers, channelBoxes, consumers];
  const widths = columns.map((col) =>
    Math.max(120, ...col.map((b) => Math.ceil(clip(b.label).length * CHAR) + 2 * 10)),
  );
  const xs = [PAD, PAD + widths[0]! + GAP, PAD + widths[0]! + GAP + widths[1]! + GAP];
  const tallest = Math.max(1, ...columns.map((c) => c.length));
  const height = TOP + tallest * PITCH + PAD;
  const width = xs[2]! + widths[2]! + PAD;
  const place = new Map<string, { x: number; y: number; w: number }>();
  const key = (b: Box) => `${b.kind}:${b.id}`;
  columns.forEach((col, c) => {
    // A shorter column spreads over the full height, so its edges fan out instead of bunching in the middle.
    const slot = (tallest * PITCH) / Math.max(1, col.length);
    col.forEach((b, i) => {
      place.set(key(b), { x: xs[c]!, y: Math.round(TOP + (i + 0.5) * slot - PITCH / 2), w: widths[c]! });
    });
  });

  const edges: string[] = [];
  const edge = (from: string, to: string) => {
    const a = place.get(from)!;
    const b = place.get(to)!;
    const x1 = a.x + a.w;
    const y1 = a.y + ROW / 2;
    const x2 = b.x;
    const y2 = b.y + ROW / 2;
    const mid = (x1 + x2) / 2;
    edges.push(`<path d="M${x1} ${y1} C${mid} ${y1} ${mid} ${y2} ${x2} ${y2}"/>`);
  };
  for (const c of ordered) {
    for (const p of c.producers) edge(`producer:${p}`, `channel:${c.channel.address}`);
    for (const s of c.consumers) edge(`channel:${c.channel.address}`, `consumer:${s}`);
  }
  const nodes = columns.flat().map((b) => {
    const p = place.get(key(b))!;
    return (
      `<a href="${escapeHtml(b.href)}" class="node ${b.kind}" data-name="${escapeHtml(b.id)}">` +
      `<title>${escapeHtml(b.title)}</title>` +
      `<rect x="${p.x}" y="${p.y}" width="${p.w}" height="${ROW}" rx="4"/>` +
      `<text x="${p.x + 10}" y="${p.y + 18}">${escapeHtml(clip(b.label))}</text></a>`
    );
  });
  const headings = ['Producers', 'Channels', 'Consumers'].map(
    (h, c) => `<text class="column" x="${xs[c]}" y="${TOP - 16}">${h}</text>`,
  );
  return [
    `<svg class="flow" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="flow-title">`,
    `<title id="flow-title">Producers, channels and consumers</title>`,
    ...headings,
    `<g class="edges">`,
    ...edges,
    `</g>`,
    `<g class="nodes">`,
    ...nodes,
    `</g>`,
    `</svg>`,
  ].join('\n');
}

/** Mean position of a box's neighbours; boxes without neighbours go last. */
function centre(names: readonly string[], index: ReadonlyMap<string, number>): number {
  const at = names.map((n) => index.get(n)).filter((i): i is number => i !== undefined);
  return at.length === 0 ? Number.MAX_SAFE_INTEGER : at.reduce((s, i) => s + i, 0) / at.length;
}

const clip = (label: string): string => (label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label);
