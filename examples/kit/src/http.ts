/**
 * A small HTTP server for the example APIs: routes by method and path template (`/citizens/{citizen_id}`), JSON
 * bodies, bearer tokens with a scope per route, and every error as RFC 9457 problem+json. The request and
 * response shapes come from the generated OpenAPI `paths` types, so a route that drifts from the spec does not
 * compile.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Principal, verifyToken } from './auth.js';
import { healthReply, type Readiness } from './health.js';

export interface HttpRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
  readonly principal: Principal;
}

export interface HttpReply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type HttpHandler = (request: HttpRequest) => Promise<HttpReply>;

/** An error a handler throws to answer with a problem (any other error answers 500, without its details). */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(`${status} ${title}${detail ? `: ${detail}` : ''}`);
  }
}

export interface HttpApp {
  route(method: string, template: string, scope: string, handler: HttpHandler): HttpApp;
  /**
   * Listens on `host` (@default '127.0.0.1'; a container sets '0.0.0.0') and `port` (@default 0: any free port);
   * resolves with the base URL.
   */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

const MAX_BODY = 256 * 1024;

export interface HttpAppOptions {
  readonly name: string;
  readonly tokenSecret: string;
  /** When given, `GET /healthz` and `GET /readyz` answer from it, without a token (see health.ts). @default none */
  readonly readiness?: Readiness;
}

export function createHttpApp(options: HttpAppOptions): HttpApp {
  const routes: { method: string; pattern: RegExp; names: string[]; scope: string; handler: HttpHandler }[] = [];
  let server: Server | undefined;

  async function serve(req: IncomingMessage): Promise<HttpReply> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const health = options.readiness && (await healthReply(req.method, url.pathname, options.readiness));
    if (health) return health;
    const candidates = routes.filter((r) => r.pattern.test(url.pathname));
    if (candidates.length === 0) throw new ProblemError(404, 'Not Found', `no route for ${url.pathname}`);
    const route = candidates.find((r) => r.method === req.method);
    if (!route) throw new ProblemError(405, 'Method Not Allowed', `${req.method} ${url.pathname}`);
    const auth = req.headers.authorization;
    if (!auth?.startsWith('Bearer ')) throw new ProblemError(401, 'Unauthorized', 'a bearer token is required');
    const verified = verifyToken(options.tokenSecret, auth.slice(7));
    if ('problem' in verified) throw new ProblemError(401, 'Unauthorized', verified.problem);
    if (!verified.principal.scopes.has(route.scope)) {
      throw new ProblemError(403, 'Forbidden', `this operation needs the scope ${route.scope}`);
    }
    const match = route.pattern.exec(url.pathname)!;
    const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(match[i + 1]!)]));
    const body = await readJson(req);
    return route.handler({
      params,
      query: url.searchParams,
      headers: req.headers,
      body,
      principal: verified.principal,
    });
  }

  function send(res: ServerResponse, reply: HttpReply) {
    const problem = reply.status >= 400;
    res.writeHead(reply.status, {
      ...(reply.body !== undefined && { 'content-type': problem ? 'application/problem+json' : 'application/json' }),
      ...reply.headers,
    });
    res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
  }

  const app: HttpApp = {
    route(method, template, scope, handler) {
      const names: string[] = [];
      const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      routes.push({ method, pattern: new RegExp(`^${source}$`), names, scope, handler });
      return app;
    },
    listen(port = 0, host = '127.0.0.1') {
      server = createServer((req, res) => {
        serve(req).then(
          (reply) => send(res, reply),
          (error: unknown) => {
            const p =
              error instanceof ProblemError
                ? error
                : new ProblemError(500, 'Internal Server Error', `${options.name} could not handle the request`);
            send(res, {
              status: p.status,
              body: { type: 'about:blank', title: p.title, status: p.status, detail: p.detail, ...p.extra },
            });
          },
        );
      });
      return new Promise((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, host, () => {
          const shown = host.includes(':') ? `[${host}]` : host;
          resolve(`http://${shown}:${(server!.address() as AddressInfo).port}`);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        if (!server) return resolve();
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
  return app;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ProblemError(413, 'Content Too Large', `bodies are limited to ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'), (key, value) =>
      key === '__proto__' ? undefined : value,
    );
  } catch {
    throw new ProblemError(400, 'Bad Request', 'the body is not valid JSON');
  }
}
