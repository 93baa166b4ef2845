import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RateLimiter } from './rate-limit.js';
import { decodeCursor, PaymentStore } from './store.js';

describe('PaymentStore', () => {
  test('cursors are opaque and round-trip; foreign ones are refused', () => {
    const store = new PaymentStore(10, () => 0);
    for (let i = 0; i < 3; i++) store.create({ amount: 100 + i, currency: 'EUR' });
    const page = store.list({ limit: 2 });
    assert.deepEqual(
      page.items.map((p) => p.amount),
      [102, 101],
    );
    assert.ok(page.nextCursor && !page.nextCursor.includes('seq'));
    const before = decodeCursor(page.nextCursor);
    const rest = store.list({ limit: 2, ...(before !== undefined ? { before } : {}) });
    assert.deepEqual(
      rest.items.map((p) => p.amount),
      [100],
    );
    assert.equal(rest.nextCursor, null);
    for (const bad of ['', 'c1.', 'c1.!!!', 'abc', `c1.${Buffer.from('seq:-1').toString('base64url')}`]) {
      assert.equal(decodeCursor(bad), undefined, bad);
    }
  });

  test('refund rows: partial, exact rest, over, and not refundable', () => {
    const store = new PaymentStore(10, () => 0);
    const payment = store.create({ amount: 1000, currency: 'USD' });
    const rows: [number | undefined, string, string][] = [
      [300, 'ok', 'partially_refunded'],
      [800, 'exceeds-remaining', 'partially_refunded'],
      [undefined, 'ok', 'refunded'],
      [1, 'not-refundable', 'refunded'],
    ];
    for (const [amount, expected, status] of rows) {
      const outcome = store.refund(payment.id, amount === undefined ? {} : { amount });
      assert.equal(outcome.ok ? 'ok' : outcome.reason, expected, `refund ${amount}`);
      assert.equal(store.get(payment.id)?.status, status);
    }
    assert.equal(store.get(payment.id)?.refunded_amount, 1000);
  });
});

describe('RateLimiter', () => {
  test('refills continuously and says how long to wait', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 4, () => now);
    assert.equal(limiter.take('a').ok, true);
    assert.equal(limiter.take('a').ok, true);
    assert.deepEqual(limiter.take('a'), { ok: false, retryAfterSeconds: 2 });
    assert.equal(limiter.take('b').ok, true, 'keys are independent');
    now += 2000;
    assert.equal(limiter.take('a').ok, true);
    assert.equal(limiter.take('a').ok, false);
  });
});
