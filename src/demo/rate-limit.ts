/** Token-bucket rate limiting per key (an access token): `requests` per `perSeconds`, bursts up to `requests`. */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #now: () => number;
  readonly #maxKeys: number;

  constructor(requests: number, perSeconds: number, now: () => number = Date.now, maxKeys = 10_000) {
    this.#capacity = requests;
    this.#perMs = requests / (perSeconds * 1000);
    this.#now = now;
    this.#maxKeys = maxKeys;
  }

  /** Takes one request from the key's bucket; when empty, says how many whole seconds to wait. */
  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.#now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.#capacity, at: now };
    bucket.tokens = Math.min(this.#capacity, bucket.tokens + (now - bucket.at) * this.#perMs);
    bucket.at = now;
    this.#remember(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    const waitMs = (1 - bucket.tokens) / this.#perMs;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  #remember(key: string, bucket: { tokens: number; at: number }): void {
    // Re-insert so Map order is least-recently-used first; the oldest key goes when over the bound.
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > this.#maxKeys) {
      const oldest = this.#buckets.keys().next();
      if (!oldest.done) this.#buckets.delete(oldest.value);
    }
  }
}
