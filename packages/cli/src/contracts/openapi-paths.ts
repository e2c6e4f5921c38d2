/** OpenAPI path templates and media types: which "Paths Object" entry a request path names, and media-range matching. */
import { isObject, type Located } from '../load/workspace.js';
import type { SpecDocument, SpecIndex } from './spec-index.js';

/** Whether a declared media type, or a media range such as `image/` + `*`, covers the content type a pact names. */
export function mediaMatches(declared: string, wanted: string): boolean {
  const d = (declared.split(';')[0] ?? '').trim().toLowerCase();
  const w = (wanted.split(';')[0] ?? '').trim().toLowerCase();
  return d === w || d === '*/*' || (d.endsWith('/*') && w.startsWith(d.slice(0, -1)));
}

/** The path template that matches a request path (after a server URL's path, if any), most literal segments first. */
export function findPath(
  index: SpecIndex,
  doc: SpecDocument,
  paths: Located,
  requestPath: string,
): { key: string; node: Located; params: Record<string, string> } | undefined {
  const bases = [''];
  for (const server of index.ws.items(doc.root, 'servers')) {
    const url = isObject(server.value) ? server.value.url : undefined;
    if (typeof url !== 'string') continue;
    try {
      const base = new URL(url.replace(/[{}]/g, ''), 'http://localhost').pathname.replace(/\/$/, '');
      if (base) bases.push(base);
    } catch {
      // A server URL that is not a URL names no base path.
    }
  }
  const pathOnly = requestPath.split('?')[0] ?? requestPath;
  let best: { key: string; node: Located; params: Record<string, string>; score: number } | undefined;
  for (const base of bases) {
    if (base && pathOnly !== base && !pathOnly.startsWith(`${base}/`)) continue;
    const rest = (pathOnly.slice(base.length) || '/').split('/');
    for (const key of Object.keys(paths.value as Record<string, unknown>)) {
      const template = key.split('/');
      if (template.length !== rest.length) continue;
      const params: Record<string, string> = {};
      let score = 0;
      const ok = template.every((segment, i) => {
        const actual = safeDecode(rest[i]!);
        if (!segment.includes('{')) {
          score++;
          return segment === actual;
        }
        const names: string[] = [];
        const pattern = segment
          .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
          .replace(/\\?\{([^}]+)\\?\}|\{([^}]+)\}/g, (_m, a, b) => {
            names.push(a ?? b);
            return '([^/]+)';
          });
        const m = new RegExp(`^${pattern}$`).exec(actual);
        if (!m) return false;
        names.forEach((n, j) => {
          params[n] = m[j + 1]!;
        });
        return true;
      });
      if (ok && (!best || score > best.score)) best = { key, node: index.ws.child(paths, key)!, params, score };
    }
  }
  return best;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
