import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judgeTimeouts } from './judge-timeouts.js';
import { Script } from './script.test-helper.js';
import type { Verdict } from './verdict.js';

function codes(v: Verdict): string[] {
  return v.judged ? v.findings.map((f) => `${f.severity} ${f.code}`) : ['not judged'];
}

describe('judgeTimeouts', () => {
  test('abandoning an unanswered request within the bound passes', () => {
    const s = new Script();
    s.req({ at: 0, dur: 300, outcome: 'client-abort', fault: { id: 'f1', type: 'blackhole' } });
    assert.deepEqual(codes(judgeTimeouts(s.traffic({ timeoutMs: 1000 }), 'a')), []);
  });

  test('a black hole the client hung up on within the bound passes; one closed by the proxy proves nothing', () => {
    const s = new Script();
    s.req({ at: 0, dur: 300, outcome: 'blackhole', fault: { id: 'f1', type: 'blackhole' } });
    const v = judgeTimeouts(s.traffic({ timeoutMs: 1000 }), 'a');
    assert.ok(!v.judged, 'ended with the observation: the proxy may have closed it');
    s.req({ at: 400 });
    assert.deepEqual(codes(judgeTimeouts(s.traffic({ timeoutMs: 1000 }), 'a')), []);
  });

  test('a black hole still open when the observation ended, past the bound, is an error', () => {
    const s = new Script();
    const x = s.req({ at: 0, dur: 1500, outcome: 'blackhole', fault: { id: 'f1', type: 'blackhole' } });
    const v = judgeTimeouts(s.traffic({ timeoutMs: 1000 }), 'a');
    assert.deepEqual(codes(v), ['error client.no-timeout']);
    assert.ok(v.judged);
    assert.deepEqual(v.findings[0]!.evidence, [x.seq]);
  });

  test('waiting for a slow answer past the bound is an error too', () => {
    const s = new Script();
    s.req({ at: 0, dur: 45_000, fault: { id: 'f2', type: 'latency' } });
    assert.deepEqual(codes(judgeTimeouts(s.traffic(), 'a')), ['error client.no-timeout']);
  });

  test('a timeout longer than the bound is a warning', () => {
    const s = new Script();
    s.req({ at: 0, dur: 2000, outcome: 'client-abort' });
    assert.deepEqual(codes(judgeTimeouts(s.traffic({ timeoutMs: 1000 }), 'a')), [
      'warning client.no-timeout',
    ]);
  });

  test('not judged when nothing was held long and nothing abandoned', () => {
    const s = new Script();
    s.req({ at: 0, dur: 200, fault: { id: 'f2', type: 'latency' } });
    const v = judgeTimeouts(s.traffic({ timeoutMs: 1000 }), 'a');
    assert.ok(!v.judged && /black hole/.test(v.why));
  });
});
