import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judgeJitter } from './judge-jitter.js';
import { Script } from './script.test-helper.js';

describe('judgeJitter', () => {
  test('sequences with the same waits (to the ms, give or take timer noise) lack jitter', () => {
    const s = new Script();
    s.chain(0, [100, 200]);
    s.chain(1000, [101, 199]);
    const v = judgeJitter(s.traffic(), 'a');
    assert.ok(v.judged);
    assert.deepEqual(
      v.findings.map((f) => `${f.severity} ${f.code}`),
      ['warning client.retry-no-jitter'],
    );
  });

  test('randomised waits pass', () => {
    const s = new Script();
    s.chain(0, [57, 143]);
    s.chain(1000, [88, 171]);
    s.chain(2000, [31, 122]);
    const v = judgeJitter(s.traffic(), 'a');
    assert.ok(v.judged);
    assert.deepEqual(v.findings, []);
  });

  test('one coincidence is not enough', () => {
    const s = new Script();
    s.chain(0, [50]);
    s.chain(1000, [50]);
    const v = judgeJitter(s.traffic(), 'a');
    assert.ok(v.judged);
    assert.deepEqual(v.findings, []);
  });

  test('clients in lock-step with each other are both called out, naming the other', () => {
    const s = new Script();
    s.chain(0, [100, 200], { client: 'a' });
    s.chain(0, [100, 200], { client: 'b' });
    s.chain(0, [63, 177], { client: 'c' });
    const a = judgeJitter(s.traffic(), 'a');
    assert.ok(a.judged);
    assert.match(a.findings[0]?.message ?? '', /in step with b/);
    const c = judgeJitter(s.traffic(), 'c');
    assert.ok(c.judged);
    assert.deepEqual(c.findings, []);
  });

  test('not judged with a single sequence and no other client', () => {
    const s = new Script();
    s.chain(0, [100, 200]);
    const v = judgeJitter(s.traffic(), 'a');
    assert.ok(!v.judged && /two sequences/.test(v.why));
  });
});
