import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatDuration, isDuration, parseDuration } from './duration.js';
import { InputError } from './errors.js';

describe('parseDuration', () => {
  const rows: [string | number, number][] = [
    ['300ms', 300],
    ['1.5s', 1500],
    ['2s', 2000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['90d', 7_776_000_000],
    ['1w', 604_800_000],
    ['250us', 0.25],
    ['250µs', 0.25],
    ['300', 300],
    ['0', 0],
    [' 300 ms ', 300],
    [42, 42],
  ];
  for (const [text, ms] of rows) {
    test(`${JSON.stringify(text)} → ${ms}ms`, () => assert.equal(parseDuration(text), ms));
  }

  for (const text of ['', 'fast', '-5ms', '5 minutes', '1.s', 'ms', '5ns', '1e3ms', '5M']) {
    test(`${JSON.stringify(text)} is rejected with an example in the message`, () => {
      assert.throws(
        () => parseDuration(text),
        (error: unknown) =>
          error instanceof InputError &&
          error.code === 'duration.invalid' &&
          error.message.includes('examples: 300ms'),
      );
      assert.equal(isDuration(text), false);
    });
  }

  test('isDuration is true for what parses', () => {
    assert.equal(isDuration('300ms'), true);
    assert.equal(isDuration('12'), true);
  });
});

describe('formatDuration', () => {
  const rows: [number, string][] = [
    [0.25, '250µs'],
    [0.9994, '999µs'],
    [0.9996, '1ms'],
    [850, '850ms'],
    [999.4, '999ms'],
    [999.6, '1.00s'],
    [1250, '1.25s'],
    [9_999, '10.0s'],
    [12_500, '12.5s'],
    [59_999, '1m 0s'],
    [119_999, '2m 0s'],
    [200_000, '3m 20s'],
  ];
  for (const [ms, text] of rows) {
    test(`${ms} → ${text}`, () => assert.equal(formatDuration(ms), text));
  }

  test('a formatted duration parses back close to its value', () => {
    for (const ms of [0.5, 300, 1500, 12_500]) {
      const back = parseDuration(formatDuration(ms));
      assert.ok(Math.abs(back - ms) / ms < 0.01, `${ms} → ${formatDuration(ms)} → ${back}`);
    }
  });
});
