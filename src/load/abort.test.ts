import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseThreshold } from '../core/threshold.js';
import { certainFailure } from './abort.js';
import { Histogram } from './histogram.js';

function live(valuesMs: number[], failed = 0) {
  const latency = new Histogram();
  for (const v of valuesMs) latency.record(v * 1000);
  return { latency, requests: valuesMs.length, failed };
}

describe('certainFailure', () => {
  const cases: {
    name: string;
    threshold: string;
    values: number[];
    failed?: number;
    planned?: number;
    certain: boolean;
  }[] = [
    {
      name: 'max fails once one request is slower',
      threshold: 'max < 1s',
      values: [10, 1200],
      certain: true,
    },
    { name: 'max can still pass', threshold: 'max < 1s', values: [10, 900], certain: false },
    {
      name: 'error rate over the cap of the planned total',
      threshold: 'errorRate < 1%',
      values: [1, 1],
      failed: 2,
      planned: 100,
      certain: true,
    },
    {
      name: 'error rate still under the cap of the planned total',
      threshold: 'errorRate < 1%',
      values: [1],
      failed: 1,
      planned: 200,
      certain: false,
    },
    {
      name: 'error rate without a planned total is never certain',
      threshold: 'errorRate < 1%',
      values: [1],
      failed: 1,
      certain: false,
    },
    {
      name: 'p99 fails when more than 1% of the plan is slower',
      threshold: 'p99 < 100ms',
      values: [200, 200],
      planned: 100,
      certain: true,
    },
    {
      name: 'p99 can pass with 1% of the plan slower',
      threshold: 'p99 < 100ms',
      values: [200],
      planned: 100,
      certain: false,
    },
    {
      name: 'a lower bound (rps >= 100) is never decided early',
      threshold: 'rps >= 100',
      values: [1],
      planned: 10,
      certain: false,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const reason = certainFailure(parseThreshold(c.threshold), live(c.values, c.failed), c.planned);
      assert.equal(reason !== undefined, c.certain, reason);
    });
  }
});
