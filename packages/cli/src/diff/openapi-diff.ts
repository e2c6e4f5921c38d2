/**
 * OpenAPI 3.x: two revisions of one document -> changes to operations (matched by method and path template,
 * parameter names ignored), parameters, request bodies, status codes, response headers and bodies.
 *
 * Classified from the client's side (decision 0006): request parameters and bodies are data the server reads
 * (role `request`: narrowing breaks existing clients), responses are data clients read (role `response`:
 * widening breaks existing clients). Request parameters form a closed set; response headers an open one.
 */
import { isObject, type Located, type Workspace } from '../load/workspace.js';
import type { Change } from './classify.js';
import { diffSchema } from './schema-diff.js';
import { formatPath } from './spec-path.js';

/** One OpenAPI document in one revision. */
export interface OpenApiRevision {
  readonly ws: Workspace;
  readonly file: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface OperationEntry {
  readonly display: string;
  readonly node: Located;
  readonly operationId?: string;
  readonly params: ReadonlyMap<string, Located>;
}

const field = (node: Located | undefined, key: string): unknown =>
  node && isObject(node.value) ? node.value[key] : undefined;

function derefMap(ws: Workspace, node: Located | undefined, key: string, lower = false): Map<string, Located> {
  const map = new Map<string, Located>();
  const child = node && ws.child(node, key);
  if (!child || !isObject(child.value)) return map;
  for (const name of Object.keys(child.value)) {
    const target = ws.deref(ws.child(child, name)!);
    if (target) map.set(lower ? name.toLowerCase() : name, target);
  }
  return map;
}

function parameters(ws: Workspace, node: Located, into: Map<string, Located>): void {
  for (const item of ws.items(node, 'parameters')) {
    const p = ws.deref(item);
    const where = field(p, 'in');
    const name = field(p, 'name');
    if (!p || typeof where !== 'string' || typeof name !== 'string') continue;
    into.set(`${where} ${where === 'header' ? name.toLowerCase() : name}`, p);
  }
}

function operations(rev: OpenApiRevision): Map<string, OperationEntry> {
  const { ws } = rev;
  const out = new Map<string, OperationEntry>();
  const source = ws.source(rev.file);
  if (!source) return out;
  const root: Located = { file: source.file, path: [], value: source.value };
  const version = field(root, 'openapi');
  if (typeof version !== 'string' || !version.startsWith('3.')) {
    ws.report(root, 'error', 'openapi-version', 'only OpenAPI 3.x documents can be compared');
    return out;
  }
  for (const [path, item] of derefMap(ws, root, 'paths')) {
    const shared = new Map<string, Located>();
    parameters(ws, item, shared);
    for (const method of METHODS) {
      const ref = ws.child(item, method);
      const node = ref && ws.deref(ref);
      if (!node) continue;
      const byName = new Map(shared);
      parameters(ws, node, byName);
      // Path parameters are matched by their place in the template, so renaming {petId} to {id} is no change.
      const places = [...path.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]);
      const params = new Map(
        [...byName].map(([key, p]) => {
          const place = key.startsWith('path ') ? places.indexOf(key.slice(5)) : -1;
          return [place >= 0 ? `path #${place + 1}` : key, p] as const;
        }),
      );
      const id = field(node, 'operationId');
      out.set(`${method.toUpperCase()} ${path.replace(/\{[^}]*\}/g, '{}')}`, {
        display: `${method.toUpperCase()} ${path}`,
        node,
        params,
        ...(typeof id === 'string' && { operationId: id }),
      });
    }
  }
  return out;
}

/** Changes between two revisions of an OpenAPI document; `label` names the spec in reports. */
export function diffOpenApi(
  before: OpenApiRevision,
  after: OpenApiRevision,
  label: (file: string) => string,
): Change[] {
  const a = operations(before);
  const b = operations(after);
  const out: Change[] = [];
  for (const [key, o] of a) {
    const n = b.get(key);
    const common = {
      kind: 'openapi',
      spec: label(after.file),
      subject: (n ?? o).display,
      affected: { producers: [], consumers: [], operation: (n ?? o).operationId ?? (n ?? o).display },
    } as const;
    const push = (
      role: Change['role'],
      rule: string,
      path: string,
      message: string,
      narrows: boolean,
      widens: boolean,
    ) => out.push({ ...common, role, rule, path, message, narrows, widens });
    const schemas = (role: Change['role'], prefix: string, x: Located | undefined, y: Located | undefined) => {
      for (const c of diffSchema(before.ws, x, after.ws, y))
        push(role, c.rule, formatPath(prefix, c.path), c.message, c.narrows, c.widens);
    };
    if (!n) {
      push('request', 'operation-removed', '', 'operation removed: calls to it fail', true, true);
      continue;
    }
    const schemaOf = (ws: Workspace, node: Located) => ws.child(node, 'schema');
    // Parameters: a closed set (servers act on the parameters they declare).
    for (const [pk, p] of o.params) {
      const q = n.params.get(pk);
      const at = `parameters.${field(q ?? p, 'in')}.${String(field(q ?? p, 'name'))}`;
      const reqOld = field(p, 'required') === true || field(p, 'in') === 'path';
      if (!q) {
        push('request', 'parameter-removed', at, `${reqOld ? 'required' : 'optional'} parameter removed`, true, reqOld);
        continue;
      }
      const reqNew = field(q, 'required') === true || field(q, 'in') === 'path';
      if (!reqOld && reqNew) push('request', 'parameter-required-added', at, 'parameter made required', true, false);
      if (reqOld && !reqNew) push('request', 'parameter-required-removed', at, 'parameter made optional', false, true);
      for (const k of ['style', 'explode', 'allowReserved'])
        if (field(p, k) !== field(q, k))
          push(
            'request',
            'parameter-serialization-changed',
            at,
            `\`${k}\` changed: the wire format differs`,
            true,
            true,
          );
      schemas('request', at, schemaOf(before.ws, p), schemaOf(after.ws, q));
    }
    for (const [pk, q] of n.params) {
      if (o.params.has(pk)) continue;
      const req = field(q, 'required') === true || field(q, 'in') === 'path';
      push(
        'request',
        'parameter-added',
        `parameters.${field(q, 'in')}.${String(field(q, 'name'))}`,
        `${req ? 'required' : 'optional'} parameter added`,
        req,
        true,
      );
    }
    // Request body.
    const bodyRef = (rev: OpenApiRevision, node: Located) => {
      const ref = rev.ws.child(node, 'requestBody');
      return ref && rev.ws.deref(ref);
    };
    const ob = bodyRef(before, o.node);
    const nb = bodyRef(after, n.node);
    const reqOld = field(ob, 'required') === true;
    const reqNew = field(nb, 'required') === true;
    if (!ob && nb)
      push(
        'request',
        'request-body-added',
        'requestBody',
        `${reqNew ? 'required' : 'optional'} request body added`,
        reqNew,
        true,
      );
    if (ob && !nb) push('request', 'request-body-removed', 'requestBody', 'request body removed', true, reqOld);
    if (ob && nb) {
      if (!reqOld && reqNew)
        push('request', 'request-body-required-added', 'requestBody', 'request body made required', true, false);
      if (reqOld && !reqNew)
        push('request', 'request-body-required-removed', 'requestBody', 'request body made optional', false, true);
      content('request', 'requestBody', ob, nb);
    }
    // Responses: a status code the other revision lacks is compared with its `4XX`/`default` response when there is one.
    const ra = derefMap(before.ws, o.node, 'responses');
    const rb = derefMap(after.ws, n.node, 'responses');
    const fallback = (map: Map<string, Located>, code: string) =>
      map.get(`${code[0]}XX`) ?? map.get(`${code[0]}xx`) ?? map.get('default');
    for (const code of new Set([...ra.keys(), ...rb.keys()])) {
      const x = ra.get(code) ?? fallback(ra, code);
      const y = rb.get(code) ?? fallback(rb, code);
      const at = `responses.${code}`;
      if (x && y) response(at, x, y);
      else if (y)
        push(
          'response',
          'status-code-added',
          at,
          `status ${code} added and no default response covers it: existing clients do not expect it`,
          false,
          true,
        );
      else if (x) push('response', 'status-code-removed', at, `status ${code} removed`, true, false);
    }

    function content(role: Change['role'], at: string, x: Located, y: Located) {
      const ca = derefMap(before.ws, x, 'content');
      const cb = derefMap(after.ws, y, 'content');
      const narrowing =
        role === 'request' ? 'clients sending it get an error' : 'clients expecting it no longer get it';
      for (const [type, mx] of ca) {
        const my = cb.get(type);
        const prefix = ca.size + cb.size > 2 ? `${at}.body(${type})` : `${at}.body`;
        if (my) schemas(role, prefix, schemaOf(before.ws, mx), schemaOf(after.ws, my));
        else push(role, 'media-type-removed', at, `media type ${type} removed: ${narrowing}`, true, false);
      }
      for (const type of cb.keys())
        if (!ca.has(type)) push(role, 'media-type-added', at, `media type ${type} added`, false, true);
    }

    function response(at: string, x: Located, y: Located) {
      content('response', at, x, y);
      // Response headers: an open set (clients ignore headers they do not know).
      const ha = derefMap(before.ws, x, 'headers', true);
      const hb = derefMap(after.ws, y, 'headers', true);
      for (const [name, hx] of ha) {
        const hy = hb.get(name);
        const where = `${at}.headers.${name}`;
        const req = field(hx, 'required') === true;
        if (!hy) {
          push(
            'response',
            'response-header-removed',
            where,
            `${req ? 'required' : 'optional'} header removed: clients reading it no longer get it`,
            false,
            true,
          );
          continue;
        }
        const reqNew = field(hy, 'required') === true;
        if (!req && reqNew)
          push('response', 'response-header-required-added', where, 'header made required', true, false);
        if (req && !reqNew)
          push('response', 'response-header-required-removed', where, 'header made optional', false, true);
        schemas('response', where, schemaOf(before.ws, hx), schemaOf(after.ws, hy));
      }
      for (const name of hb.keys())
        if (!ha.has(name))
          push('response', 'response-header-added', `${at}.headers.${name}`, 'header added', true, false);
    }
  }
  for (const [key, n] of b) {
    if (a.has(key)) continue;
    out.push({
      kind: 'openapi',
      spec: label(after.file),
      subject: n.display,
      affected: { producers: [], consumers: [], operation: n.operationId ?? n.display },
      role: 'request',
      rule: 'operation-added',
      path: '',
      message: 'operation added',
      narrows: false,
      widens: false,
    });
  }
  return out;
}
