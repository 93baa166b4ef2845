import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryDelay } from '../../jobs/common.js';
import { DeliveryError } from '../../notify/index.js';
import { retryLater } from './notify-job.js';

test("a retried delivery carries the receiver's Retry-After to the queue's retry delay", () => {
  const policy = { initialMs: 1_000, factor: 2, maxMs: 60_000 };
  const busy = new DeliveryError('notify.status', 'slack webhook (hooks.slack.com) answered 429', {
    retryable: true,
    status: 429,
    retryAfterMs: 120_000,
  });
  const retry = retryLater('notify.retry', busy.message, busy);
  assert.equal(retry.code, 'notify.retry');
  assert.equal(retryDelay(policy, 1, retry), 120_000);
  // No hint: the backoff.
  const down = new DeliveryError('notify.network', 'connection refused', { retryable: true });
  assert.equal(retryDelay(policy, 2, retryLater('notify.retry', down.message, down)), 2_000);
});
