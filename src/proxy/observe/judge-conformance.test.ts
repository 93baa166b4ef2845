import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judgeConformance } from './judge-conformance.js';
import { Script } from './script.test-helper.js';
import type { Verdict } from './verdict.js';

function codes(v: Verdict): string[] {
  return v.judged ? v.findings.map((f) => `${f.severity} ${f.code}`) : ['not judged'];
}

describe('judgeConformance', () => {
  test('requests with conformance problems are an error naming operation, pointer and message', () => {
    const s = new Script();
    s.req({
      at: 0,
      operation: 'createPayment',
      conformance: [{ pointer: '/body/amount', message: 'must be integer' }],
    });
    s.req({
      at: 10,
      operation: 'createPayment',
      conformance: [{ pointer: '/body/amount', message: 'must be integer' }],
    });
    s.req({ at: 20, operation: 'getPayment' });
    const v = judgeConformance(s.traffic(), 'a');
    assert.deepEqual(codes(v), ['error client.request-nonconformant']);
    assert.ok(v.judged);
    assert.match(v.findings[0]!.message, /2 of 3 .*createPayment \/body\/amount: must be integer \(×2\)/);
  });

  test('valid requests pass; a route the spec does not have is a warning, the token endpoint aside', () => {
    const s = new Script();
    s.req({ at: 0, operation: 'getPayment' });
    const notOperation = [{ pointer: '', message: 'not an operation of Payments' }];
    s.req({ at: 10, method: 'POST', url: '/oauth/token', conformance: notOperation });
    assert.deepEqual(codes(judgeConformance(s.traffic(), 'a')), []);
    s.req({ at: 20, url: '/internal/debug?x=1', conformance: notOperation });
    const v = judgeConformance(s.traffic(), 'a');
    assert.deepEqual(codes(v), ['warning client.request-nonconformant']);
    assert.ok(v.judged);
    assert.match(v.findings[0]!.message, /GET \/internal\/debug\)/);
  });

  test('not judged when the proxy had no spec', () => {
    const s = new Script();
    s.req({ at: 0 });
    const v = judgeConformance(s.traffic(), 'a');
    assert.ok(!v.judged && /--spec/.test(v.why));
  });
});
