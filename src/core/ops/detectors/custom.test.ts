import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCondition } from '../condition.js';
import { custom } from './custom.js';
import { configOf, play, type Scenario } from './scenario.test-helper.js';

const when = "outcome == 'failed' and latency.p95 > 2000";
const config = configOf('custom', { when, condition: parseCondition(when), count: 2 }, { windowMs: 600_000 });
const slowFail = { outcome: 'failed' as const, measurements: { 'latency.p95': 2500 } };
const slowPass = { outcome: 'passed' as const, measurements: { 'latency.p95': 2500 } };
const fastPass = { measurements: { 'latency.p95': 100 } };

const rows: Scenario<'custom'>[] = [
  {
    name: 'the condition in 2 samples within 10 minutes',
    config,
    steps: [
      [0, slowFail],
      [60, slowPass],
      [120, slowFail],
    ],
    expect: ['trigger@120'],
    check: (signals) => {
      assert.equal(signals[0]!.details['when'], when);
      assert.equal(signals[0]!.signature, 'custom:det:api');
      assert.equal(signals[0]!.title, 'Condition met on api (production)');
    },
  },
  {
    name: 'matches further apart than the window do not trigger',
    config,
    steps: [
      [0, slowFail],
      [700, slowFail],
      [1400, slowFail],
    ],
    expect: [],
  },
  {
    name: 'recovers when the condition is false twice in a row',
    config,
    steps: [
      [0, slowFail],
      [60, slowFail],
      [120, fastPass],
      [180, slowFail],
      [240, fastPass],
      [300, fastPass],
    ],
    expect: ['trigger@60', 'recover@300'],
  },
  {
    name: 'samples with the measurement missing compare false',
    config,
    steps: [
      [0, { outcome: 'failed' }],
      [60, { outcome: 'failed' }],
    ],
    expect: [],
  },
];

describe('custom detector', () => {
  for (const row of rows) {
    test(row.name, () => {
      const { trace, signals } = play(custom, row.config, row.steps);
      assert.deepEqual(trace, row.expect);
      row.check?.(signals);
    });
  }

  test('a monitor for which the condition never held gets no state', () => {
    const { state } = play(custom, config, [
      [0, fastPass],
      [60, fastPass],
    ]);
    assert.deepEqual(state.keys, {});
  });
});
