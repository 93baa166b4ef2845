import type { GangwayError } from '../../core/errors.js';
import type { Finding } from '../../core/result.js';
import type { HttpClient } from '../../http/client.js';
import type { HttpRequest, HttpResponse, ResolvedAuth } from '../../http/types.js';
import type { ApiSpec, Operation } from '../../openapi/types.js';
import { Evidence } from '../evidence.js';
import { sendOrRecord } from '../http-failure.js';
import type { CheckContext, TargetEnvironment } from '../kind.js';
import { type Located, leakFinding, maskedExchange, type ScanContext, scanResponse } from './scan.js';

/** An authenticated request the baseline sent and what came back. */
export interface Sent {
  op: Operation;
  request: HttpRequest;
  response: HttpResponse;
}

/** Limits every probe family shares. */
export interface SessionLimits {
  maxOperations: number;
}

/**
 * State shared by the probe families of one security check: the target, the evidence, the baseline of
 * authenticated answers, and one send() that scans every answer for sensitive content.
 */
export class SecuritySession {
  readonly evidence = new Evidence(150);
  /** Authenticated requests of the baseline, in the order sent. */
  readonly baseline: Sent[] = [];
  /** Ids this run created, by collection path. */
  readonly created = new Map<string, (string | number)[]>();
  readonly #secrets: string[];
  readonly #ownHosts: Set<string>;
  #scanning = true;
  sent = 0;

  constructor(
    readonly ctx: CheckContext,
    readonly spec: ApiSpec,
    readonly env: TargetEnvironment,
    readonly signal: AbortSignal,
    readonly limits: SessionLimits,
  ) {
    this.#secrets = credentialValues(env.auth);
    const host = new URL(env.baseUrl).hostname.toLowerCase().replace(/^\[|\]$/g, '');
    this.#ownHosts = new Set([host]);
  }

  get https(): boolean {
    return this.env.baseUrl.toLowerCase().startsWith('https:');
  }

  /** Adds a value the target must never send back (another partner's credential, a forged token). */
  addSecret(value: string): void {
    if (value.length >= 8 && !this.#secrets.includes(value)) this.#secrets.push(value);
  }

  /** Another environment's host is not internal either. */
  addOwnHost(baseUrl: string): void {
    this.#ownHosts.add(new URL(baseUrl).hostname.toLowerCase());
  }

  /** Stops scanning answers for sensitive content (bursts send the same request many times). */
  set scanning(on: boolean) {
    this.#scanning = on;
  }

  /**
   * Sends a request with a client (the environment's by default) and scans the answer. No answer is a
   * warning finding, not an error: one unreachable operation must not hide the other results.
   */
  async send(
    op: Operation,
    request: HttpRequest,
    http: HttpClient = this.ctx.http,
  ): Promise<HttpResponse | undefined> {
    this.sent += 1;
    const token = this.ctx.http.auth.tokenInfo()?.accessToken;
    if (token) this.addSecret(token);
    const res = await sendOrRecord(http, request, this.signal, this.evidence, (error) =>
      noResponse(op, error),
    );
    if (res && this.#scanning) this.#scan(op, res, request);
    return res;
  }

  /** Keeps the evidence of a finding about a response. */
  add(finding: Finding, res?: HttpResponse): void {
    this.evidence.add(finding, res?.exchange);
  }

  #scan(op: Operation, res: HttpResponse, request: HttpRequest): void {
    const body = request.body;
    const scan: ScanContext = {
      secrets: this.#secrets,
      ownHosts: this.#ownHosts,
      issuesTokens: /token|oauth|login|auth|session/i.test(op.path),
      sent: [
        safeDecode(request.url),
        JSON.stringify(request.query ?? {}),
        typeof body === 'string' ? body : body instanceof Uint8Array ? '' : JSON.stringify(body ?? null),
      ].join('\n'),
    };
    const found: Located[] = scanResponse(res, scan);
    if (found.length === 0) return;
    // The evidence keeps the answer with what was found masked: a report must not re-leak it.
    const exchange = maskedExchange(res.exchange, found);
    for (const located of found) this.evidence.add(leakFinding(located, op.id, res), exchange);
  }
}

/** The configured credential values: sent by us, they must never come back. */
export function credentialValues(auth: ResolvedAuth): string[] {
  switch (auth.type) {
    case 'bearer':
      return [auth.token];
    case 'api-key':
      return [auth.value];
    case 'basic':
      return [auth.password];
    case 'oauth2-client-credentials':
      return [auth.clientSecret];
    case 'none':
      return [];
  }
}

function noResponse(op: Operation, error: GangwayError): Finding {
  return {
    code: 'security.no-response',
    severity: 'warning',
    message: `${op.id}: no response (${error.message})`,
    operation: op.id,
    pointer: 'status',
    expected: 'a response',
    actual: error.code,
    hint: 'Check that the environment is up and reachable; this request could not be judged.',
  };
}

function safeDecode(url: string): string {
  try {
    return `${url}\n${decodeURIComponent(url)}`;
  } catch {
    return url;
  }
}
