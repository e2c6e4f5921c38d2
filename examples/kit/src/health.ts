/**
 * Health endpoints of the example services, as the Kubernetes probes and the Compose healthchecks of `deploy/`
 * call them, without a bearer token:
 * - `GET /healthz` (liveness): `200` whenever the process answers at all. It checks no broker and no database, so
 *   a broker outage does not restart every pod.
 * - `GET /readyz` (readiness): `200` once the service said it started (router subscribed, outbox relay running)
 *   and its database answers; `503` before, when the database does not answer, and from the moment shutdown begins.
 *
 * The HTTP services answer them on their API port (`createHttpApp({ readiness })`); consumers on a small server
 * of their own (`createHealthServer`, on `HEALTH_PORT` in the containers).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpReply } from './http.js';

/** What readiness found: `ready` and each check's state. */
export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: {
    /** `starting` until `markStarted`, `stopping` from `markStopping`. */
    readonly service: 'starting' | 'started' | 'stopping';
    /** `up` when the database answered a trivial query, `down` (with the error message) when it did not. */
    readonly database: 'up' | 'down' | 'not checked';
  };
  readonly detail?: string;
}

/** The readiness of one service, which the service moves along its life; `check` is what `/readyz` answers. */
export interface Readiness {
  /** The router is subscribed and the relay running: from now on readiness depends on the database. */
  markStarted(): void;
  /** Shutdown began: not ready from now on, whatever the database says. Idempotent; final. */
  markStopping(): void;
  check(): Promise<ReadinessReport>;
}

export interface ReadinessOptions {
  /** How long the database may take to answer before readiness says `down`. @default 2_000 */
  readonly timeoutMs?: number;
}

/** Readiness over `database.ping()` (a `ServiceDatabase` has it); starts `starting`. */
export function createReadiness(database: { ping(): Promise<void> }, options: ReadinessOptions = {}): Readiness {
  const timeoutMs = options.timeoutMs ?? 2_000;
  let state: ReadinessReport['checks']['service'] = 'starting';
  return {
    markStarted() {
      if (state === 'starting') state = 'started';
    },
    markStopping() {
      state = 'stopping';
    },
    async check() {
      if (state !== 'started') return { ready: false, checks: { service: state, database: 'not checked' } };
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          database.ping(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
      } catch (error) {
        const detail = `database: ${error instanceof Error ? error.message : String(error)}`;
        return { ready: false, checks: { service: state, database: 'down' }, detail };
      } finally {
        clearTimeout(timer);
      }
      // Shutdown may have begun while the database answered.
      const service = state as ReadinessReport['checks']['service'];
      return { ready: service === 'started', checks: { service, database: 'up' } };
    },
  };
}

/** The answer to `GET /healthz` or `GET /readyz`; `undefined` for any other request (not a health path). */
export async function healthReply(
  method: string | undefined,
  path: string,
  readiness: Readiness,
): Promise<HttpReply | undefined> {
  if (path !== '/healthz' && path !== '/readyz') return undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    return { status: 405, body: { type: 'about:blank', title: 'Method Not Allowed', status: 405 } };
  }
  if (path === '/healthz') return { status: 200, body: { status: 'ok' } };
  const report = await readiness.check();
  return { status: report.ready ? 200 : 503, body: report };
}

export interface HealthServerOptions {
  /** Interface to listen on. @default '127.0.0.1' (containers set `0.0.0.0`) */
  readonly host?: string;
  /** @default 0 (any free port; see `url`) */
  readonly port?: number;
}

export interface HealthServer {
  /** `http://<host>:<port>` it listens on. */
  readonly url: string;
  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void>;
}

/**
 * A server that answers only `/healthz` and `/readyz` (anything else: 404), for services without an HTTP API.
 * Resolves once listening.
 */
export async function createHealthServer(
  readiness: Readiness,
  options: HealthServerOptions = {},
): Promise<HealthServer> {
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    healthReply(req.method, path, readiness)
      .catch(() => ({ status: 503, body: { ready: false } }) as HttpReply)
      .then((reply) => {
        const answer = reply ?? { status: 404, body: { type: 'about:blank', title: 'Not Found', status: 404 } };
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close() {
      closed ??= new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}
