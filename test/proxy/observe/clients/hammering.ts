// A partner client that retries at once, ignoring Retry-After.
import { isMain, main, type Policy } from './kit.js';

export const hammeringPolicy: Policy = {
  name: 'hammering',
  backoff: 'none',
  honourRetryAfter: false,
  idempotencyKey: 'per-create',
  token: 'cached',
  timeoutMs: 600,
  breaker: true,
};

if (isMain(import.meta.url)) await main(hammeringPolicy, process.argv);
