// A partner client that a new Idempotency-Key on every retry of a create.
import { isMain, main, type Policy } from './kit.js';

export const keyPerRetryPolicy: Policy = {
  name: 'key-per-retry',
  backoff: 'exponential-jitter',
  honourRetryAfter: true,
  idempotencyKey: 'per-attempt',
  token: 'cached',
  timeoutMs: 600,
  breaker: true,
};

if (isMain(import.meta.url)) await main(keyPerRetryPolicy, process.argv);
