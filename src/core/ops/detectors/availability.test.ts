import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { availability } from './availability.js';
import { configOf, play, repeat, type Scenario } from './scenario.test-helper.js';

const failed = { outcome: 'failed' as const };
const errored = { outcome: 'errored' as const, error: { code: 'ETIMEDOUT', message: 'timed out after 5s' } };
const passed = { outcome: 'passed' as const };
const three = configOf('availability', { failures: 3 });

const rows: Scenario<'availability'>[] = [
  {
    name: '3 failures within 5 minutes trigger once, on the third',
    config: three,
    steps: repeat(0, 5, 60, failed),
    expect: ['trigger@120'],
  },
  {
    name: '3 failures spread over more than the window never trigger',
    config: three,
    steps: [
      [0, failed],
      [200, failed],
      [400, failed],
      [600, failed],
    ],
    expect: [],
  },
  {
    name: 'errored samples count as failures; skipped ones are ignored',
    config: three,
    steps: [
      [0, errored],
      [10, { outcome: 'skipped' }],
      [20, errored],
      [30, { outcome: 'skipped' }],
      [40, errored],
    ],
    expect: ['trigger@40'],
    check: (signals) => {
      assert.deepEqual(signals[0]!.details['error'], { code: 'ETIMEDOUT', message: 'timed out after 5s' });
      assert.equal(signals[0]!.signature, 'availability:api:ETIMEDOUT');
      assert.match(
        signals[0]!.summary,
        /3 failed sample\(s\) within 5m \(last: ETIMEDOUT: timed out after 5s\)/,
      );
    },
  },
  {
    name: 'recovers after recoverAfter consecutive passes, not after one',
    config: three,
    steps: [...repeat(0, 3, 10, failed), [40, passed], [50, failed], [60, passed], [70, passed]],
    expect: ['trigger@20', 'recover@70'],
    check: (signals) => {
      const recover = signals[1]!;
      assert.equal(recover.details['autoResolve'], true);
      assert.equal(recover.details['durationMs'], 50_000);
      assert.equal(recover.signature, signals[0]!.signature, 'the recovery carries the trigger signature');
    },
  },
  {
    name: 'after a recovery the window starts empty: one failure does not re-trigger',
    config: three,
    steps: [...repeat(0, 3, 10, failed), [30, passed], [40, passed], [50, failed]],
    expect: ['trigger@20', 'recover@40'],
  },
  {
    name: 'a re-trigger within flapMs of the recovery is flagged flapping, with the same dedup key',
    config: three,
    steps: [...repeat(0, 3, 10, failed), [30, passed], [40, passed], ...repeat(100, 3, 10, failed)],
    expect: ['trigger@20', 'recover@40', 'trigger@120'],
    check: (signals) => {
      assert.equal(signals[0]!.details['flapping'], undefined);
      assert.equal(signals[2]!.details['flapping'], true);
      assert.equal(signals[2]!.dedupKey, signals[0]!.dedupKey);
    },
  },
  {
    name: 'a re-trigger long after the recovery is not flapping',
    config: three,
    steps: [...repeat(0, 3, 10, failed), [30, passed], [40, passed], ...repeat(2000, 3, 10, failed)],
    expect: ['trigger@20', 'recover@40', 'trigger@2020'],
    check: (signals) => assert.equal(signals[2]!.details['flapping'], undefined),
  },
  {
    name: 'still failing: an update when the cause changes, and every 15 minutes, not per sample',
    config: three,
    steps: [
      ...repeat(0, 3, 10, failed),
      [30, failed],
      [40, errored],
      [50, errored],
      ...repeat(60, 100, 10, errored),
    ],
    expect: ['trigger@20', 'update@40', 'update@940'],
  },
  {
    name: 'only the monitors it watches',
    config: configOf('availability', { failures: 1 }, { monitors: ['other'] }),
    steps: repeat(0, 3, 10, failed),
    expect: [],
  },
];

describe('availability detector', () => {
  for (const row of rows) {
    test(row.name, () => {
      const { trace, signals } = play(availability, row.config, row.steps);
      assert.deepEqual(trace, row.expect);
      for (const s of signals) {
        assert.equal(s.detectorKind, 'availability');
        assert.equal(s.dedupKey, 'det:api:production');
        assert.equal(s.title, 'Unavailable on api (production)');
      }
      row.check?.(signals);
    });
  }

  test('one problem per monitor and environment', () => {
    const { signals } = play(availability, configOf('availability', { failures: 1 }), [
      [0, { outcome: 'failed', monitorId: 'a' }],
      [1, { outcome: 'failed', monitorId: 'b' }],
      [2, { outcome: 'failed', monitorId: 'a', environment: 'sandbox' }],
      [3, { outcome: 'failed', monitorId: 'a' }],
    ]);
    assert.deepEqual(
      signals.map((s) => s.dedupKey),
      ['det:a:production', 'det:b:production', 'det:a:sandbox'],
    );
  });

  test('the playbook title wins', () => {
    const { signals } = play(
      availability,
      configOf('availability', { failures: 1 }, { title: 'Notes API down' }),
      [[0, failed]],
    );
    assert.equal(signals[0]!.title, 'Notes API down');
  });
});
