import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { latencySpike } from './latency-spike.js';
import { configOf, play, repeat, type Scenario, type Step } from './scenario.test-helper.js';

const p95 = (ms: number) => ({ measurements: { 'latency.p95': ms } });
const threshold = configOf('latency-spike', {
  metric: 'latency.p95',
  thresholdMs: 800,
  baselineFactor: null,
  baselineMin: 10,
  minSamples: 3,
});
const baseline = configOf('latency-spike', {
  metric: 'latency.p95',
  thresholdMs: null,
  baselineFactor: 3,
  baselineMin: 10,
  minSamples: 3,
});
/** An hour of ~100 ms samples, one a minute, so the baseline is 100 ms. */
const usual: Step[] = repeat(0, 60, 60, p95(100));

const rows: Scenario<'latency-spike'>[] = [
  {
    name: 'over the threshold in 3 samples of the window',
    config: threshold,
    steps: [...repeat(0, 2, 60, p95(200)), ...repeat(120, 4, 60, p95(900))],
    expect: ['trigger@240'],
    check: (signals) => {
      assert.equal(signals[0]!.details['reason'], 'threshold');
      assert.equal(signals[0]!.signature, 'latency-spike:api:latency.p95');
      assert.match(
        signals[0]!.summary,
        /latency\.p95 900ms over the 800ms threshold; 3 of 5 sample\(s\) slow within 5m/,
      );
    },
  },
  {
    name: 'isolated slow samples among many fast ones are not a spike',
    config: threshold,
    steps: repeat(0, 30, 10, p95(100)).map(([t, s], i) => [t, i % 5 === 0 ? p95(900) : s] as Step),
    expect: [],
  },
  {
    name: '3× the rolling baseline triggers; the baseline is learnt first',
    config: baseline,
    steps: [...usual, ...repeat(3600, 3, 60, p95(400))],
    expect: ['trigger@3720'],
    check: (signals) => {
      assert.equal(signals[0]!.details['baseline'], 100);
      assert.equal(signals[0]!.details['reason'], 'baseline');
    },
  },
  {
    name: 'no baseline yet: a new monitor cannot spike against it',
    config: baseline,
    steps: [...repeat(0, 5, 60, p95(100)), ...repeat(300, 5, 60, p95(5000))],
    expect: [],
  },
  {
    name: 'under 3× the baseline is fine',
    config: baseline,
    steps: [...usual, ...repeat(3600, 5, 60, p95(250))],
    expect: [],
  },
  {
    name: 'recovers after 2 fast samples; a spike again soon after is flapping',
    config: threshold,
    steps: [...repeat(0, 3, 60, p95(900)), [180, p95(100)], [240, p95(100)], ...repeat(300, 3, 60, p95(900))],
    expect: ['trigger@120', 'recover@240', 'trigger@420'],
    check: (signals) => assert.equal(signals[2]!.details['flapping'], true),
  },
  {
    name: 'samples without the metric are ignored (no key, no recovery)',
    config: threshold,
    steps: [...repeat(0, 3, 60, p95(900)), ...repeat(180, 5, 60, { measurements: {} })],
    expect: ['trigger@120'],
  },
];

describe('latency-spike detector', () => {
  for (const row of rows) {
    test(row.name, () => {
      const { trace, signals } = play(latencySpike, row.config, row.steps);
      assert.deepEqual(trace, row.expect);
      row.check?.(signals);
    });
  }

  test('a monitor without the metric gets no state', () => {
    const { state } = play(
      latencySpike,
      threshold,
      repeat(0, 5, 60, { measurements: { 'tls.daysLeft': 3 } }),
    );
    assert.deepEqual(state.keys, {});
  });
});
