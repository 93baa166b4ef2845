// A well-behaved partner client: exponential backoff with jitter, Retry-After honoured, one Idempotency-Key per create, a cached token, timeouts and a circuit breaker.
import { isMain, main, type Policy } from './kit.js';

export const goodPolicy: Policy = {
  name: 'good',
  backoff: 'exponential-jitter',
  honourRetryAfter: true,
  idempotencyKey: 'per-create',
  token: 'cached',
  timeoutMs: 600,
  breaker: true,
};

if (isMain(import.meta.url)) await main(goodPolicy, process.argv);
