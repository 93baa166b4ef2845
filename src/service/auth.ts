import type { FastifyRequest } from 'fastify';
import type { Store, TokenRecord } from '../store/index.js';
import { ApiError } from './errors.js';
import type { Principal } from './types.js';

/** Who a token is in the audit trail: its name and id (never the token). */
export function actorOf(record: Pick<TokenRecord, 'id' | 'name'>): string {
  return `${record.name} [${record.id}]`;
}

/**
 * Counts failed authentications per client address in a sliding minute. Once an address reaches the
 * limit, its requests are refused with 429 before the token is even looked at, so guessing tokens
 * costs a minute per `limit` tries. Per process: several API servers each keep their own count.
 */
export class AuthFailureLimiter {
  readonly #failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly now: () => number = Date.now,
    private readonly windowMs = 60_000,
  ) {}

  /** Seconds until the address may try again, or 0 when it may try now. */
  retryAfter(address: string): number {
    const times = this.#recent(address);
    if (times.length < this.limit) return 0;
    const oldest = times[0] ?? this.now();
    return Math.max(1, Math.ceil((oldest + this.windowMs - this.now()) / 1000));
  }

  fail(address: string): void {
    const times = this.#recent(address);
    times.push(this.now());
    this.#failures.set(address, times);
    if (this.#failures.size > 10_000) this.#sweep();
  }

  #recent(address: string): number[] {
    const since = this.now() - this.windowMs;
    const times = (this.#failures.get(address) ?? []).filter((t) => t > since);
    if (times.length === 0) this.#failures.delete(address);
    return times;
  }

  #sweep(): void {
    for (const address of [...this.#failures.keys()]) this.#recent(address);
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Authenticates the request's bearer token; 401 without a valid one, 429 after too many failures. */
export async function authenticate(
  request: FastifyRequest,
  store: Store,
  limiter: AuthFailureLimiter,
): Promise<Principal> {
  const address = request.ip;
  const wait = limiter.retryAfter(address);
  if (wait > 0) {
    throw new ApiError(429, 'auth.rate-limited', `too many failed authentications; retry in ${wait} s`, {
      retryAfter: wait,
    });
  }
  const header = request.headers.authorization;
  const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
  const record = token ? await store.tokens.authenticate(token) : undefined;
  if (!record) {
    limiter.fail(address);
    throw new ApiError(
      401,
      'auth.unauthenticated',
      header ? 'the token is unknown or revoked' : 'send an API token: Authorization: Bearer gw_…',
    );
  }
  return {
    tokenId: record.id,
    name: record.name,
    role: record.role,
    partnerId: record.partnerId,
    actor: actorOf(record),
  };
}
