// A partner client that waits for ever for an answer.
import { isMain, main, type Policy } from './kit.js';

export const noTimeoutPolicy: Policy = {
  name: 'no-timeout',
  backoff: 'exponential-jitter',
  honourRetryAfter: true,
  idempotencyKey: 'per-create',
  token: 'cached',
  breaker: true,
};

if (isMain(import.meta.url)) await main(noTimeoutPolicy, process.argv);
