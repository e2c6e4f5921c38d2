/**
 * OpenAPI 3.x documents (sections "Paths Object", "Operation Object") -> the operations the docs list, read through
 * the shared Workspace (the same loader and `$ref` resolver as the rest of the CLI).
 */
import { isObject, type Located, type Workspace } from '../load/workspace.js';
import { typeName } from './fields.js';

export interface ParameterModel {
  readonly name: string;
  readonly in: string;
  readonly required: boolean;
  readonly type: string;
}

export interface BodyModel {
  /** Media type -> schema name or type. */
  readonly content: readonly (readonly [string, string])[];
  readonly required: boolean;
}

export interface ResponseModel {
  readonly status: string;
  readonly description?: string;
  readonly content: readonly (readonly [string, string])[];
}

export interface OperationDoc {
  readonly method: string;
  readonly path: string;
  readonly operationId?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly deprecated: boolean;
  readonly parameters: readonly ParameterModel[];
  readonly requestBody?: BodyModel;
  readonly responses: readonly ResponseModel[];
}

export interface ApiModel {
  readonly file: string;
  readonly title: string;
  readonly version?: string;
  readonly description?: string;
  /** Operations in document order (paths, then methods in the order HTTP lists them). */
  readonly operations: readonly OperationDoc[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Reads one OpenAPI document; `undefined` (with a diagnostic) when it is not OpenAPI 3.x or cannot be read. */
export function readOpenApi(ws: Workspace, file: string): ApiModel | undefined {
  const source = ws.source(file);
  if (!source) return undefined;
  const root: Located = { file: source.file, path: [], value: source.value };
  const doc = isObject(source.value) ? source.value : {};
  if (typeof doc.openapi !== 'string' || !doc.openapi.startsWith('3.')) {
    ws.report(
      ws.child(root, 'openapi') ?? root,
      'error',
      'openapi-version',
      'only OpenAPI 3.x documents are supported',
    );
    return undefined;
  }
  const info = isObject(doc.info) ? doc.info : {};
  const operations: OperationDoc[] = [];
  const paths = ws.child(root, 'paths');
  if (paths && isObject(paths.value)) {
    for (const path of Object.keys(paths.value)) {
      const item = ws.deref(ws.child(paths, path)!);
      if (!item || !isObject(item.value)) continue;
      const shared = parameters(ws, item);
      for (const method of METHODS) {
        const op = ws.child(item, method);
        if (op && isObject(op.value)) operations.push(operation(ws, op, method, path, shared));
      }
    }
  }
  return {
    file: source.file,
    title: typeof info.title === 'string' ? info.title : file,
    ...(typeof info.version === 'string' && { version: info.version }),
    ...(typeof info.description === 'string' && { description: info.description }),
    operations,
  };
}

function operation(
  ws: Workspace,
  node: Located,
  method: string,
  path: string,
  shared: readonly ParameterModel[],
): OperationDoc {
  const v = node.value as Record<string, unknown>;
  const own = parameters(ws, node);
  // Operation parameters override path-item parameters with the same name and location (OpenAPI 3.1 "parameters").
  const merged = [...shared.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in)), ...own];
  const bodyNode = ws.child(node, 'requestBody');
  const body = bodyNode && ws.deref(bodyNode);
  const responses: ResponseModel[] = [];
  const list = ws.child(node, 'responses');
  if (list && isObject(list.value)) {
    for (const status of Object.keys(list.value)) {
      const response = ws.deref(ws.child(list, status)!);
      if (!response || !isObject(response.value)) continue;
      const description = response.value.description;
      responses.push({
        status,
        ...(typeof description === 'string' && { description }),
        content: content(ws, response),
      });
    }
  }
  return {
    method: method.toUpperCase(),
    path,
    ...(typeof v.operationId === 'string' && { operationId: v.operationId }),
    ...(typeof v.summary === 'string' && { summary: v.summary }),
    ...(typeof v.description === 'string' && { description: v.description }),
    tags: Array.isArray(v.tags) ? v.tags.map(String) : [],
    deprecated: v.deprecated === true,
    parameters: merged,
    ...(body &&
      isObject(body.value) && { requestBody: { content: content(ws, body), required: body.value.required === true } }),
    responses,
  };
}

function parameters(ws: Workspace, node: Located): ParameterModel[] {
  return ws.items(node, 'parameters').flatMap((item) => {
    const p = ws.deref(item);
    if (!p || !isObject(p.value)) return [];
    const schema = ws.child(p, 'schema');
    const shown = schema && ws.deref(schema);
    return [
      {
        name: String(p.value.name ?? ''),
        in: String(p.value.in ?? ''),
        required: p.value.required === true,
        type: shown ? schemaLabel(ws, shown) : 'any',
      },
    ];
  });
}

/** Media types of a request body or response, each with its schema's component name or type. */
function content(ws: Workspace, node: Located): [string, string][] {
  const map = ws.child(node, 'content');
  if (!map || !isObject(map.value)) return [];
  return Object.keys(map.value).map((mediaType) => {
    const media = ws.child(map, mediaType)!;
    const schema = ws.child(media, 'schema');
    const shown = schema && ws.deref(schema);
    return [mediaType, shown ? schemaLabel(ws, shown) : 'any'];
  });
}

/** A component schema's name, else its type. */
function schemaLabel(ws: Workspace, target: Located): string {
  const p = target.path;
  if (p.length === 3 && p[0] === 'components' && p[1] === 'schemas') return p[2]!;
  return typeName(ws, target, 0);
}
