import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { errorRateSpike } from './error-rate-spike.js';
import { configOf, play, repeat, type Scenario } from './scenario.test-helper.js';

const rate = (r: number) => ({ measurements: { errorRate: r } });
const cap5 = configOf('error-rate-spike', { cap: 0.05, minSamples: 3 });

const rows: Scenario<'error-rate-spike'>[] = [
  {
    name: 'errorRate measurement over the cap across minSamples samples',
    config: cap5,
    steps: repeat(0, 4, 60, rate(0.1)),
    expect: ['trigger@120'],
    check: (signals) => {
      const d = signals[0]!.details;
      assert.equal(d['errorRate'], 0.1);
      assert.equal(d['burnRate'], 2);
      assert.match(
        signals[0]!.summary,
        /error rate 10% over the 5\.0% cap within 5m \(3 samples, burn rate 2\.0\)/,
      );
    },
  },
  {
    name: 'one bad sample among good ones keeps the mean under the cap',
    config: cap5,
    steps: [
      [0, rate(0.01)],
      [60, rate(0.12)],
      [120, rate(0.01)],
      [180, rate(0.01)],
    ],
    expect: [],
  },
  {
    name: 'without the measurement: the share of failed samples',
    config: cap5,
    steps: [
      [0, { outcome: 'passed' }],
      [10, { outcome: 'failed' }],
      [20, { outcome: 'passed' }],
    ],
    expect: ['trigger@20'],
  },
  {
    name: 'old samples leave the window',
    config: cap5,
    steps: [
      [0, rate(1)],
      [400, rate(0)],
      [410, rate(0)],
      [420, rate(0.01)],
    ],
    expect: [],
  },
  {
    name: 'recovery after 2 samples under the cap',
    config: cap5,
    steps: [
      ...repeat(0, 3, 60, rate(0.2)),
      [180, rate(0.01)],
      [240, rate(0.2)],
      [300, rate(0)],
      [360, rate(0)],
    ],
    expect: ['trigger@120', 'recover@360'],
  },
];

describe('error-rate-spike detector', () => {
  for (const row of rows) {
    test(row.name, () => {
      const { trace, signals } = play(errorRateSpike, row.config, row.steps);
      assert.deepEqual(trace, row.expect);
      row.check?.(signals);
    });
  }
});
