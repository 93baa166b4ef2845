import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { json, mediaType, problem, type Reply } from './http-io.js';

export const SCOPES = ['payments:read', 'payments:write'] as const;
export type Scope = (typeof SCOPES)[number];

export interface AuthConfig {
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds: number;
  now: () => number;
  /** Most live tokens kept; the oldest go first. */
  maxTokens?: number;
}

const REALM = 'payments';

function oauthError(status: 400 | 401, error: string, description: string, headers?: Record<string, string>) {
  return json(status, { error, error_description: description }, { 'Cache-Control': 'no-store', ...headers });
}

function sameSecret(a: string, b: string): boolean {
  // Hashing first gives equal lengths, so the comparison time says nothing about the secret.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

function decodeFormComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** Client credentials from HTTP Basic (RFC 6749 §2.3.1: each part form-url-encoded), if present. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined | null {
  if (!header) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return {
    id: decodeFormComponent(decoded.slice(0, colon)),
    secret: decodeFormComponent(decoded.slice(colon + 1)),
  };
}

export type BearerResult = { ok: true; token: string } | { ok: false; reply: Reply };

/** Issues and verifies opaque bearer tokens for one client (OAuth 2.0 client credentials). */
export class TokenIssuer {
  readonly #tokens = new Map<string, { expiresAt: number; scopes: ReadonlySet<string> }>();
  readonly #config: AuthConfig;
  issued = 0;

  constructor(config: AuthConfig) {
    this.#config = config;
  }

  /** Handles POST /oauth/token with the raw form body. */
  issue(req: IncomingMessage, body: string): Reply {
    if (mediaType(req) !== 'application/x-www-form-urlencoded') {
      return oauthError(400, 'invalid_request', 'Send the request as application/x-www-form-urlencoded.');
    }
    const form = new URLSearchParams(body);
    const grant = form.get('grant_type');
    if (!grant) return oauthError(400, 'invalid_request', 'grant_type is missing.');
    if (grant !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported.');
    }
    const basic = basicCredentials(req.headers.authorization);
    const bodySecret = form.get('client_secret');
    if (basic && bodySecret !== null) {
      return oauthError(
        400,
        'invalid_request',
        'Authenticate the client with Basic or the form body, not both.',
      );
    }
    const client = basic ?? { id: form.get('client_id') ?? '', secret: bodySecret ?? '' };
    const challenge = { 'WWW-Authenticate': `Basic realm="${REALM}"` };
    if (
      !sameSecret(client.id, this.#config.clientId) ||
      !sameSecret(client.secret, this.#config.clientSecret)
    ) {
      return oauthError(401, 'invalid_client', 'Client authentication failed.', challenge);
    }
    const requested = form.get('scope');
    const scopes = requested === null ? [...SCOPES] : requested.split(' ').filter((s) => s !== '');
    const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
    if (unknown.length > 0 || scopes.length === 0) {
      return oauthError(400, 'invalid_scope', `Unknown scope; valid scopes are ${SCOPES.join(', ')}.`);
    }
    const token = randomBytes(32).toString('base64url');
    this.#store(token, scopes);
    this.issued += 1;
    return json(
      200,
      {
        access_token: token,
        token_type: 'Bearer',
        expires_in: this.#config.tokenTtlSeconds,
        scope: scopes.join(' '),
      },
      { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
    );
  }

  /** Checks the request's bearer token and its scope (RFC 6750 errors). */
  verify(req: IncomingMessage, scope: Scope, refuseAll: boolean): BearerResult {
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+([\w\-.~+/]+=*)\s*$/i.exec(header) : null;
    if (!match) {
      return {
        ok: false,
        reply: problem(
          401,
          'unauthorized',
          'An access token is required',
          'Send Authorization: Bearer <token>.',
          {
            headers: { 'WWW-Authenticate': `Bearer realm="${REALM}"` },
          },
        ),
      };
    }
    const token = match[1]!;
    const entry = this.#tokens.get(token);
    const expired = entry !== undefined && entry.expiresAt <= this.#config.now();
    if (!entry || expired || refuseAll) {
      const detail = refuseAll
        ? 'The access token could not be verified.'
        : expired
          ? 'The access token expired.'
          : 'The access token is unknown.';
      return {
        ok: false,
        reply: problem(401, 'invalid_token', 'The access token is not valid', detail, {
          headers: {
            'WWW-Authenticate': `Bearer realm="${REALM}", error="invalid_token", error_description="${detail}"`,
          },
        }),
      };
    }
    if (!entry.scopes.has(scope)) {
      return {
        ok: false,
        reply: problem(
          403,
          'insufficient_scope',
          'The access token lacks a scope',
          `This needs scope ${scope}.`,
          {
            headers: {
              'WWW-Authenticate': `Bearer realm="${REALM}", error="insufficient_scope", scope="${scope}"`,
            },
          },
        ),
      };
    }
    return { ok: true, token };
  }

  #store(token: string, scopes: readonly string[]): void {
    const now = this.#config.now();
    // Tokens share one lifetime, so Map order is expiry order: drop expired ones from the front.
    for (const [key, value] of this.#tokens) {
      if (value.expiresAt > now && this.#tokens.size < (this.#config.maxTokens ?? 10_000)) break;
      this.#tokens.delete(key);
    }
    this.#tokens.set(token, {
      expiresAt: now + this.#config.tokenTtlSeconds * 1000,
      scopes: new Set(scopes),
    });
  }
}
