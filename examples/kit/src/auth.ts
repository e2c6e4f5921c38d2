/**
 * Bearer tokens for the example APIs: HS256 JWTs with a `scope` claim (space-separated, as OAuth 2.0 writes it).
 * A real agency verifies its identity provider's tokens; the examples sign their own so the demo needs nothing else.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** Signs a token for `subject` with `scopes`, valid for `ttlSeconds`. */
export function issueToken(secret: string, subject: string, scopes: readonly string[], ttlSeconds = 3600): string {
  const header = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const exp = Math.floor(Date.now() / 1000) + ttlSeconds;
  const payload = b64(JSON.stringify({ sub: subject, scope: scopes.join(' '), exp }));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

export interface Principal {
  readonly subject: string;
  readonly scopes: ReadonlySet<string>;
}

/** The token's principal, or why it is refused (bad signature, expired, malformed). Never throws. */
export function verifyToken(secret: string, token: string): { principal: Principal } | { problem: string } {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) return { problem: 'malformed token' };
  const expected = Buffer.from(createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url'));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { problem: 'bad signature' };
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      sub?: unknown;
      scope?: unknown;
      exp?: unknown;
    };
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return { problem: 'token expired' };
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
    return { principal: { subject: String(claims.sub ?? ''), scopes: new Set(scopes) } };
  } catch {
    return { problem: 'malformed token' };
  }
}
