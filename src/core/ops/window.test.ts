import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  burnRate,
  clearWindow,
  createWindow,
  forEachEntry,
  lastValue,
  pruneWindow,
  pushWindow,
  type SlidingWindow,
  windowCount,
  windowFailures,
  windowPercentile,
  windowRatio,
  windowSum,
} from './window.js';

function entries(w: SlidingWindow): [number, number][] {
  const out: [number, number][] = [];
  forEachEntry(w, (at, v) => out.push([at, v]));
  return out;
}

describe('sliding window', () => {
  test('keeps entries in order and drops the oldest at capacity', () => {
    const w = createWindow(3);
    for (let t = 1; t <= 5; t++) pushWindow(w, t * 1000, t);
    assert.deepEqual(entries(w), [
      [3000, 3],
      [4000, 4],
      [5000, 5],
    ]);
    assert.equal(windowCount(w), 3);
    assert.equal(lastValue(w), 5);
    assert.equal(w.at.length, 3, 'never more than max entries stored');
  });

  test('prunes by age: entries at or before now - window leave', () => {
    const w = createWindow(10);
    for (const t of [0, 1000, 2000, 3000]) pushWindow(w, t, 1);
    pruneWindow(w, 4000, 2000);
    assert.deepEqual(
      entries(w).map(([at]) => at),
      [3000],
    );
    pruneWindow(w, 10_000, 2000);
    assert.equal(windowCount(w), 0);
    assert.deepEqual(w.at, [], 'an emptied window is small again in JSON');
  });

  test('pushes after pruning reuse the ring without losing order', () => {
    const w = createWindow(4);
    let t = 0;
    for (let round = 0; round < 50; round++) {
      pushWindow(w, ++t, t);
      pushWindow(w, ++t, t);
      pruneWindow(w, t, 3);
      const ats = entries(w).map(([at]) => at);
      assert.deepEqual(
        ats,
        [...ats].sort((a, b) => a - b),
      );
      assert.ok(ats.every((at) => at > t - 3));
    }
    assert.deepEqual(JSON.parse(JSON.stringify(w)), w, 'plain JSON');
  });

  test('counts, failures, ratio and percentile', () => {
    const w = createWindow(100);
    for (const v of [0, 1, 0, 0, 1]) pushWindow(w, 1, v);
    assert.equal(windowSum(w), 2);
    assert.equal(windowFailures(w), 2);
    assert.equal(windowRatio(w), 0.4);
    const lat = createWindow(100);
    for (let i = 1; i <= 100; i++) pushWindow(lat, i, 101 - i);
    assert.equal(windowPercentile(lat, 95), 95);
    assert.equal(windowPercentile(lat, 50), 50);
    assert.equal(windowPercentile(createWindow(3), 50), null);
    assert.equal(windowRatio(createWindow(3)), null);
    clearWindow(lat);
    assert.equal(windowCount(lat), 0);
  });

  test('burn rate is the error ratio over the budget', () => {
    assert.equal(burnRate(0.1, 0.05), 2);
    assert.equal(burnRate(0, 0.05), 0);
    assert.equal(burnRate(0, 0), 0);
    assert.equal(burnRate(0.01, 0), Number.POSITIVE_INFINITY);
  });
});
