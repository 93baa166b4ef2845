import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeStatus, statusMatches } from './status.js';

describe('statusMatches', () => {
  const rows: [number, number | string | number[] | undefined, boolean][] = [
    [200, undefined, true],
    [299, undefined, true],
    [199, undefined, false],
    [300, undefined, false],
    [404, 404, true],
    [200, 404, false],
    [409, [200, 409], true],
    [201, [200, 409], false],
    [503, '5xx', true],
    [499, '5xx', false],
    [101, '1xx', true],
  ];
  for (const [status, expected, result] of rows) {
    test(`${status} vs ${JSON.stringify(expected) ?? 'default'} → ${result}`, () =>
      assert.equal(statusMatches(status, expected), result));
  }
});

describe('describeStatus', () => {
  test('default, code, list and class', () => {
    assert.equal(describeStatus(undefined), '2xx');
    assert.equal(describeStatus(201), '201');
    assert.equal(describeStatus([200, 204]), '200 or 204');
    assert.equal(describeStatus('4xx'), '4xx');
  });
});
