import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SampleFinding } from '../types.js';
import { credentialFailing } from './credential-failing.js';
import { configOf, play, type Scenario } from './scenario.test-helper.js';

const finding = (code: string, severity: SampleFinding['severity'] = 'error'): SampleFinding => ({
  code,
  severity,
  message: `${code} happened`,
});
const refused = { outcome: 'failed' as const, findings: [finding('credentials.token-refused')] };
const fine = { measurements: { 'credentials.tokenLifetimeS': 3600 } };
const DAY_S = 86_400;
const config = configOf('credential-failing', { minLifetimeS: 300, rotationMs: 90 * DAY_S * 1000 });

const rows: Scenario<'credential-failing'>[] = [
  {
    name: 'a refused token triggers; two good samples recover',
    config,
    steps: [
      [0, fine],
      [60, refused],
      [120, refused],
      [180, fine],
      [240, fine],
    ],
    expect: ['trigger@60', 'recover@240'],
    check: (signals) => {
      assert.deepEqual(signals[0]!.details['reasons'], ['credentials.token-refused']);
      assert.equal(signals[0]!.signature, 'credential-failing:api:credentials.token-refused');
      assert.match(signals[0]!.summary, /credentials\.token-refused: credentials\.token-refused happened/);
    },
  },
  {
    name: 'a token living less than minLifetimeS',
    config,
    steps: [[0, { measurements: { 'credentials.tokenLifetimeS': 120 } }]],
    expect: ['trigger@0'],
    check: (signals) => assert.match(signals[0]!.summary, /the token lives 2m/),
  },
  {
    name: 'a secret older than its rotation period',
    config,
    steps: [
      [0, { measurements: { 'credentials.tokenLifetimeS': 3600, 'credentials.secretAgeS': 91 * DAY_S } }],
    ],
    expect: ['trigger@0'],
    check: (signals) => {
      assert.deepEqual(signals[0]!.details['reasons'], ['rotation-overdue']);
      assert.match(signals[0]!.summary, /the secret is 91d old \(rotate every 90d\)/);
    },
  },
  {
    name: 'a new reason while failing is an update',
    config,
    steps: [
      [0, refused],
      [60, refused],
      [
        120,
        {
          outcome: 'failed',
          findings: [finding('credentials.token-refused'), finding('credentials.rejected')],
        },
      ],
    ],
    expect: ['trigger@0', 'update@120'],
  },
  {
    name: 'not-enforced and unreachable, warnings, and other codes are not a failing credential',
    config,
    steps: [
      [
        0,
        {
          outcome: 'failed',
          findings: [
            finding('credentials.not-enforced'),
            finding('credentials.unreachable'),
            finding('credentials.expiring', 'warning'),
            finding('response.body.schema'),
          ],
        },
      ],
    ],
    expect: [],
  },
  {
    name: 'errored samples neither trigger nor clear; other monitors without credentials evidence say nothing',
    config,
    steps: [
      [0, refused],
      [60, { outcome: 'errored', error: { code: 'ETIMEDOUT', message: 'x' } }],
      [120, { monitorId: 'health' }],
      [180, { monitorId: 'health' }],
      [240, { outcome: 'errored', error: { code: 'ETIMEDOUT', message: 'x' } }],
    ],
    expect: ['trigger@0'],
  },
  {
    name: 'no lifetime or rotation checks when they are null',
    config: configOf('credential-failing', { minLifetimeS: null, rotationMs: null }),
    steps: [[0, { measurements: { 'credentials.tokenLifetimeS': 1, 'credentials.secretAgeS': 1e9 } }]],
    expect: [],
  },
];

describe('credential-failing detector', () => {
  for (const row of rows) {
    test(row.name, () => {
      const { trace, signals } = play(credentialFailing, row.config, row.steps);
      assert.deepEqual(trace, row.expect);
      row.check?.(signals);
    });
  }
});
