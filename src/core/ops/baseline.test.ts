import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { baselineSamples, baselineValue, createBaseline, updateBaseline } from './baseline.js';

const MIN = 60_000;

describe('rolling baseline', () => {
  test('median of completed one-minute slots over the last hour', () => {
    const b = createBaseline();
    // 10 minutes at ~100 ms, one sample every 10 s.
    for (let t = 0; t < 10 * MIN; t += 10_000) updateBaseline(b, t, 100 + ((t / 10_000) % 3));
    const value = baselineValue(b, 10 * MIN);
    assert.ok(value !== null && value > 99 && value < 103, String(value));
    assert.equal(baselineSamples(b), 9, 'the slot being filled does not count yet');
  });

  test('null until enough slots exist', () => {
    const b = createBaseline();
    updateBaseline(b, 0, 100);
    assert.equal(baselineValue(b, 0), null);
    updateBaseline(b, MIN, 100);
    assert.equal(baselineValue(b, MIN, 2), null);
    assert.equal(baselineValue(b, MIN, 1), 100);
  });

  test('a short spike does not move the median; old slots leave after the horizon', () => {
    const b = createBaseline(60 * MIN, 60);
    for (let m = 0; m < 60; m++) updateBaseline(b, m * MIN, 100);
    for (let m = 60; m < 70; m++) updateBaseline(b, m * MIN, 5000);
    assert.equal(baselineValue(b, 70 * MIN), 100);
    // Three hours later every 100 ms slot has left the horizon.
    for (let m = 70; m < 240; m++) updateBaseline(b, m * MIN, 400);
    assert.equal(baselineValue(b, 240 * MIN), 400);
  });

  test('bounded and plain JSON whatever the sample count', () => {
    const b = createBaseline();
    for (let i = 0; i < 100_000; i++) updateBaseline(b, i * 100, i % 500);
    assert.ok(b.slots.at.length <= 60);
    assert.deepEqual(JSON.parse(JSON.stringify(b)), b);
    assert.ok(JSON.stringify(b).length < 3000, `${JSON.stringify(b).length} chars`);
  });

  test('non-finite values are ignored', () => {
    const b = createBaseline();
    updateBaseline(b, 0, Number.NaN);
    assert.equal(b.current, null);
  });
});
