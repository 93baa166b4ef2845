import { TargetError } from '../core/errors.js';
import { HttpError } from './errors.js';
import type { Redactor } from './redact.js';
import type { HttpRequest, HttpResponse, ResolvedAuth } from './types.js';

/** An access token as the token endpoint granted it. */
export interface TokenInfo {
  accessToken: string;
  tokenType: string;
  obtainedAt: Date;
  expiresAt: Date;
  /** True when the endpoint sent no expires_in and the default lifetime (3600 s) was assumed. */
  expiryAssumed: boolean;
  scope?: string;
}

/** Sends a request without applying auth. */
export type TokenRequester = (req: HttpRequest, signal?: AbortSignal) => Promise<HttpResponse>;

type OAuth2Config = Extract<ResolvedAuth, { type: 'oauth2-client-credentials' }>;

const DEFAULT_LIFETIME_S = 3600;
/** Refresh this long before expiry (capped at a tenth of the lifetime, so short-lived tokens are still used). */
const REFRESH_EARLY_MS = 30_000;

/** Form encoding as RFC 6749 asks for client credentials in Basic auth (appendix B). */
function formEncode(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, '+');
}

/**
 * OAuth2 client-credentials grant: fetches a token, caches it until shortly before it expires, and shares one
 * fetch between concurrent requests.
 */
export class OAuth2ClientCredentials {
  readonly type = 'oauth2-client-credentials' as const;
  readonly headerNames = ['authorization'] as const;
  readonly #config: OAuth2Config;
  readonly #tokenUrl: string;
  readonly #send: TokenRequester;
  readonly #redactor: Redactor;
  readonly #now: () => number;
  #token: TokenInfo | undefined;
  #header = '';
  #refreshAt = 0;
  #inflight: Promise<TokenInfo> | undefined;

  constructor(
    config: OAuth2Config,
    deps: { redactor: Redactor; baseUrl: string | undefined; send: TokenRequester; now?: () => number },
  ) {
    this.#config = config;
    this.#send = deps.send;
    this.#redactor = deps.redactor;
    this.#now = deps.now ?? Date.now;
    deps.redactor.addSecret(config.clientSecret);
    // RFC 3986 resolution: "/oauth/token" is taken from the base URL's origin, "oauth/token" from its path.
    this.#tokenUrl = deps.baseUrl ? new URL(config.tokenUrl, deps.baseUrl).href : config.tokenUrl;
  }

  /** Sets the Authorization header, fetching a token first when none is valid. */
  apply(target: { headers: Record<string, string> }): void | Promise<void> {
    if (this.#token !== undefined && this.#now() < this.#refreshAt) {
      target.headers.authorization = this.#header;
      return;
    }
    return this.getToken().then(() => {
      target.headers.authorization = this.#header;
    });
  }

  /** The cached token, if any (possibly expired). */
  tokenInfo(): TokenInfo | undefined {
    return this.#token;
  }

  /** A valid token: the cached one, or a new one when missing, expiring, or `force` is set. */
  getToken(options: { force?: boolean } = {}): Promise<TokenInfo> {
    if (!options.force && this.#token !== undefined && this.#now() < this.#refreshAt) {
      return Promise.resolve(this.#token);
    }
    if (this.#inflight === undefined) {
      // Not tied to any one caller's signal: the fetch is shared; it is bounded by the client's own timeouts.
      this.#inflight = this.#fetch().finally(() => {
        this.#inflight = undefined;
      });
    }
    return this.#inflight;
  }

  async #fetch(): Promise<TokenInfo> {
    const c = this.#config;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (c.scope) form.set('scope', c.scope);
    if (c.audience) form.set('audience', c.audience);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (c.clientAuth === 'basic') {
      const basic = Buffer.from(`${formEncode(c.clientId)}:${formEncode(c.clientSecret)}`).toString('base64');
      this.#redactor.addSecret(basic);
      headers.authorization = `Basic ${basic}`;
    } else {
      form.set('client_id', c.clientId);
      form.set('client_secret', c.clientSecret);
    }
    const url = this.#redactor.url(this.#tokenUrl);
    let res: HttpResponse;
    try {
      res = await this.#send({
        method: 'POST',
        url: this.#tokenUrl,
        headers,
        body: form.toString(),
        auth: false,
        operation: 'oauth2 token',
      });
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      throw new HttpError(
        'auth.token-request-failed',
        `OAuth2 token request to ${url} failed: ${err.message}`,
        err.exchange,
        {
          cause: err,
        },
      );
    }
    const body = parseJson(res);
    if (res.status < 200 || res.status >= 300) {
      throw new HttpError(
        'auth.token-request-failed',
        `OAuth2 token endpoint ${url} answered HTTP ${res.status}${this.#describeError(body)}`,
        res.exchange,
      );
    }
    const accessToken = body?.access_token;
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw new HttpError(
        'auth.token-invalid-response',
        `OAuth2 token endpoint ${url} answered HTTP ${res.status} without an access_token in a JSON body`,
        res.exchange,
      );
    }
    this.#redactor.addSecret(accessToken);
    return this.#store(accessToken, body);
  }

  #store(accessToken: string, body: Record<string, unknown> | undefined): TokenInfo {
    const now = this.#now();
    const raw = body?.expires_in;
    const seconds = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
    const expiryAssumed = !(Number.isFinite(seconds) && seconds > 0);
    const lifetimeMs = (expiryAssumed ? DEFAULT_LIFETIME_S : seconds) * 1000;
    const tokenType = typeof body?.token_type === 'string' && body.token_type ? body.token_type : 'Bearer';
    const token: TokenInfo = {
      accessToken,
      // "bearer" from the endpoint is the same scheme; send the canonical spelling.
      tokenType: tokenType.toLowerCase() === 'bearer' ? 'Bearer' : tokenType,
      obtainedAt: new Date(now),
      expiresAt: new Date(now + lifetimeMs),
      expiryAssumed,
    };
    if (typeof body?.scope === 'string') token.scope = body.scope;
    this.#token = token;
    this.#header = `${token.tokenType} ${accessToken}`;
    this.#refreshAt = now + lifetimeMs - Math.min(REFRESH_EARLY_MS, lifetimeMs / 10);
    return token;
  }

  /** ": invalid_client (bad secret)" from an RFC 6749 error body, redacted and kept short. */
  #describeError(body: Record<string, unknown> | undefined): string {
    const code = typeof body?.error === 'string' ? body.error : undefined;
    const description = typeof body?.error_description === 'string' ? body.error_description : undefined;
    if (!code && !description) return ' (no OAuth2 error in the body)';
    const text = [code, description ? `(${description.slice(0, 300)})` : undefined].filter(Boolean).join(' ');
    return `: ${this.#redactor.text(text)}`;
  }
}

function parseJson(res: HttpResponse): Record<string, unknown> | undefined {
  try {
    const value = res.json();
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch (err) {
    if (err instanceof TargetError) return undefined;
    throw err;
  }
}
