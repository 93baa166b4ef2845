import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judgeKeyPresent, judgeKeyReuse } from './judge-idempotency.js';
import { judgeUnsafeRetry } from './judge-unsafe-retry.js';
import { Script } from './script.test-helper.js';
import type { Verdict } from './verdict.js';

const create = { method: 'POST', url: '/payments', bodyFingerprint: 'f00d' };

function codes(v: Verdict): string[] {
  return v.judged ? v.findings.map((f) => `${f.severity} ${f.code}`) : ['not judged'];
}

describe('judgeKeyPresent', () => {
  test('creates without a key are a warning; with one they pass', () => {
    const s = new Script();
    s.req({ at: 0, ...create, idempotencyKey: 'k1' });
    s.req({ at: 10, ...create, bodyFingerprint: 'beef' });
    assert.deepEqual(codes(judgeKeyPresent(s.traffic(), 'a')), ['warning client.idempotency-key-missing']);
    const ok = new Script();
    ok.req({ at: 0, ...create, idempotencyKey: 'k1' });
    assert.deepEqual(codes(judgeKeyPresent(ok.traffic(), 'a')), []);
  });

  test('which requests are creates is an option', () => {
    const s = new Script();
    s.req({ at: 0, method: 'PUT', operation: 'chargeCard' });
    assert.deepEqual(codes(judgeKeyPresent(s.traffic(), 'a')), ['not judged']);
    assert.deepEqual(codes(judgeKeyPresent(s.traffic({ createOperations: ['chargeCard'] }), 'a')), [
      'warning client.idempotency-key-missing',
    ]);
    assert.deepEqual(codes(judgeKeyPresent(s.traffic({ createMethods: ['PUT'] }), 'a')), [
      'warning client.idempotency-key-missing',
    ]);
  });
});

describe('judgeKeyReuse', () => {
  test('a new key on each retry of a create is an error', () => {
    const s = new Script();
    const a = s.req({ at: 0, ...create, idempotencyKey: 'k1', status: 503 });
    const b = s.req({ at: 200, ...create, idempotencyKey: 'k2', status: 503 });
    const c = s.req({ at: 600, ...create, idempotencyKey: 'k3', status: 201 });
    const v = judgeKeyReuse(s.traffic(), 'a');
    assert.deepEqual(codes(v), ['error client.idempotency-key-changed']);
    assert.ok(v.judged);
    assert.deepEqual(v.findings[0]!.evidence, [a.seq, b.seq, c.seq]);
  });

  test('dropping the key on a retry is a change too', () => {
    const s = new Script();
    s.req({ at: 0, ...create, idempotencyKey: 'k1', outcome: 'reset' });
    s.req({ at: 200, ...create, status: 201 });
    assert.deepEqual(codes(judgeKeyReuse(s.traffic(), 'a')), ['error client.idempotency-key-changed']);
  });

  test('the same key on every attempt passes', () => {
    const s = new Script();
    s.chain(0, [100, 200], { ...create, idempotencyKey: 'k1' }, { status: 500 }, 201);
    assert.deepEqual(codes(judgeKeyReuse(s.traffic(), 'a')), []);
  });

  test('not judged when no create was retried', () => {
    const s = new Script();
    s.req({ at: 0, ...create, idempotencyKey: 'k1', status: 201 });
    s.chain(100, [100, 200]);
    const v = judgeKeyReuse(s.traffic(), 'a');
    assert.ok(!v.judged && /no create of this client was retried/.test(v.why));
  });
});

describe('judgeUnsafeRetry', () => {
  test('a create retried without a key is an error', () => {
    const s = new Script();
    s.chain(0, [100, 200], create, { status: 502 }, 201);
    assert.deepEqual(codes(judgeUnsafeRetry(s.traffic(), 'a')), ['error client.unsafe-retry']);
  });

  test('a keyed retry passes, and so does not retrying a keyless create', () => {
    const keyed = new Script();
    keyed.chain(0, [100], { ...create, idempotencyKey: 'k' }, { status: 502 }, 201);
    assert.deepEqual(codes(judgeUnsafeRetry(keyed.traffic(), 'a')), []);
    const gaveUp = new Script();
    gaveUp.req({ at: 0, ...create, status: 502 });
    const v = judgeUnsafeRetry(gaveUp.traffic(), 'a');
    assert.deepEqual(codes(v), []);
    assert.ok(v.judged && /not retried/.test(v.passedNote ?? ''));
  });

  test('retries of idempotent reads are not unsafe; not judged when no create failed', () => {
    const s = new Script();
    s.chain(0, [0, 0]);
    s.req({ at: 500, ...create, status: 201 });
    const v = judgeUnsafeRetry(s.traffic(), 'a');
    assert.ok(!v.judged && /no create of this client failed/.test(v.why));
  });
});
