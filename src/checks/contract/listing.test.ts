import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HttpRequest, HttpResponse } from '../../http/types.js';
import { createdId, isWholeCollection, listItems } from './listing.js';

const request = (query: Record<string, string> = {}): HttpRequest => ({ method: 'GET', url: '/x', query });
const response = (headers: Record<string, string> = {}) => ({ headers }) as unknown as HttpResponse;

describe('listing helpers', () => {
  test('items from an array body or its list property', () => {
    assert.deepEqual(listItems([1]), [1]);
    assert.deepEqual(listItems({ data: [2] }), [2]);
    assert.deepEqual(listItems({ items: [3] }), [3]);
    assert.equal(listItems({ count: 1 }), undefined);
    assert.equal(createdId({ id: 'a' }), 'a');
    assert.equal(createdId([{ id: 'a' }]), undefined);
  });

  const rows: [string, HttpRequest, HttpResponse, unknown, unknown[], boolean][] = [
    [
      'has_more false is the whole collection',
      request(),
      response(),
      { data: [], has_more: false },
      [],
      true,
    ],
    ['has_more true is a page', request(), response(), { data: [], has_more: true }, [], false],
    ['a next cursor is a page', request(), response(), { data: [], next_cursor: 'c2' }, [], false],
    ['a null next cursor is the end', request(), response(), { data: [], next_cursor: null }, [], true],
    ['a Link rel=next is a page', request(), response({ link: '<...>; rel="next"' }), [], [], false],
    ['fewer items than the limit is the end', request({ limit: '10' }), response(), [1, 2], [1, 2], true],
    ['a full page says nothing', request({ limit: '2' }), response(), [1, 2], [1, 2], false],
    [
      'a filter makes any listing partial',
      request({ status: 'open' }),
      response(),
      { data: [], has_more: false },
      [],
      false,
    ],
    ['a bare array without a limit says nothing', request(), response(), [1], [1], false],
  ];
  for (const [name, req, res, body, items, whole] of rows) {
    test(name, () => assert.equal(isWholeCollection(req, res, body, items), whole));
  }
});
