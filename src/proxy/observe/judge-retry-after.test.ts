import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judgeRetryAfter } from './judge-retry-after.js';
import { Script } from './script.test-helper.js';

describe('judgeRetryAfter', () => {
  test('a retry earlier than Retry-After is an error', () => {
    const s = new Script();
    const [first, retry] = s.chain(0, [300], {}, { status: 429, retryAfterSeconds: 1 });
    const v = judgeRetryAfter(s.traffic(), 'a');
    assert.ok(v.judged);
    assert.equal(v.findings[0]?.code, 'client.retry-after-ignored');
    assert.equal(v.findings[0]?.severity, 'error');
    assert.deepEqual(v.findings[0]?.evidence, [first!.seq, retry!.seq]);
    assert.match(v.findings[0]!.message, /300 ms after Retry-After: 1/);
  });

  test('waiting the advertised time (less the tolerance) passes', () => {
    const s = new Script();
    s.chain(0, [980], {}, { status: 503, retryAfterSeconds: 1 });
    s.chain(5000, [2100], {}, { status: 429, retryAfterSeconds: 2 });
    const v = judgeRetryAfter(s.traffic(), 'a');
    assert.ok(v.judged);
    assert.deepEqual(v.findings, []);
  });

  test('not judged without Retry-After, or when it was not followed by a retry', () => {
    const none = new Script();
    none.chain(0, [100]);
    const v1 = judgeRetryAfter(none.traffic(), 'a');
    assert.ok(!v1.judged && /no answer to this client carried Retry-After/.test(v1.why));
    const gaveUp = new Script();
    gaveUp.req({ at: 0, status: 429, retryAfterSeconds: 1 });
    const v2 = judgeRetryAfter(gaveUp.traffic(), 'a');
    assert.ok(!v2.judged && /not followed by a retry/.test(v2.why));
  });
});
