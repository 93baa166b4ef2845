import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { percentile } from '../core/stats.js';
import { Histogram } from './histogram.js';

describe('Histogram', () => {
  test('percentiles within 1% of the exact nearest-rank values', () => {
    const h = new Histogram();
    const values: number[] = [];
    let seed = 7;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      // A long tail: mostly around 1-5 ms, some up to seconds.
      const v = Math.round(1000 * Math.exp((seed / 2 ** 31) * 8));
      values.push(v);
      h.record(v);
    }
    values.sort((a, b) => a - b);
    for (const p of [50, 90, 95, 99, 99.9]) {
      const exact = percentile(values, p);
      const got = h.percentile(p);
      assert.ok(Math.abs(got - exact) / exact < 0.01, `p${p}: ${got} vs ${exact}`);
    }
    assert.equal(h.max, values.at(-1));
    assert.equal(h.min, values[0]);
    assert.equal(h.count, 20_000);
  });

  test('small values are exact and the percentile never exceeds the max', () => {
    const h = new Histogram();
    for (const v of [3, 1, 2, 200]) h.record(v);
    assert.equal(h.percentile(50), 2);
    assert.equal(h.percentile(100), 200);
    h.record(1_000_001);
    assert.equal(h.percentile(100), 1_000_001);
  });

  test('merging two histograms equals recording everything in one', () => {
    const a = new Histogram();
    const b = new Histogram();
    const all = new Histogram();
    for (let i = 1; i < 5000; i++) {
      const v = (i * 7919) % 300_000;
      (i % 2 ? a : b).record(v);
      all.record(v);
    }
    const merged = Histogram.from(a.toJSON());
    merged.add(Histogram.from(b.toJSON()));
    assert.deepEqual([...merged.counts], [...all.counts]);
    for (const p of [50, 95, 99]) assert.equal(merged.percentile(p), all.percentile(p));
    assert.equal(merged.max, all.max);
    assert.equal(merged.sum, all.sum);
  });

  test('countAbove counts only values certainly above the limit', () => {
    const h = new Histogram();
    for (const v of [500_000, 999_000, 1_000_000, 1_020_000, 2_000_000]) h.record(v);
    // 1 s = 1_000_000 µs: 1.02 s and 2 s are above; 999 ms and the 1 s bucket are not.
    assert.equal(h.countAbove(1_000_000), 2);
  });

  test('values beyond the range are clamped into the last bucket, not lost', () => {
    const h = new Histogram();
    h.record(2 ** 33);
    assert.equal(h.count, 1);
    assert.equal(h.percentile(50), 2 ** 33);
  });
});
