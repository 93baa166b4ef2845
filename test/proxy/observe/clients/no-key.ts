// A partner client that retries creates without an Idempotency-Key.
import { isMain, main, type Policy } from './kit.js';

export const noKeyPolicy: Policy = {
  name: 'no-key',
  backoff: 'exponential-jitter',
  honourRetryAfter: true,
  idempotencyKey: 'none',
  token: 'cached',
  timeoutMs: 600,
  breaker: true,
};

if (isMain(import.meta.url)) await main(noKeyPolicy, process.argv);
