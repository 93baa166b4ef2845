import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCondition } from '../condition.js';
import type { DetectorConfig, DetectorKind, MonitorSample } from '../types.js';
import { DETECTORS, type DetectorStates, evaluateDetectors } from './index.js';
import { at, configOf, sample } from './scenario.test-helper.js';

const when = "outcome == 'failed' and latency.p95 > 2000";
const playbook: DetectorConfig[] = [
  configOf('schema-drift', { codes: [] }, { id: 'drift' }),
  configOf(
    'latency-spike',
    { metric: 'latency.p95', thresholdMs: 800, baselineFactor: 3, baselineMin: 10, minSamples: 3 },
    { id: 'slow' },
  ),
  configOf('error-rate-spike', { cap: 0.05, minSamples: 3 }, { id: 'errors' }),
  configOf('availability', { failures: 3 }, { id: 'down' }),
  configOf('certificate-expiring', { days: 14 }, { id: 'cert' }),
  configOf('credential-failing', { minLifetimeS: 300, rotationMs: 90 * 86_400_000 }, { id: 'creds' }),
  configOf('custom', { when, condition: parseCondition(when), count: 2 }, { id: 'custom' }),
];

/** Deterministic, varied samples: 50 monitors, failures in bursts, drift on many operations. */
function noisySample(i: number): MonitorSample {
  const burst = Math.floor(i / 40) % 3 === 0;
  return sample({
    monitorId: `m${i % 50}`,
    environment: i % 7 === 0 ? 'sandbox' : 'production',
    at: at(i),
    outcome: burst ? 'failed' : i % 11 === 0 ? 'errored' : 'passed',
    measurements: {
      'latency.p95': burst ? 3000 + (i % 13) : 100 + (i % 17),
      errorRate: burst ? 0.2 : 0.001,
      'tls.daysLeft': 30 - (Math.floor(i / 500) % 20),
      'credentials.tokenLifetimeS': burst ? 10 : 3600,
    },
    findings: burst
      ? [
          {
            code: 'response.body.schema',
            severity: 'error',
            message: 'x',
            operation: `op${i % 300}`,
            pointer: `/f${i}`,
          },
        ]
      : [],
    ...(i % 11 === 0 ? { error: { code: 'ETIMEDOUT', message: 'timed out' } } : {}),
  });
}

describe('evaluateDetectors', () => {
  test('runs every detector of the playbook, signals in detector order', () => {
    let states: DetectorStates = {};
    const kinds: DetectorKind[] = [];
    for (let i = 0; i < 3; i++) {
      const s = sample({
        at: at(i * 60),
        outcome: 'failed',
        measurements: {
          'latency.p95': 2500,
          errorRate: 0.5,
          'tls.daysLeft': 3,
          'credentials.tokenLifetimeS': 5,
        },
        findings: [
          {
            code: 'response.body.schema',
            severity: 'error',
            message: 'x',
            operation: 'getNote',
            pointer: '/a',
          },
        ],
      });
      const result = evaluateDetectors(playbook, states, s, at(i * 60));
      states = result.states;
      kinds.push(...result.signals.map((x) => x.detectorKind));
    }
    assert.deepEqual(kinds, [
      'schema-drift',
      'certificate-expiring',
      'credential-failing',
      'custom',
      'latency-spike',
      'error-rate-spike',
      'availability',
    ]);
    assert.deepEqual(
      Object.keys(states),
      playbook.map((d) => d.id),
    );
  });

  test('a removed detector loses its state; a detector whose kind changed starts over', () => {
    const first = evaluateDetectors(playbook, {}, sample({ outcome: 'failed' }), at(0));
    const changed: DetectorConfig[] = [configOf('availability', { failures: 1 }, { id: 'slow' })];
    const second = evaluateDetectors(changed, first.states, sample({ outcome: 'failed' }), at(1));
    assert.deepEqual(Object.keys(second.states), ['slow']);
    assert.equal((second.states['slow'] as { kind: string }).kind, 'availability');
    assert.equal(second.signals[0]?.type, 'trigger');
  });

  test('a detector id is an ordinary key, even "__proto__"', () => {
    const configs = [configOf('availability', { failures: 1 }, { id: '__proto__' })];
    const { states } = evaluateDetectors(configs, {}, sample({ outcome: 'failed' }), at(0));
    assert.ok(Object.hasOwn(states, '__proto__'));
    assert.equal(Object.getPrototypeOf(states), Object.prototype);
    const again = evaluateDetectors(
      configs,
      JSON.parse(JSON.stringify(states)),
      sample({ outcome: 'failed' }),
      at(1),
    );
    assert.equal(again.signals.length, 0, 'the stored state was used: no second trigger');
  });

  test('state stays bounded and JSON after 10 000 samples', () => {
    let states: DetectorStates = {};
    let signals = 0;
    const sizes: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const result = evaluateDetectors(playbook, states, noisySample(i), at(i));
      states = result.states;
      signals += result.signals.length;
      if (i === 4_999 || i === 9_999) sizes.push(JSON.stringify(states).length);
    }
    assert.ok(signals > 100, `the noise made signals (${signals})`);
    const [half, full] = sizes as [number, number];
    assert.ok(full < 1_500_000, `${full} chars of state`);
    assert.ok(full < half * 1.5, `state grows with keys, not with samples (${half} → ${full})`);
    assert.deepEqual(JSON.parse(JSON.stringify(states)), states);
  });

  test('the registry names every kind once, under its own name', () => {
    for (const [kind, impl] of Object.entries(DETECTORS)) assert.equal(impl.kind, kind);
  });
});
