import { OAuth2ClientCredentials, type TokenInfo, type TokenRequester } from './oauth2.js';
import type { Redactor } from './redact.js';
import type { ResolvedAuth } from './types.js';

export type { TokenInfo } from './oauth2.js';

/** The parts of an outgoing request that auth may change. Header names are lower-case. */
export interface AuthTarget {
  headers: Record<string, string>;
  url: string;
}

/** Applies one environment's credentials to requests. */
export interface AuthProvider {
  readonly type: ResolvedAuth['type'];
  /** Header names this auth sets (lower-case): dropped on a cross-origin redirect. */
  readonly headerNames: readonly string[];
  /** Adds credentials; returns a promise only when it has to fetch something (an OAuth2 token). */
  apply(target: AuthTarget, signal: AbortSignal | undefined): void | Promise<void>;
  /** The cached token, for auth kinds that have one (OAuth2); undefined otherwise or before the first fetch. */
  tokenInfo(): TokenInfo | undefined;
  /** The current token, fetched if missing or expiring (or always with force); undefined for static auth. */
  getToken(options?: { force?: boolean; signal?: AbortSignal }): Promise<TokenInfo | undefined>;
}

/** What an auth provider needs from the client. */
export interface AuthDeps {
  redactor: Redactor;
  baseUrl: string | undefined;
  /** Sends a request without auth (for the token endpoint). */
  send: TokenRequester;
  now?: () => number;
}

/** Builds the provider for a resolved auth block and registers its secrets with the redactor. */
export function createAuth(auth: ResolvedAuth, deps: AuthDeps): AuthProvider {
  const { redactor } = deps;
  switch (auth.type) {
    case 'none':
      return staticAuth('none', [], () => {});
    case 'bearer': {
      redactor.addSecret(auth.token);
      const value = `Bearer ${auth.token}`;
      return staticAuth('bearer', ['authorization'], (t) => {
        t.headers.authorization = value;
      });
    }
    case 'basic': {
      const encoded = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
      redactor.addSecret(auth.password);
      redactor.addSecret(encoded);
      const value = `Basic ${encoded}`;
      return staticAuth('basic', ['authorization'], (t) => {
        t.headers.authorization = value;
      });
    }
    case 'api-key': {
      redactor.addSecret(auth.value);
      return apiKeyAuth(auth);
    }
    case 'oauth2-client-credentials':
      return new OAuth2ClientCredentials(auth, deps);
  }
}

function staticAuth(
  type: ResolvedAuth['type'],
  headerNames: string[],
  apply: (t: AuthTarget) => void,
): AuthProvider {
  return {
    type,
    headerNames,
    apply,
    tokenInfo: () => undefined,
    getToken: async () => undefined,
  };
}

function apiKeyAuth(auth: Extract<ResolvedAuth, { type: 'api-key' }>): AuthProvider {
  const name = auth.name.toLowerCase();
  switch (auth.in) {
    case 'header':
      return staticAuth('api-key', [name], (t) => {
        t.headers[name] = auth.value;
      });
    case 'query': {
      const pair = `${encodeURIComponent(auth.name)}=${encodeURIComponent(auth.value)}`;
      return staticAuth('api-key', [], (t) => {
        const hash = t.url.indexOf('#');
        const url = hash < 0 ? t.url : t.url.slice(0, hash);
        t.url = url + (url.includes('?') ? '&' : '?') + pair;
      });
    }
    case 'cookie': {
      const pair = `${auth.name}=${auth.value}`;
      return staticAuth('api-key', ['cookie'], (t) => {
        const existing = t.headers.cookie;
        t.headers.cookie = existing ? `${existing}; ${pair}` : pair;
      });
    }
  }
}
