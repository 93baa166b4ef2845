// A partner client that keeps calling a failing API at full rate.
import { isMain, main, type Policy } from './kit.js';

export const noBreakerPolicy: Policy = {
  name: 'no-breaker',
  backoff: 'exponential-jitter',
  honourRetryAfter: true,
  idempotencyKey: 'per-create',
  token: 'cached',
  timeoutMs: 600,
  breaker: false,
};

if (isMain(import.meta.url)) await main(noBreakerPolicy, process.argv);
