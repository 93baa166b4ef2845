import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judgeBackoff } from './judge-backoff.js';
import { Script } from './script.test-helper.js';
import type { Verdict } from './verdict.js';

function codes(v: Verdict): string[] {
  return v.judged ? v.findings.map((f) => `${f.severity} ${f.code}`) : ['not judged'];
}

describe('judgeBackoff', () => {
  test('exponential waits pass', () => {
    const s = new Script();
    s.chain(0, [60, 130, 250]);
    s.chain(2000, [80, 110]);
    const v = judgeBackoff(s.traffic(), 'a');
    assert.deepEqual(codes(v), []);
    assert.ok(v.judged);
  });

  test('immediate retries are hammering: an error citing the attempts', () => {
    const s = new Script();
    const attempts = s.chain(0, [1, 0, 2]);
    const v = judgeBackoff(s.traffic(), 'a');
    assert.deepEqual(codes(v), ['error client.retry-no-backoff']);
    assert.ok(v.judged);
    assert.deepEqual(
      v.findings[0]!.evidence,
      attempts.map((x) => x.seq),
    );
    assert.equal(v.findings[0]!.count, 3);
  });

  test('a constant interval above the floor is a warning', () => {
    const s = new Script();
    s.chain(0, [200, 201, 199]);
    assert.deepEqual(codes(judgeBackoff(s.traffic(), 'a')), ['warning client.retry-no-backoff']);
  });

  test('full jitter: single draws may shrink, the envelope over sequences grows', () => {
    const s = new Script();
    s.chain(0, [90, 40, 300]);
    s.chain(2000, [20, 190, 120]);
    assert.deepEqual(codes(judgeBackoff(s.traffic(), 'a')), []);
  });

  test('the floor is an option (scaled-down tests)', () => {
    const s = new Script();
    s.chain(0, [30, 45, 60]);
    assert.deepEqual(codes(judgeBackoff(s.traffic(), 'a')), ['error client.retry-no-backoff']);
    assert.deepEqual(codes(judgeBackoff(s.traffic({ backoffFloorMs: 20 }), 'a')), []);
  });

  test('not judged when nothing failed, when failures were not retried, or retried once only', () => {
    const quiet = new Script();
    quiet.req({ at: 0 });
    const v1 = judgeBackoff(quiet.traffic(), 'a');
    assert.ok(!v1.judged && /no request of this client failed/.test(v1.why));

    const noRetry = new Script();
    noRetry.req({ at: 0, status: 500 });
    const v2 = judgeBackoff(noRetry.traffic(), 'a');
    assert.ok(!v2.judged && /does not retry/.test(v2.why));

    const once = new Script();
    once.chain(0, [0]);
    const v3 = judgeBackoff(once.traffic(), 'a');
    assert.ok(!v3.judged && /twice in a row/.test(v3.why));
  });

  test('waits dictated by Retry-After are left to the retry-after judge', () => {
    const s = new Script();
    s.chain(0, [1000, 1000], {}, { status: 429, retryAfterSeconds: 1 });
    const v = judgeBackoff(s.traffic(), 'a');
    assert.ok(!v.judged && /Retry-After/.test(v.why));
  });
});
