import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type CompareOptions, compareResponses, mediaType, type Side } from './compare.js';

const JSON_TYPE = { 'content-type': 'application/json' };

function side(name: string, partial: Partial<Side> = {}): Side {
  return { name, status: 200, headers: JSON_TYPE, body: '{"id":"p1","amount":10}', ...partial };
}

const DEFAULTS: CompareOptions = { headers: ['content-type'], compareValues: false };

/** code pointer [expected | actual] per difference, for compact assertions. */
function compare(a: Partial<Side>, b: Partial<Side>, options = DEFAULTS): string[] {
  return compareResponses(side('sandbox', a), side('production', b), options).map(
    (d) => `${d.code} ${d.pointer} [${d.expected} | ${d.actual}]`,
  );
}

describe('compareResponses', () => {
  test('identical responses with other values: nothing', () => {
    assert.deepEqual(compare({}, { body: '{"id":"p2","amount":99}' }), []);
  });

  test('a different status is one error, and nothing else is compared', () => {
    const diffs = compareResponses(
      side('sandbox'),
      side('production', { status: 404, body: 'no' }),
      DEFAULTS,
    );
    assert.equal(diffs.length, 1);
    assert.equal(diffs[0]?.severity, 'error');
    assert.equal(diffs[0]?.message, 'answered 200 in sandbox but 404 in production');
    assert.deepEqual(compare({}, { status: 404 }), ['drift.status status [200 | 404]']);
  });

  test('a missing property and a type change are shape errors with their pointers', () => {
    const diffs = compareResponses(side('sandbox'), side('production', { body: '{"id":7}' }), DEFAULTS);
    assert.deepEqual(
      diffs.map((d) => [d.code, d.severity, d.pointer, d.expected, d.actual]),
      [
        ['drift.shape', 'error', '/id', 'string', 'number'],
        ['drift.shape', 'error', '/amount', 'number', 'absent'],
      ],
    );
    assert.equal(diffs[1]?.message, '/amount is a number in sandbox but absent in production');
  });

  test('content-type compared by media type: parameters do not count', () => {
    assert.deepEqual(compare({}, { headers: { 'content-type': 'application/json; charset=utf-8' } }), []);
    assert.deepEqual(compare({}, { headers: { 'content-type': 'application/problem+json' } }), [
      'drift.header header:content-type [application/json | application/problem+json]',
    ]);
    assert.equal(mediaType('Text/HTML ; charset=x'), 'text/html');
  });

  test('header differences are warnings', () => {
    const diffs = compareResponses(
      side('sandbox'),
      side('production', { headers: { 'content-type': 'text/plain' } }),
      DEFAULTS,
    );
    assert.equal(diffs[0]?.severity, 'warning');
  });

  test('other headers: presence by default, values only when asked', () => {
    const a = { headers: { ...JSON_TYPE, 'x-rate-limit': '100', 'cache-control': 'no-store' } };
    const b = { headers: { ...JSON_TYPE, 'x-rate-limit': '5' } };
    const presence = { headers: ['content-type', 'x-rate-limit', 'cache-control'], compareValues: false };
    assert.deepEqual(compare(a, b, presence), ['drift.header header:cache-control [no-store | absent]']);
    assert.deepEqual(compare(a, b, { ...presence, compareValues: true }), [
      'drift.header header:x-rate-limit [100 | 5]',
      'drift.header header:cache-control [no-store | absent]',
    ]);
  });

  test('API version from a version header or the body, as warnings', () => {
    assert.deepEqual(
      compare(
        { headers: { ...JSON_TYPE, 'api-version': '2024-01' } },
        { headers: { ...JSON_TYPE, 'api-version': '2023-06' } },
      ),
      ['drift.version header:api-version [2024-01 | 2023-06]'],
    );
    assert.deepEqual(compare({ body: '{"version":"2.1.0"}' }, { body: '{"version":"2.0.3"}' }), [
      'drift.version /version [2.1.0 | 2.0.3]',
    ]);
    // The header only one side sends is not a version difference (nothing to compare).
    assert.deepEqual(compare({ headers: { ...JSON_TYPE, 'x-api-version': '3' } }, {}), []);
  });

  test('JSON in one environment and not in the other is a shape error at the root', () => {
    assert.deepEqual(compare({}, { body: '<html>oops</html>', headers: { 'content-type': 'text/html' } }), [
      'drift.header header:content-type [application/json | text/html]',
      'drift.shape  [JSON | not JSON]',
    ]);
    assert.deepEqual(compare({ body: '' }, { body: '' }), []);
  });
});
