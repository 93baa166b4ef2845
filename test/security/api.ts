// A small multi-tenant API over HTTP or HTTPS with security defects that can be seeded one at a time.
import { createHmac, randomUUID } from 'node:crypto';
import {
  createServer as createHttp,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';

export const DEFECTS = [
  'auth-off',
  'revoked-accepted',
  'jwt-none',
  'bola',
  'tls10',
  'no-hsts',
  'card-number',
  'stack-trace',
  'cors',
  'no-rate-limit',
] as const;

export type Defect = (typeof DEFECTS)[number];

const SIGNING_KEY = 'security-fixture-signing-key';

/** A JWT signed with the fixture's key (HS256). */
export function signJwt(claims: Record<string, unknown>): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const head = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}`;
  return `${head}.${createHmac('sha256', SIGNING_KEY).update(head).digest('base64url')}`;
}

const HOUR = 3600;
const now = () => Math.floor(Date.now() / 1000);

/** Credentials of the two partners and a revoked one of partner A. */
export const TOKENS = {
  a: signJwt({ sub: 'partner-a', tenant: 'A', jti: 'a-1', iat: now(), exp: now() + HOUR }),
  b: signJwt({ sub: 'partner-b', tenant: 'B', jti: 'b-1', iat: now(), exp: now() + HOUR }),
  revoked: signJwt({ sub: 'partner-a', tenant: 'A', jti: 'a-revoked', iat: now(), exp: now() + HOUR }),
};

const REVOKED = new Set(['a-revoked']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Account {
  id: string;
  tenant: string;
  name: string;
  card: string;
}

export interface FixtureApi {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Starts the API on 127.0.0.1 (port 0) with the given defect, over HTTPS when tls is given. */
export async function startApi(
  defect: Defect | undefined,
  tls?: { key: string; cert: string },
): Promise<FixtureApi> {
  const accounts = new Map<string, Account>();
  for (const tenant of ['A', 'B']) {
    const id = randomUUID();
    accounts.set(id, { id, tenant, name: `seed ${tenant}`, card: '************4242' });
  }
  const buckets = new Map<string, { tokens: number; at: number }>();
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        route(req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        send(res, 500, { message: 'internal error' });
        void error;
      }
    });
  };
  const send = (res: ServerResponse, status: number, body?: unknown, extra: Record<string, string> = {}) => {
    const headers: Record<string, string> = {
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
      'x-frame-options': 'DENY',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      ...extra,
    };
    if (tls && defect !== 'no-hsts')
      headers['strict-transport-security'] = 'max-age=31536000; includeSubDomains';
    const origin = res.req.headers.origin;
    if (defect === 'cors' && origin) {
      headers['access-control-allow-origin'] = origin;
      headers['access-control-allow-credentials'] = 'true';
    }
    if (body === undefined) {
      res.writeHead(status, headers).end();
      return;
    }
    res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const tenantOf = (req: IncomingMessage): string | undefined => {
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const claims = token ? verify(token, defect) : undefined;
    if (claims) return String(claims.tenant);
    return defect === 'auth-off' ? 'A' : undefined;
  };
  const limited = (key: string): boolean => {
    if (defect === 'no-rate-limit') return false;
    // A token bucket per credential on the list: 20 at once, 10 more each second.
    const t = Date.now();
    const b = buckets.get(key) ?? { tokens: 20, at: t };
    b.tokens = Math.min(20, b.tokens + ((t - b.at) / 1000) * 10);
    b.at = t;
    buckets.set(key, b);
    if (b.tokens < 1) return true;
    b.tokens -= 1;
    return false;
  };
  const view = (a: Account) => ({
    id: a.id,
    name: a.name,
    card: defect === 'card-number' ? '4111111111111111' : a.card,
  });
  const route = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'OPTIONS') return send(res, 204);
    const tenant = tenantOf(req);
    if (!tenant) return send(res, 401, { message: 'unauthorized' });
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[0] !== 'accounts' || parts.length > 2) return send(res, 404, { message: 'not found' });
    if (parts.length === 1) {
      if (req.method === 'GET') {
        if (limited(req.headers.authorization ?? 'anonymous')) {
          return send(res, 429, { message: 'slow down' }, { 'retry-after': '1' });
        }
        const limit = url.searchParams.get('limit');
        if (limit !== null && !/^\d+$/.test(limit)) return send(res, 400, { message: 'bad limit' });
        const mine = [...accounts.values()].filter((a) => a.tenant === tenant).map(view);
        return send(res, 200, { data: mine });
      }
      if (req.method === 'POST') {
        let input: unknown;
        try {
          input = JSON.parse(body);
        } catch {
          return send(res, 400, { message: 'invalid JSON' });
        }
        const name = (input as { name?: unknown }).name;
        if (typeof name !== 'string') return send(res, 400, { message: 'name required' });
        const account = { id: randomUUID(), tenant, name, card: '************1881' };
        accounts.set(account.id, account);
        return send(res, 201, view(account));
      }
      return send(res, 405, { message: 'method not allowed' });
    }
    const id = decodeURIComponent(parts[1]!);
    if (!UUID.test(id)) {
      if (defect === 'stack-trace') {
        const error = new TypeError(`invalid account id ${JSON.stringify(id)}`);
        res.writeHead(500, { 'content-type': 'text/plain' }).end(error.stack);
        return;
      }
      return send(res, 400, { message: 'invalid id' });
    }
    const account = accounts.get(id);
    if (!account || (account.tenant !== tenant && defect !== 'bola'))
      return send(res, 404, { message: 'not found' });
    if (req.method === 'GET') return send(res, 200, view(account));
    if (req.method === 'DELETE') {
      accounts.delete(id);
      return send(res, 204);
    }
    return send(res, 405, { message: 'method not allowed' });
  };
  const server = tls
    ? createHttps(
        {
          ...tls,
          ...(defect === 'tls10'
            ? { minVersion: 'TLSv1' as const, ciphers: 'DEFAULT@SECLEVEL=0' }
            : {
                minVersion: 'TLSv1.2' as const,
                ciphers:
                  'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305',
              }),
        },
        handler,
      )
    : createHttp(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The claims of a valid token: signature, expiry and revocation checked unless a defect skips one. */
function verify(token: string, defect: Defect | undefined): Record<string, unknown> | undefined {
  const [h, c, s] = token.split('.');
  if (h === undefined || c === undefined || s === undefined) return undefined;
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
    claims = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const unsignedOk = defect === 'jwt-none' && header.alg === 'none';
  const expected = createHmac('sha256', SIGNING_KEY).update(`${h}.${c}`).digest('base64url');
  if (!unsignedOk && s !== expected) return undefined;
  if (typeof claims.exp !== 'number' || claims.exp < now()) return undefined;
  if (defect !== 'revoked-accepted' && REVOKED.has(String(claims.jti))) return undefined;
  return claims;
}
