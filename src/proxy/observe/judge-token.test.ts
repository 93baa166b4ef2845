import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judgeTokenReuse } from './judge-token.js';
import { Script } from './script.test-helper.js';
import type { Verdict } from './verdict.js';

const fetchToken = { method: 'POST', url: '/oauth/token' };

function codes(v: Verdict): string[] {
  return v.judged ? v.findings.map((f) => `${f.severity} ${f.code}`) : ['not judged'];
}

describe('judgeTokenReuse', () => {
  test('a token fetch before every call is an error', () => {
    const s = new Script();
    for (let i = 0; i < 4; i++) {
      s.req({ at: i * 100, ...fetchToken });
      s.req({ at: i * 100 + 20, credentialFingerprint: `t${i}` });
    }
    const v = judgeTokenReuse(s.traffic(), 'a');
    assert.deepEqual(codes(v), ['error client.token-per-call']);
    assert.ok(v.judged);
    assert.equal(v.findings[0]!.count, 4);
  });

  test('one token reused for many calls passes; fetches after a 401 or a failed fetch do not count', () => {
    const s = new Script();
    s.req({ at: 0, ...fetchToken });
    for (let i = 1; i <= 3; i++) s.req({ at: i * 10, credentialFingerprint: 't0' });
    s.req({ at: 50, credentialFingerprint: 't0', status: 401 });
    s.req({ at: 60, ...fetchToken });
    s.req({ at: 70, credentialFingerprint: 't1' });
    s.req({ at: 80, credentialFingerprint: 't1', status: 401 });
    s.req({ at: 90, ...fetchToken });
    s.req({ at: 100, credentialFingerprint: 't2' });
    // Failed fetches (then retried) do not count either.
    s.req({ at: 110, ...fetchToken, status: 503 });
    s.req({ at: 120, ...fetchToken, outcome: 'client-abort', dur: 300 });
    s.req({ at: 430, ...fetchToken });
    assert.deepEqual(codes(judgeTokenReuse(s.traffic(), 'a')), []);
  });

  test('with the token endpoint elsewhere, a new credential on most calls is an error', () => {
    const s = new Script();
    for (let i = 0; i < 5; i++) s.req({ at: i * 10, credentialFingerprint: `t${i}` });
    assert.deepEqual(codes(judgeTokenReuse(s.traffic(), 'a')), ['error client.token-per-call']);
    const ok = new Script();
    for (let i = 0; i < 5; i++) ok.req({ at: i * 10, credentialFingerprint: 't' });
    assert.deepEqual(codes(judgeTokenReuse(ok.traffic(), 'a')), []);
  });

  test('the token path is an option', () => {
    const s = new Script();
    for (let i = 0; i < 4; i++) {
      s.req({ at: i * 100, method: 'POST', url: '/auth/v2/issue' });
      s.req({ at: i * 100 + 20 });
    }
    assert.deepEqual(codes(judgeTokenReuse(s.traffic(), 'a')), ['not judged']);
    assert.deepEqual(codes(judgeTokenReuse(s.traffic({ tokenPaths: ['/auth/v2/issue'] }), 'a')), [
      'error client.token-per-call',
    ]);
  });

  test('not judged without credentials or with too few calls', () => {
    const s = new Script();
    s.req({ at: 0 });
    s.req({ at: 10 });
    s.req({ at: 20 });
    const v = judgeTokenReuse(s.traffic(), 'a');
    assert.ok(!v.judged && /no credential/.test(v.why));
    const few = new Script();
    few.req({ at: 0, ...fetchToken });
    few.req({ at: 10, credentialFingerprint: 't' });
    const v2 = judgeTokenReuse(few.traffic(), 'a');
    assert.ok(!v2.judged && /needs at least 3/.test(v2.why));
  });
});
