import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from './errors.js';
import {
  getJsonPath,
  jsonPathToPointer,
  type PathSegment,
  parseJsonPath,
  queryJsonPath,
} from './jsonpath.js';

describe('parseJsonPath', () => {
  const rows: [string, PathSegment[]][] = [
    ['$', []],
    ['$.a.b', [{ key: 'a' }, { key: 'b' }]],
    ['$.data[0].id', [{ key: 'data' }, { index: 0 }, { key: 'id' }]],
    ['$.items[-1]', [{ key: 'items' }, { index: -1 }]],
    ['$[ 2 ]', [{ index: 2 }]],
    ['$[*].id', [{ wildcard: true }, { key: 'id' }]],
    ['$.*', [{ wildcard: true }]],
    ["$['a.b']", [{ key: 'a.b' }]],
    ['$["x y"]', [{ key: 'x y' }]],
    ["$['it\\'s']", [{ key: "it's" }]],
    ['$["say \\"hi\\""]', [{ key: 'say "hi"' }]],
    ["$['0']", [{ key: '0' }]],
    ['$.links.self-href', [{ key: 'links' }, { key: 'self-href' }]],
    ['  $.a  ', [{ key: 'a' }]],
  ];
  for (const [path, segments] of rows) {
    test(`${path}`, () => assert.deepEqual(parseJsonPath(path), segments));
  }

  const invalid: [string, RegExp][] = [
    ['a.b', /must start with \$/],
    ['', /must start with \$/],
    ['$..a', /near column 2/],
    ['$[abc]', /near column 2/],
    ['$[', /near column 2/],
    ["$['unterminated]", /near column 2/],
    ['$a', /near column 2/],
    ['$.a[1.5]', /near column 4/],
    ['$.', /near column 2/],
  ];
  for (const [path, message] of invalid) {
    test(`${JSON.stringify(path)} is invalid`, () => {
      assert.throws(
        () => parseJsonPath(path),
        (error: unknown) =>
          error instanceof InputError && error.code === 'jsonpath.invalid' && message.test(error.message),
      );
    });
  }
});

describe('queryJsonPath and getJsonPath', () => {
  const doc = {
    data: [
      { id: 'p1', amount: 10 },
      { id: 'p2', amount: 20 },
      { id: 'p3', amount: null },
    ],
    meta: { 'next.page': 2, 'x y': true, empty: null },
    total: 0,
  };
  const rows: { path: string; all: unknown[]; first: unknown }[] = [
    { path: '$', all: [doc], first: doc },
    { path: '$.total', all: [0], first: 0 },
    { path: '$.data[0].id', all: ['p1'], first: 'p1' },
    { path: '$.data[-1].id', all: ['p3'], first: 'p3' },
    { path: '$.data[-3].id', all: ['p1'], first: 'p1' },
    { path: '$.data[-4].id', all: [], first: undefined },
    { path: '$.data[3]', all: [], first: undefined },
    { path: '$.data[*].id', all: ['p1', 'p2', 'p3'], first: 'p1' },
    { path: '$.data.*.amount', all: [10, 20, null], first: 10 },
    { path: '$.meta.*', all: [2, true, null], first: 2 },
    { path: "$.meta['next.page']", all: [2], first: 2 },
    { path: '$.meta["x y"]', all: [true], first: true },
    { path: '$.meta.empty', all: [null], first: null },
    { path: '$.meta.absent', all: [], first: undefined },
    { path: '$.data.id', all: [], first: undefined },
    { path: '$.meta[0]', all: [], first: undefined },
    { path: '$.total.*', all: [], first: undefined },
    { path: '$.constructor', all: [], first: undefined },
    { path: '$.data[0].id.length', all: [], first: undefined },
  ];
  for (const row of rows) {
    test(`${row.path}`, () => {
      assert.deepEqual(queryJsonPath(doc, row.path), row.all);
      assert.deepEqual(getJsonPath(doc, row.path), row.first);
    });
  }

  test('absent on non-JSON roots', () => {
    assert.equal(getJsonPath(undefined, '$.a'), undefined);
    assert.equal(getJsonPath('text', '$.length'), undefined);
    assert.equal(getJsonPath(null, '$[0]'), undefined);
  });

  test('an invalid path throws instead of answering "absent"', () => {
    assert.throws(() => getJsonPath(doc, 'data[0]'), InputError);
  });
});

describe('jsonPathToPointer', () => {
  const rows: [string, string][] = [
    ['$', ''],
    ['$.data[0].id', '/data/0/id'],
    ["$['a/b']['c~d']", '/a~1b/c~0d'],
    ['$.items[-1]', '/items/-1'],
    ['$.data[*].id', '/data/*/id'],
  ];
  for (const [path, pointer] of rows) {
    test(`${path} → ${JSON.stringify(pointer)}`, () => assert.equal(jsonPathToPointer(path), pointer));
  }
});
