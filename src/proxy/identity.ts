import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiSpec } from '../openapi/types.js';

// Who sent a request, and with which credential, without ever keeping the credential itself.

const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'api-key', 'x-auth-token', 'x-access-token'];
const CREDENTIAL_PARAMS = ['api_key', 'apikey', 'access_token', 'key', 'token'];

/** sha256 hex of a value, first 16 characters: stable, short, not reversible. */
export function fingerprint(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function cookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(/;\s*/)) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq) === name) return pair.slice(eq + 1);
  }
  return undefined;
}

/** The credential a request carries: Authorization, a known api-key header, or the spec's apiKey schemes. */
export function credentialOf(
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
  spec?: ApiSpec,
): string | undefined {
  for (const name of CREDENTIAL_HEADERS) {
    const v = first(headers[name]);
    if (v) return v;
  }
  for (const scheme of Object.values(spec?.securitySchemes ?? {})) {
    if (scheme.type !== 'apiKey' || !scheme.paramName) continue;
    const name = scheme.paramName;
    const v =
      scheme.in === 'header'
        ? first(headers[name.toLowerCase()])
        : scheme.in === 'query'
          ? (query.get(name) ?? undefined)
          : cookie(first(headers.cookie), name);
    if (v) return v;
  }
  for (const name of CREDENTIAL_PARAMS) {
    const v = query.get(name);
    if (v) return v;
  }
  return undefined;
}

/**
 * The client a request belongs to: the client header's value; else, for a static credential (an API key,
 * basic auth), its fingerprint; else the peer address. Bearer tokens change (a client fetching a token per
 * call would look like many clients, and token reuse could not be judged), so they name no client.
 */
export function clientOf(
  headers: IncomingHttpHeaders,
  clientHeader: string | undefined,
  credentialFingerprint: string | undefined,
  peer: string | undefined,
): string {
  const named = clientHeader ? first(headers[clientHeader.toLowerCase()]) : undefined;
  if (named) return named;
  const bearer = /^bearer\s/i.test(first(headers.authorization) ?? '');
  if (credentialFingerprint && !bearer) return `credential:${credentialFingerprint}`;
  return `peer:${peer ?? 'unknown'}`;
}
