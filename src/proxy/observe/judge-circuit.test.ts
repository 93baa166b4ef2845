import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judgeCircuit } from './judge-circuit.js';
import { resolveObserveOptions } from './options.js';
import { findOutages } from './outages.js';
import { Script, T0 } from './script.test-helper.js';
import type { Verdict } from './verdict.js';

function codes(v: Verdict | undefined): string[] {
  if (!v) return ['missing'];
  return v.judged ? v.findings.map((f) => `${f.severity} ${f.code}`) : ['not judged'];
}

/** Client "a" sends every 20 ms from 0 to `until`; the upstream is down between 1000 and 2000 ms. */
function steady(s: Script, until: number, keepSendingWhenDown: boolean, client = 'a') {
  let failuresInRow = 0;
  let openUntil = -1;
  for (let at = 0; at < until; at += 20) {
    const down = at >= 1000 && at < 2000;
    if (!keepSendingWhenDown && at < openUntil) continue;
    s.req({ at, client, status: down ? 503 : 200 });
    failuresInRow = down ? failuresInRow + 1 : 0;
    // The well-behaved client opens its breaker for 300 ms after 3 failures in a row, then lets one probe through.
    if (!keepSendingWhenDown && failuresInRow >= 3) openUntil = at + 300;
  }
}

const given = { outages: [{ from: T0 + 1000, to: T0 + 2000 }] };

describe('judgeCircuit', () => {
  test('a client that keeps its rate during an outage does not break the circuit (warning)', () => {
    const s = new Script();
    steady(s, 2500, true);
    const [breaking, recovery] = judgeCircuit(s.traffic(given), 'a');
    assert.deepEqual(codes(breaking), ['warning client.no-circuit-breaking']);
    assert.deepEqual(codes(recovery), []);
  });

  test('a client whose traffic drops while the upstream is down, and comes back after, passes both', () => {
    const s = new Script();
    steady(s, 2500, false);
    const [breaking, recovery] = judgeCircuit(s.traffic(given), 'a');
    assert.deepEqual(codes(breaking), []);
    assert.deepEqual(codes(recovery), []);
  });

  test('a client silent for recoveryMs after the outage did not recover', () => {
    const s = new Script();
    steady(s, 1100, false);
    s.req({ at: 4000, client: 'other' });
    const [, recovery] = judgeCircuit(s.traffic({ ...given, recoveryMs: 1500 }), 'a');
    assert.deepEqual(codes(recovery), ['error client.no-recovery']);
    const [, tooSoon] = judgeCircuit(s.traffic({ ...given, recoveryMs: 5000 }), 'a');
    assert.ok(tooSoon && !tooSoon.judged && /less than recoveryMs/.test(tooSoon.why));
  });

  test('outages are inferred from runs of upstream failures when none is given', () => {
    const s = new Script();
    steady(s, 2500, true);
    const outages = findOutages(s.traffic().all, resolveObserveOptions({}));
    assert.equal(outages.length, 1);
    assert.equal(outages[0]!.from, T0 + 1000);
    assert.equal(outages[0]!.to, T0 + 2000);
    const [breaking] = judgeCircuit(s.traffic(), 'a');
    assert.deepEqual(codes(breaking), ['warning client.no-circuit-breaking']);
  });

  test('a breaker client seen alone still shows the outage through its probes', () => {
    const s = new Script();
    steady(s, 2500, false);
    const [breaking, recovery] = judgeCircuit(s.traffic({ outageMinFailures: 3 }), 'a');
    assert.deepEqual(codes(breaking), []);
    assert.deepEqual(codes(recovery), []);
  });

  test('scattered failures and a run of 429s are not outages', () => {
    const s = new Script();
    for (let at = 0; at < 3000; at += 20) s.req({ at, status: at % 200 === 0 ? 503 : 200 });
    for (let at = 3000; at < 6000; at += 20) s.req({ at, status: 429 });
    assert.deepEqual(findOutages(s.traffic().all, resolveObserveOptions({})), []);
    const [breaking, recovery] = judgeCircuit(s.traffic(), 'a');
    assert.ok(breaking && !breaking.judged && /no outage was seen/.test(breaking.why));
    assert.ok(recovery && !recovery.judged);
  });

  test('not judged for a client idle before the outage, or when the recording ends inside it', () => {
    const s = new Script();
    steady(s, 1500, true);
    s.req({ at: 2100, client: 'late', status: 503 });
    const [breaking] = judgeCircuit(s.traffic(), 'late');
    assert.ok(breaking && !breaking.judged && /a rate to compare needs 3/.test(breaking.why));
    const [, recovery] = judgeCircuit(s.traffic(), 'a');
    assert.ok(recovery && !recovery.judged && /ended during/.test(recovery.why));
  });
});
