// A partner client that sends the amount as a string.
import { isMain, main, type Policy } from './kit.js';

export const sloppyPolicy: Policy = {
  name: 'sloppy',
  backoff: 'exponential-jitter',
  honourRetryAfter: true,
  idempotencyKey: 'per-create',
  token: 'cached',
  timeoutMs: 600,
  breaker: true,
  sloppyBody: true,
};

if (isMain(import.meta.url)) await main(sloppyPolicy, process.argv);
