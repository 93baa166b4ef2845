import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { latencyMeasurements, percentile } from './stats.js';

describe('percentile (nearest rank)', () => {
  const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const rows: [readonly number[], number, number][] = [
    [ten, 50, 5],
    [ten, 90, 9],
    [ten, 95, 10],
    [ten, 99, 10],
    [ten, 100, 10],
    [ten, 0, 1],
    [ten, 10, 1],
    [ten, 11, 2],
    [[42], 50, 42],
    [[42], 99, 42],
    [[10, 20], 50, 10],
    [[10, 20], 51, 20],
  ];
  for (const [sorted, p, expected] of rows) {
    test(`p${p} of [${sorted.join(',')}] = ${expected}`, () => assert.equal(percentile(sorted, p), expected));
  }

  test('empty list → NaN', () => assert.ok(Number.isNaN(percentile([], 50))));

  test('a value at p95 of 100 samples is the 95th smallest', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(values, 95), 95);
  });
});

describe('latencyMeasurements', () => {
  test('empty input → no measurements (thresholds then see them as missing)', () => {
    assert.deepEqual(latencyMeasurements([]), {});
  });

  test('unsorted input, names thresholds use, rounded to 2 decimals', () => {
    assert.deepEqual(latencyMeasurements([30, 10.123, 20, 40.006]), {
      'latency.min': 10.12,
      'latency.avg': 25.03,
      'latency.p50': 20,
      'latency.p90': 40.01,
      'latency.p95': 40.01,
      'latency.p99': 40.01,
      'latency.max': 40.01,
    });
  });

  test('one sample → every measurement is that sample', () => {
    const m = latencyMeasurements([7]);
    for (const value of Object.values(m)) assert.equal(value, 7);
    assert.equal(Object.keys(m).length, 7);
  });

  test('does not reorder the caller’s array', () => {
    const values = [3, 1, 2];
    latencyMeasurements(values);
    assert.deepEqual(values, [3, 1, 2]);
  });
});
