import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { CancelledError, InputError, TargetError } from '../core/errors.js';
import type { Timings } from '../core/result.js';
import { vetLiterals } from './address-guard.js';
import { type AuthProvider, createAuth } from './auth.js';
import { Deadline } from './deadline.js';
import { ACCEPT_ENCODING, decodeBody } from './decode.js';
import { classifyNetworkError, HttpError, LimitError } from './errors.js';
import { buildExchange, type ExchangeParts } from './exchange.js';
import type { Redactor } from './redact.js';
import { ClientResponse } from './response.js';
import {
  type RequestPhases,
  releaseTimingChannel,
  retainTimingChannel,
  timedConnector,
  track,
  untrack,
} from './timings.js';
import { childSpan, newTrace, parseTraceparent } from './trace.js';
import { HopError, type HopResult, sendHop } from './transport.js';
import type { HttpLimits, HttpRequest, HttpResponse, ResolvedAuth, ResolvedTls } from './types.js';
import { Agent, type buildConnector } from './undici.js';
import { appendQuery, type Base, joinUrl, parseBase, splitUrl } from './url.js';

/** Limits used where the caller sets none. */
export const DEFAULT_LIMITS: Readonly<HttpLimits> = {
  connectTimeoutMs: 5_000,
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
  totalTimeoutMs: 30_000,
  maxBodyBytes: 10 * 1024 * 1024,
  maxDecompressedBytes: 50 * 1024 * 1024,
  maxRedirects: 5,
  evidenceBodyBytes: 64 * 1024,
};

export interface HttpClientOptions {
  baseUrl?: string;
  auth?: ResolvedAuth;
  tls?: ResolvedTls;
  /** Sent with every request (the request's own headers win). */
  headers?: Record<string, string>;
  limits?: Partial<HttpLimits>;
  redactor: Redactor;
  /** Full user-agent; default "gangway/<version>". */
  userAgent?: string;
  /** Gangway's version for the default user-agent (default "0.0.0"). */
  version?: string;
  /** Most sockets per origin (default unlimited). */
  connections?: number;
  /** Clock for token expiry (epoch ms); tests inject one. */
  now?: () => number;
  /** Use this client's auth (its token cache, its token endpoint) instead of building one: see derive(). */
  sharedAuth?: AuthProvider;
  /**
   * DNS lookup for every connection, redirects included: the service passes an address guard's
   * (src/http/address-guard.ts) so runs reach only the hosts they may. IP literals are vetted by it too.
   */
  lookup?: LookupFunction;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * HTTP client for checks: keep-alive connections, per-phase timings, W3C trace headers, limits on time, size and
 * redirects, and redacted evidence (exchange, curl) on every response and error.
 */
export class HttpClient {
  /** The auth in use: exposes the OAuth2 token (tokenInfo/getToken) to credential checks. */
  readonly auth: AuthProvider;
  readonly limits: Readonly<HttpLimits>;
  readonly #base: Base | undefined;
  readonly #agent: Agent;
  readonly #redactor: Redactor;
  readonly #headers: Record<string, string>;
  readonly #userAgent: string;
  readonly #options: HttpClientOptions;
  /** Origins ("http://127.0.0.1:4321") of proxies Gangway runs itself, reached without the lookup. */
  readonly #exempt = new Map<string, number>();
  #closed = false;

  constructor(options: HttpClientOptions) {
    this.#options = options;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.#redactor = options.redactor;
    this.#base = options.baseUrl ? parseBase(options.baseUrl) : undefined;
    this.#userAgent = options.userAgent ?? `gangway/${options.version ?? '0.0.0'}`;
    this.#headers = lowerKeys(options.headers);
    const tls = options.tls ?? {};
    const connect: Record<string, unknown> = { timeout: this.limits.connectTimeoutMs };
    if (tls.ca !== undefined) connect.ca = tls.ca;
    if (tls.cert !== undefined) connect.cert = tls.cert;
    if (tls.key !== undefined) connect.key = tls.key;
    if (tls.passphrase !== undefined) {
      connect.passphrase = tls.passphrase;
      this.#redactor.addSecret(tls.passphrase);
    }
    if (tls.insecure) connect.rejectUnauthorized = false;
    this.#agent = new Agent({
      connect: this.#connector(connect, options.lookup),
      headersTimeout: this.limits.headersTimeoutMs,
      bodyTimeout: this.limits.bodyTimeoutMs,
      connections: options.connections ?? null,
    });
    retainTimingChannel();
    const deps = {
      redactor: this.#redactor,
      baseUrl: options.baseUrl,
      send: (req: HttpRequest, signal?: AbortSignal) => this.request({ ...req, auth: false }, signal),
    };
    this.auth =
      options.sharedAuth ??
      createAuth(options.auth ?? { type: 'none' }, options.now ? { ...deps, now: options.now } : deps);
  }

  /** The lookup every connection uses (an address guard's in the service), for checks that open raw sockets. */
  get lookup(): LookupFunction | undefined {
    return this.#options.lookup;
  }

  /**
   * Lets this client reach `origin`, a proxy Gangway itself listens on (a fault proxy on 127.0.0.1),
   * without the lookup's guard; every other origin, redirects included, stays guarded. Returns the undo.
   */
  exemptOrigin(origin: string): () => void {
    const key = originKey(origin);
    this.#exempt.set(key, (this.#exempt.get(key) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = (this.#exempt.get(key) ?? 1) - 1;
      if (left > 0) this.#exempt.set(key, left);
      else this.#exempt.delete(key);
    };
  }

  /** Headers sent with every request (the environment's extra headers), for tools that send on their own. */
  get defaultHeaders(): Readonly<Record<string, string>> {
    return this.#headers;
  }

  /**
   * A client for another base URL (a fault proxy in front of the target, say) with everything else of
   * this one: headers, TLS, redaction, and the same auth (tokens are still fetched from the original
   * token endpoint and shared). The caller closes it.
   */
  derive(overrides: { baseUrl: string; limits?: Partial<HttpLimits> }): HttpClient {
    return new HttpClient({
      ...this.#options,
      baseUrl: overrides.baseUrl,
      limits: { ...this.#options.limits, ...overrides.limits },
      sharedAuth: this.auth,
    });
  }

  /** Sends a request; resolves with any HTTP status, rejects with HttpError when no usable response arrived. */
  async request(req: HttpRequest, signal?: AbortSignal): Promise<HttpResponse> {
    if (signal?.aborted) throw new CancelledError();
    if (this.#closed) throw new TargetError('http.closed', 'the HTTP client is closed');
    const limits = this.limits;
    const startedAt = Date.now();
    const t0 = performance.now();
    const method = req.method.toUpperCase();
    const own = lowerKeys(req.headers);

    // traceparent goes first: the timing channel recognises undici's copy of the request by it.
    const supplied = own.traceparent ?? this.#headers.traceparent;
    let trace = newTrace();
    if (supplied !== undefined) {
      const parsed = parseTraceparent(supplied);
      if (parsed) trace = { ...parsed, traceparent: supplied };
    }
    let headers: Record<string, string> = {
      traceparent: supplied ?? trace.traceparent,
      'x-correlation-id': trace.traceId,
      'user-agent': this.#userAgent,
      'accept-encoding': ACCEPT_ENCODING,
      ...this.#headers,
      ...own,
    };
    let body: string | Uint8Array | undefined;
    if (typeof req.body === 'string' || req.body instanceof Uint8Array) body = req.body;
    else if (req.body instanceof ArrayBuffer) body = new Uint8Array(req.body);
    else if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      if (headers['content-type'] === undefined) headers['content-type'] = 'application/json';
    }

    const target = { headers, url: appendQuery(joinUrl(this.#base, req.url), req.query) };
    if (req.auth !== false) {
      const pending = this.auth.apply(target, signal);
      if (pending !== undefined) await pending;
    }
    let url = target.url;

    // One object serves as timer argument and abort listener: no closures per request on the hot path.
    const deadline = new Deadline(req.timeoutMs ?? limits.totalTimeoutMs, signal);
    const parts: ExchangeParts = {
      id: trace.spanId,
      operation: req.operation,
      startedAt,
      traceId: trace.traceId,
      method,
      url,
      requestHeaders: headers,
      requestBody: body,
      timings: { total: 0 },
    };
    try {
      let redirects = 0;
      let result: HopResult;
      let phases: RequestPhases;
      for (;;) {
        const { origin, path } = this.#split(url);
        phases = {};
        const hopStart = performance.now();
        const key = headers.traceparent!;
        track(key, phases);
        try {
          result = await sendHop(
            this.#agent,
            {
              origin,
              path,
              method,
              headers,
              body,
              headersTimeout: limits.headersTimeoutMs,
              bodyTimeout: limits.bodyTimeoutMs,
              maxBodyBytes: limits.maxBodyBytes,
            },
            deadline,
          );
        } catch (err) {
          parts.timings = timingsOf(phases, t0, hopStart, undefined);
          throw this.#hopFailure(err, parts, origin);
        } finally {
          untrack(key, phases);
        }
        parts.timings = timingsOf(phases, t0, hopStart, result.headersAt);
        const location = result.headers.location;
        if (!REDIRECTS.has(result.status) || location === undefined || limits.maxRedirects === 0) break;
        if (method !== 'GET' && method !== 'HEAD') break;
        parts.response = { status: result.status, headers: result.headers };
        if (redirects >= limits.maxRedirects) {
          throw this.#error(
            'http.too-many-redirects',
            `more than ${limits.maxRedirects} redirects (last from ${this.#redactor.url(url)})`,
            parts,
          );
        }
        redirects++;
        const next = new URL(location, url).href;
        headers = { ...headers, traceparent: childSpan(trace.traceId).traceparent };
        body = undefined;
        if (splitUrl(next).origin !== origin) {
          // Credentials are for the origin they were configured for, not wherever it redirects.
          for (const name of ['authorization', 'proxy-authorization', 'cookie', ...this.auth.headerNames]) {
            delete headers[name];
          }
        }
        url = next;
        parts.url = url;
        parts.requestHeaders = headers;
        parts.requestBody = undefined;
        parts.id = parseTraceparent(headers.traceparent!)?.spanId ?? parts.id;
      }

      parts.response = { status: result.status, headers: result.headers };
      const encoding = result.headers['content-encoding'];
      let decoded = result.body;
      if (encoding !== undefined) {
        try {
          decoded = await decodeBody(result.body, encoding, limits.maxDecompressedBytes);
        } catch (err) {
          if (err instanceof LimitError) throw this.#error(err.code, err.message, parts);
          throw err;
        }
      }
      if (deadline.reason) throw this.#hopFailure(new HopError(deadline.reason, undefined), parts, url);
      parts.response.body = decoded;
      parts.timings.total = performance.now() - t0;
      return new ClientResponse(parts, decoded, this.#redactor, limits.evidenceBodyBytes);
    } finally {
      deadline.dispose();
    }
  }

  /** Closes every connection; later requests fail. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    releaseTimingChannel();
    await this.#agent.close();
  }

  /** undici's connector: timed, and with a lookup also guarded (IP literals vetted first: node skips lookup for them). */
  #connector(connect: Record<string, unknown>, lookup: LookupFunction | undefined): buildConnector.connector {
    const plain = timedConnector(connect);
    if (lookup === undefined) return plain;
    const guarded = vetLiterals(timedConnector({ ...connect, lookup }), lookup);
    return (opts, callback) => {
      const port = opts.port || (opts.protocol === 'https:' ? '443' : '80');
      if (this.#exempt.size > 0 && this.#exempt.has(`${opts.protocol}//${opts.hostname}:${port}`)) {
        plain(opts, callback);
      } else {
        guarded(opts, callback);
      }
    };
  }

  #split(url: string): { origin: string; path: string } {
    // Fast path for the common case, a path under the base URL: no URL parsing per request.
    const base = this.#base;
    if (base !== undefined && url.startsWith(base.origin) && url.charCodeAt(base.origin.length) === 47) {
      const hash = url.indexOf('#');
      return { origin: base.origin, path: url.slice(base.origin.length, hash < 0 ? undefined : hash) };
    }
    return splitUrl(url);
  }

  #hopFailure(err: unknown, parts: ExchangeParts, where: string): Error {
    const hop = err instanceof HopError ? err : new HopError(err, undefined);
    if (hop.reason instanceof CancelledError) return hop.reason;
    // A coded error came from the network stack; anything else is a bug here and must surface as one.
    if (isBug(hop.reason)) return hop.reason as Error;
    if (hop.response) parts.response = hop.response;
    const code = (hop.reason as { code?: unknown } | null)?.code;
    const l = this.limits;
    const { code: ourCode, message } = classifyNetworkError(hop.reason, this.#redactor.url(where), {
      connect: l.connectTimeoutMs,
      headers: l.headersTimeoutMs,
      body: l.bodyTimeoutMs,
    });
    if (code === 'UND_ERR_INVALID_ARG' || code === 'ERR_INVALID_ARG_TYPE') {
      return new InputError('http.invalid-request', `invalid request: ${this.#redactor.text(message)}`, [], {
        cause: hop.reason,
      });
    }
    return this.#error(ourCode, message, parts, hop.reason);
  }

  #error(code: string, message: string, parts: ExchangeParts, cause?: unknown): HttpError {
    const safe = this.#redactor.text(message);
    parts.error = { code, message: safe };
    const exchange = buildExchange(parts, this.#redactor, this.limits.evidenceBodyBytes);
    return new HttpError(code, safe, exchange, cause === undefined ? undefined : { cause });
  }
}

/** "protocol//hostname:port" as undici's connector sees it (IPv6 without brackets, default ports filled in). */
function originKey(origin: string): string {
  const u = new URL(origin);
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  return `${u.protocol}//${u.hostname.replace(/^\[|\]$/g, '')}:${port}`;
}

function isBug(err: unknown): boolean {
  return (
    (err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError) &&
    typeof (err as { code?: unknown }).code !== 'string'
  );
}

function lowerKeys(h: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (h === undefined) return out;
  for (const key in h) out[key.toLowerCase()] = h[key]!;
  return out;
}

/** Phases of the last hop; total so far (the caller sets the final total). */
function timingsOf(
  phases: RequestPhases,
  t0: number,
  hopStart: number,
  headersAt: number | undefined,
): Timings {
  const now = performance.now();
  const t: Timings = { total: now - t0 };
  if (phases.dns !== undefined) t.dns = phases.dns;
  if (phases.connect !== undefined) t.connect = phases.connect;
  if (phases.tls !== undefined) t.tls = phases.tls;
  if (headersAt !== undefined) t.firstByte = headersAt - (phases.sentAt ?? hopStart);
  return t;
}
