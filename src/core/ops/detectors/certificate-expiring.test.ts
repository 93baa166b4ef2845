import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { certificateExpiring } from './certificate-expiring.js';
import { configOf, play, type Scenario } from './scenario.test-helper.js';

const days = (n: number) => ({ measurements: { 'tls.daysLeft': n } });
const DAY = 86_400;
const under14 = configOf('certificate-expiring', { days: 14 });

const rows: Scenario<'certificate-expiring'>[] = [
  {
    name: 'fires on the first sample under the threshold, updates once a day as the days go down',
    config: under14,
    steps: [
      [0, days(15)],
      [DAY, days(13)],
      [DAY + 60, days(13)],
      [DAY + 120, days(13)],
      [2 * DAY, days(12)],
    ],
    expect: [`trigger@${DAY}`, `update@${2 * DAY}`],
    check: (signals) => {
      assert.equal(signals[0]!.details['daysLeft'], 13);
      assert.match(signals[0]!.summary, /expires in 13 day\(s\) \(alert under 14\)/);
      assert.equal(signals[0]!.signature, 'certificate-expiring:api');
    },
  },
  {
    name: 'a renewed certificate recovers after 2 samples',
    config: under14,
    steps: [
      [0, days(3)],
      [60, days(90)],
      [120, days(90)],
    ],
    expect: ['trigger@0', 'recover@120'],
  },
  {
    name: 'samples without tls.daysLeft (the check errored, another monitor) say nothing',
    config: under14,
    steps: [
      [0, days(3)],
      [60, { outcome: 'errored', error: { code: 'ECONNREFUSED', message: 'refused' } }],
      [120, {}],
      [180, {}],
    ],
    expect: ['trigger@0'],
  },
  {
    // tls.daysLeft is rounded down: -2 is a certificate that expired between one and two days ago.
    name: 'an expired certificate says so, counting whole days since it expired',
    config: under14,
    steps: [[0, days(-2)]],
    expect: ['trigger@0'],
    check: (signals) => assert.match(signals[0]!.summary, /the certificate expired 1 day\(s\) ago$/),
  },
  {
    name: 'a certificate expired within the last day expired less than a day ago',
    config: under14,
    steps: [[0, days(-1)]],
    expect: ['trigger@0'],
    check: (signals) => {
      assert.equal(signals[0]!.summary, 'the certificate expired less than a day ago');
      assert.equal(signals[0]!.details['daysLeft'], -1);
    },
  },
];

describe('certificate-expiring detector', () => {
  for (const row of rows) {
    test(row.name, () => {
      const { trace, signals } = play(certificateExpiring, row.config, row.steps);
      assert.deepEqual(trace, row.expect);
      row.check?.(signals);
    });
  }
});
