import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ArrivalSchedule } from './schedule.js';

describe('ArrivalSchedule', () => {
  test('a constant rate spaces arrivals evenly', () => {
    const s = new ArrivalSchedule(10, [{ durationMs: 2000, target: 10 }]);
    assert.equal(s.total, 20);
    assert.equal(s.timeOf(0), 0);
    assert.equal(s.timeOf(1), 100);
    assert.equal(s.timeOf(19), 1900);
  });

  test('a ramp from 0 to 100/s over 1 s then 100/s for 1 s', () => {
    const s = new ArrivalSchedule(0, [
      { durationMs: 1000, target: 100 },
      { durationMs: 1000, target: 100 },
    ]);
    // 50 arrivals in the ramp (the area of the triangle), 100 after.
    assert.equal(s.total, 150);
    // N(t) = 50·t² (t in s): arrival 50·0.25 = 12.5 → k=12.5 at 0.5 s; k=50 at 1 s.
    assert.ok(Math.abs(s.timeOf(50) - 1000) < 1e-6);
    assert.ok(Math.abs(s.timeOf(100) - 1500) < 1e-6);
    assert.ok(s.timeOf(1) > s.timeOf(0));
    // Arrivals come ever closer together during the ramp.
    assert.ok(s.timeOf(2) - s.timeOf(1) > s.timeOf(40) - s.timeOf(39));
  });

  test('a duration shorter than the stages cuts the schedule', () => {
    const s = new ArrivalSchedule(100, [{ durationMs: 10_000, target: 100 }], 500);
    assert.equal(s.total, 50);
    assert.equal(s.durationMs, 500);
  });

  test('rateAt follows the ramp', () => {
    const s = new ArrivalSchedule(10, [{ durationMs: 1000, target: 30 }]);
    assert.equal(s.rateAt(500), 20);
  });
});
