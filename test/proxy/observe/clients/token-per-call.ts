// A partner client that fetches a token before every call.
import { isMain, main, type Policy } from './kit.js';

export const tokenPerCallPolicy: Policy = {
  name: 'token-per-call',
  backoff: 'exponential-jitter',
  honourRetryAfter: true,
  idempotencyKey: 'per-create',
  token: 'per-call',
  timeoutMs: 600,
  breaker: true,
};

if (isMain(import.meta.url)) await main(tokenPerCallPolicy, process.argv);
