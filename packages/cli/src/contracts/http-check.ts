/**
 * An HTTP interaction against its provider's OpenAPI document (3.0 and 3.1 "Paths", "Operation", "Parameter",
 * "Request Body" and "Responses" objects): the path and method must exist; required parameters must be sent and
 * every sent query parameter declared; parameter values and the request body must be valid (required fields
 * included, since the provider needs them); the status must be declared (exactly, as a `4XX`-style range, or, for
 * 4xx/5xx only, by `default`); expected response headers must be declared; the expected response body must be one
 * the schema promises (fields may be left out).
 */
import {
  appendPactPath,
  type PactBody,
  type PactHttpInteraction,
  type PactRule,
  type PactRuleSet,
} from '@humangov/testing';
import { isObject, type Located } from '../load/workspace.js';
import type { Problem } from './finding.js';
import { findPath, mediaMatches } from './openapi-paths.js';
import { RuleIndex } from './rules.js';
import type { SchemaChecker } from './schema-check.js';
import type { SpecDocument, SpecIndex } from './spec-index.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** OpenAPI: header parameters with these names are ignored (they are described elsewhere). */
const RESERVED_HEADERS = new Set(['accept', 'content-type', 'authorization']);
const fix = 'change the pact, or change the spec first';

export function checkHttp(
  index: SpecIndex,
  checker: SchemaChecker,
  doc: SpecDocument,
  interaction: PactHttpInteraction,
): Problem[] {
  const { ws } = index;
  const { request, response } = interaction;
  const paths = ws.child(doc.root, 'paths');
  const route = paths && findPath(index, doc, paths, request.path);
  if (!route) {
    return [
      {
        path: '$.request.path',
        at: paths ?? doc.root,
        message: `no path of the spec matches ${request.path}: fix the pact's path, or add the path to the spec first`,
      },
    ];
  }
  const item = ws.deref(route.node) ?? route.node;
  const operation = ws.child(item, request.method.toLowerCase());
  if (!operation || !METHODS.includes(request.method.toLowerCase())) {
    const declared = METHODS.filter((m) => ws.child(item, m)).map((m) => m.toUpperCase());
    return [
      {
        path: '$.request.method',
        at: item,
        message: `${route.key} has no ${request.method} operation (it has ${declared.join(', ') || 'none'}): ${fix}`,
      },
    ];
  }
  const op = ws.deref(operation) ?? operation;
  const problems: Problem[] = [];
  const where = `${request.method} ${route.key}`;

  // Parameters: path-level first, then the operation's, which override by name and location.
  const parameters = new Map<string, Located>();
  for (const owner of [item, op]) {
    for (const ref of ws.items(owner, 'parameters')) {
      const p = ws.deref(ref);
      if (p && isObject(p.value) && typeof p.value.name === 'string' && typeof p.value.in === 'string') {
        const name = p.value.in === 'header' ? p.value.name.toLowerCase() : p.value.name;
        parameters.set(`${p.value.in}:${name}`, p);
      }
    }
  }
  const pathRule: PactRuleSet = request.rules.path.$ ? { $: shape } : {};
  for (const p of parameters.values()) {
    const v = p.value as Record<string, unknown>;
    const name = String(v.name);
    const required = v.required === true || v.in === 'path';
    if (v.in === 'path') {
      const value = route.params[name];
      if (value !== undefined) problems.push(...checkParameter(index, checker, p, [value], '$.request.path', pathRule));
    } else if (v.in === 'query') {
      const values = request.query[name];
      if (values === undefined) {
        if (required)
          problems.push({
            path: '$.request.query',
            at: p,
            message: `${where} requires query parameter "${name}": add it to the pact's request`,
          });
      } else {
        const rule = request.rules.query[name];
        problems.push(
          ...checkParameter(
            index,
            checker,
            p,
            values,
            appendPactPath('$.request.query', name),
            rule ? { $: rule } : {},
          ),
        );
      }
    } else if (v.in === 'header' && !RESERVED_HEADERS.has(name.toLowerCase())) {
      const header = Object.keys(request.headers).find((h) => h.toLowerCase() === name.toLowerCase());
      if (header === undefined) {
        if (required)
          problems.push({
            path: '$.request.headers',
            at: p,
            message: `${where} requires header "${name}": add it to the pact's request`,
          });
      } else {
        const rule = request.rules.header[header];
        problems.push(
          ...checkParameter(
            index,
            checker,
            p,
            request.headers[header]!,
            appendPactPath('$.request.headers', header),
            rule ? { $: rule } : {},
          ),
        );
      }
    }
  }
  for (const name of Object.keys(request.query)) {
    if (!parameters.has(`query:${name}`)) {
      problems.push({
        path: appendPactPath('$.request.query', name),
        at: ws.child(op, 'parameters') ?? op,
        message: `${where} declares no query parameter "${name}": remove it from the pact, or declare it in the spec first`,
      });
    }
  }

  // Request body.
  const bodyRef = ws.child(op, 'requestBody');
  const requestBody = bodyRef && ws.deref(bodyRef);
  if (request.body) {
    if (!requestBody) {
      problems.push({
        path: '$.request.body',
        at: op,
        message: `${where} declares no request body: remove the body from the pact, or declare it in the spec first`,
      });
    } else {
      problems.push(...checkBody(index, checker, requestBody, request.body, '$.request', request.rules.body, false));
    }
  } else if (requestBody && isObject(requestBody.value) && requestBody.value.required === true) {
    problems.push({
      path: '$.request.body',
      at: requestBody,
      message: `${where} requires a request body: add one to the pact`,
    });
  }

  // Response status, headers and body.
  const responses = ws.child(op, 'responses');
  const declared = responses && isObject(responses.value) ? Object.keys(responses.value) : [];
  const status = String(response.status);
  const key =
    declared.find((k) => k === status) ??
    declared.find((k) => k.toUpperCase() === `${status[0]}XX`) ??
    (response.status >= 400 ? declared.find((k) => k === 'default') : undefined);
  if (key === undefined) {
    problems.push({
      path: '$.response.status',
      at: responses ?? op,
      message: `${where} does not declare status ${status} (it declares ${declared.join(', ') || 'none'}): ${fix}`,
    });
    return problems;
  }
  const answer = ws.deref(ws.child(responses!, key)!);
  if (!answer) return problems;
  const headers = ws.child(answer, 'headers');
  for (const [name, values] of Object.entries(response.headers)) {
    if (name.toLowerCase() === 'content-type') continue;
    const declaredName =
      headers && isObject(headers.value)
        ? Object.keys(headers.value).find((h) => h.toLowerCase() === name.toLowerCase())
        : undefined;
    if (declaredName === undefined) {
      problems.push({
        path: appendPactPath('$.response.headers', name),
        at: answer,
        message: `${where} does not declare header "${name}" for status ${key}: remove it from the pact, or declare it in the spec first`,
      });
      continue;
    }
    const header = ws.deref(ws.child(headers!, declaredName)!);
    const rule = response.rules.header[name];
    if (header)
      problems.push(
        ...checkParameter(
          index,
          checker,
          header,
          values,
          appendPactPath('$.response.headers', name),
          rule ? { $: rule } : {},
        ),
      );
  }
  if (response.body) {
    if (!ws.child(answer, 'content')) {
      problems.push({
        path: '$.response.body',
        at: answer,
        message: `${where} declares no body for status ${key}: remove the body from the pact, or declare it in the spec first`,
      });
    } else {
      problems.push(...checkBody(index, checker, answer, response.body, '$.response', response.rules.body, true));
    }
  }
  return problems;
}

/** Any value of the example's type: how a path matcher is read for the parameters inside the path. */
const shape: PactRule = { combine: 'AND', matchers: [{ match: 'type' }] };

function checkBody(
  index: SpecIndex,
  checker: SchemaChecker,
  owner: Located,
  body: PactBody,
  part: '$.request' | '$.response',
  rules: PactRuleSet,
  partial: boolean,
): Problem[] {
  const { ws } = index;
  const content = ws.child(owner, 'content');
  const types = content && isObject(content.value) ? Object.keys(content.value) : [];
  const wanted = body.contentType;
  const media =
    wanted === undefined
      ? (types.find((t) => /json/i.test(t)) ?? types[0])
      : types.find((t) => mediaMatches(t, wanted));
  if (media === undefined) {
    return [
      {
        path: `${part}.headers.Content-Type`,
        at: content ?? owner,
        message: `content type ${wanted} is not one the spec declares (${types.join(', ') || 'none'}): ${fix}`,
      },
    ];
  }
  const schema = ws.child(ws.child(content!, media)!, 'schema');
  if (!schema || body.encoded !== undefined) return [];
  return checker.check({ schema, value: body.content, rules: new RuleIndex(rules), at: `${part}.body`, partial });
}

/** A parameter (or response header) value, converted from its string form to the type its schema names. */
function checkParameter(
  index: SpecIndex,
  checker: SchemaChecker,
  parameter: Located,
  values: readonly string[],
  at: string,
  rules: PactRuleSet,
): Problem[] {
  const schemaRef = index.ws.child(parameter, 'schema');
  const schema = schemaRef && index.ws.deref(schemaRef);
  if (!schemaRef || !schema || !isObject(schema.value)) return [];
  const type = schema.value.type;
  const isArray = type === 'array' || (Array.isArray(type) && type.includes('array'));
  if (!isArray && values.length > 1) {
    return [
      { path: at, at: schemaRef, message: `the pact sends ${values.length} values and the spec declares one: ${fix}` },
    ];
  }
  const items = index.ws.child(schema, 'items');
  const itemType =
    items && isObject(index.ws.deref(items)?.value)
      ? (index.ws.deref(items)!.value as Record<string, unknown>).type
      : undefined;
  const value = isArray ? values.map((v) => coerce(v, itemType)) : coerce(values[0] ?? '', type);
  return checker.check({ schema: schemaRef, value, rules: new RuleIndex(rules), at, partial: false });
}

function coerce(text: string, type: unknown): unknown {
  const types = Array.isArray(type) ? type : [type];
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text))
    return Number(text);
  if (types.includes('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}
