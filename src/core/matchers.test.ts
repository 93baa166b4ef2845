import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { equal, type MatcherSpec, match, show } from './matchers.js';

interface Row {
  name: string;
  actual: unknown;
  spec: MatcherSpec;
  /** undefined when the value must match; else the expected/actual the failure reports. */
  failure?: { expected: string; actual: string };
}

const rows: Row[] = [
  // Scalars are equality.
  { name: 'string equals', actual: 'ok', spec: 'ok' },
  { name: 'number equals', actual: 12, spec: 12 },
  { name: 'boolean false equals false', actual: false, spec: false },
  { name: 'null equals null', actual: null, spec: null },
  { name: 'strict: "12" is not 12', actual: '12', spec: 12, failure: { expected: '12', actual: '"12"' } },
  { name: 'strict: 12 is not "12"', actual: 12, spec: '12', failure: { expected: '"12"', actual: '12' } },
  { name: 'strict: 0 is not null', actual: 0, spec: null, failure: { expected: 'null', actual: '0' } },
  {
    name: 'strict: "true" is not true',
    actual: 'true',
    spec: true,
    failure: { expected: 'true', actual: '"true"' },
  },
  // Absent values.
  {
    name: 'absent fails a scalar',
    actual: undefined,
    spec: 'x',
    failure: { expected: '"x"', actual: 'absent' },
  },
  {
    name: 'absent fails an operator and names it',
    actual: undefined,
    spec: { gt: 5 },
    failure: { expected: 'gt 5', actual: 'absent' },
  },
  {
    name: 'absent fails an empty operator object as "present"',
    actual: undefined,
    spec: {},
    failure: { expected: 'present', actual: 'absent' },
  },
  { name: 'present value passes an empty operator object', actual: 0, spec: {} },
  // exists.
  { name: 'exists:true with a value', actual: 'v', spec: { exists: true } },
  { name: 'exists:true counts null as present', actual: null, spec: { exists: true } },
  {
    name: 'exists:true with absent',
    actual: undefined,
    spec: { exists: true },
    failure: { expected: 'present', actual: 'absent' },
  },
  { name: 'exists:false with absent', actual: undefined, spec: { exists: false } },
  {
    name: 'exists:false with a value',
    actual: 'v',
    spec: { exists: false },
    failure: { expected: 'absent', actual: '"v"' },
  },
  {
    name: 'exists:false with null (null is present)',
    actual: null,
    spec: { exists: false },
    failure: { expected: 'absent', actual: 'null' },
  },
  // eq / ne.
  {
    name: 'eq deep object, key order ignored',
    actual: { a: 1, b: [1, 2] },
    spec: { eq: { b: [1, 2], a: 1 } },
  },
  {
    name: 'eq deep object differs',
    actual: { a: 1 },
    spec: { eq: { a: '1' } },
    failure: { expected: '{"a":"1"}', actual: '{"a":1}' },
  },
  {
    name: 'eq array vs object of same keys',
    actual: ['x'],
    spec: { eq: { 0: 'x' } },
    failure: { expected: '{"0":"x"}', actual: '["x"]' },
  },
  { name: 'eq null explicitly', actual: null, spec: { eq: null } },
  { name: 'ne holds', actual: 'a', spec: { ne: 'b' } },
  { name: 'ne fails', actual: 'a', spec: { ne: 'a' }, failure: { expected: 'not "a"', actual: '"a"' } },
  { name: 'ne is strict ("1" ne 1)', actual: '1', spec: { ne: 1 } },
  // Numeric comparisons.
  { name: 'gt holds', actual: 6, spec: { gt: 5 } },
  { name: 'gt boundary fails', actual: 5, spec: { gt: 5 }, failure: { expected: '> 5', actual: '5' } },
  {
    name: 'gt on a numeric string fails',
    actual: '6',
    spec: { gt: 5 },
    failure: { expected: '> 5', actual: '"6"' },
  },
  { name: 'gte boundary holds', actual: 5, spec: { gte: 5 } },
  { name: 'gte fails', actual: 4, spec: { gte: 5 }, failure: { expected: '≥ 5', actual: '4' } },
  { name: 'lt holds', actual: 4, spec: { lt: 5 } },
  { name: 'lt boundary fails', actual: 5, spec: { lt: 5 }, failure: { expected: '< 5', actual: '5' } },
  { name: 'lte boundary holds', actual: 5, spec: { lte: 5 } },
  { name: 'lte fails', actual: 6, spec: { lte: 5 }, failure: { expected: '≤ 5', actual: '6' } },
  { name: 'range gte+lt holds', actual: 200, spec: { gte: 200, lt: 300 } },
  {
    name: 'range gte+lt fails on the upper bound',
    actual: 300,
    spec: { gte: 200, lt: 300 },
    failure: { expected: '< 300', actual: '300' },
  },
  // contains.
  { name: 'contains substring', actual: 'application/json; charset=utf-8', spec: { contains: 'json' } },
  {
    name: 'contains substring fails',
    actual: 'text/html',
    spec: { contains: 'json' },
    failure: { expected: 'containing "json"', actual: '"text/html"' },
  },
  { name: 'contains array element, deep', actual: [{ id: 1 }, { id: 2 }], spec: { contains: { id: 2 } } },
  {
    name: 'contains array element is strict',
    actual: [1, 2],
    spec: { contains: '2' },
    failure: { expected: 'containing "2"', actual: '[1,2]' },
  },
  {
    name: 'contains on a number fails',
    actual: 123,
    spec: { contains: '2' },
    failure: { expected: 'containing "2"', actual: '123' },
  },
  {
    name: 'contains a number in a string fails (no coercion)',
    actual: 'a2',
    spec: { contains: 2 },
    failure: { expected: 'containing 2', actual: '"a2"' },
  },
  // matches.
  { name: 'matches regex', actual: 'pay_123', spec: { matches: '^pay_\\d+$' } },
  {
    name: 'matches fails',
    actual: 'ref_1',
    spec: { matches: '^pay_' },
    failure: { expected: 'matching /^pay_/', actual: '"ref_1"' },
  },
  {
    name: 'matches on a number fails',
    actual: 123,
    spec: { matches: '\\d+' },
    failure: { expected: 'matching /\\d+/', actual: '123' },
  },
  // type.
  { name: 'type string', actual: 's', spec: { type: 'string' } },
  { name: 'type integer', actual: 3, spec: { type: 'integer' } },
  {
    name: 'type integer fails on 1.5',
    actual: 1.5,
    spec: { type: 'integer' },
    failure: { expected: 'a integer', actual: '1.5' },
  },
  { name: 'type number accepts an integer', actual: 3, spec: { type: 'number' } },
  {
    name: 'type number fails on a numeric string',
    actual: '3',
    spec: { type: 'number' },
    failure: { expected: 'a number', actual: '"3"' },
  },
  { name: 'type array', actual: [], spec: { type: 'array' } },
  {
    name: 'type object fails on an array',
    actual: [],
    spec: { type: 'object' },
    failure: { expected: 'a object', actual: '[]' },
  },
  { name: 'type object', actual: {}, spec: { type: 'object' } },
  { name: 'type null', actual: null, spec: { type: 'null' } },
  {
    name: 'type object fails on null',
    actual: null,
    spec: { type: 'object' },
    failure: { expected: 'a object', actual: 'null' },
  },
  { name: 'type boolean', actual: true, spec: { type: 'boolean' } },
  // in.
  { name: 'in holds', actual: 'captured', spec: { in: ['authorized', 'captured'] } },
  {
    name: 'in fails',
    actual: 'failed',
    spec: { in: ['authorized', 'captured'] },
    failure: { expected: 'one of ["authorized","captured"]', actual: '"failed"' },
  },
  {
    name: 'in is strict',
    actual: 1,
    spec: { in: ['1'] },
    failure: { expected: 'one of ["1"]', actual: '1' },
  },
  // length.
  { name: 'length of a string', actual: 'abc', spec: { length: 3 } },
  { name: 'length of an array', actual: [1, 2], spec: { length: 2 } },
  { name: 'length of an object (its keys)', actual: { a: 1 }, spec: { length: 1 } },
  {
    name: 'length fails',
    actual: [1],
    spec: { length: 2 },
    failure: { expected: 'length 2', actual: '[1]' },
  },
  {
    name: 'length of a number fails',
    actual: 3,
    spec: { length: 1 },
    failure: { expected: 'length 1', actual: '3' },
  },
  // Combinations: exists:false with other operators still needs the value.
  { name: 'exists:true and type together', actual: 'x', spec: { exists: true, type: 'string' } },
  {
    name: 'exists:true and type together fail on type',
    actual: 1,
    spec: { exists: true, type: 'string' },
    failure: { expected: 'a string', actual: '1' },
  },
];

describe('match', () => {
  for (const row of rows) {
    test(row.name, () => {
      assert.deepEqual(match(row.actual, row.spec), row.failure);
    });
  }
});

describe('equal', () => {
  const rows: [unknown, unknown, boolean][] = [
    [1, 1, true],
    ['12', 12, false],
    [null, null, true],
    [null, {}, false],
    [{}, {}, true],
    [[], [], true],
    [[], {}, false],
    [[1, [2]], [1, [2]], true],
    [[1, 2], [2, 1], false],
    [{ a: 1 }, { a: 1, b: 2 }, false],
    [{ a: { b: [1] } }, { a: { b: [1] } }, true],
  ];
  for (const [a, b, expected] of rows) {
    test(`${show(a)} vs ${show(b)} → ${expected}`, () => {
      assert.equal(equal(a, b), expected);
      assert.equal(equal(b, a), expected, 'symmetric');
    });
  }
});

describe('show', () => {
  test('absent, strings quoted, values as JSON', () => {
    assert.equal(show(undefined), 'absent');
    assert.equal(show('a'), '"a"');
    assert.equal(show({ a: [1] }), '{"a":[1]}');
    assert.equal(show(null), 'null');
  });
  test('bounded to 200 characters', () => {
    const text = show('x'.repeat(1000));
    assert.equal(text.length, 200);
    assert.ok(text.endsWith('...'));
  });
});
