import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareShapes, escapePointer, jsonType, type ShapeDifference } from './shape.js';

describe('compareShapes', () => {
  const rows: { name: string; a: unknown; b: unknown; want: ShapeDifference[] }[] = [
    {
      name: 'same shape, different values: no difference',
      a: { id: 'p1', amount: 10, tags: ['a'], paid: true, meta: { at: '2024' } },
      b: { id: 'p9', amount: 99.5, tags: ['zz', 'y'], paid: false, meta: { at: '1999' } },
      want: [],
    },
    {
      name: 'a property absent in the other environment',
      a: { id: 'p1', currency: 'EUR' },
      b: { id: 'p1' },
      want: [{ pointer: '/currency', expected: 'string', actual: 'absent' }],
    },
    {
      name: 'a property only the other environment has',
      a: { id: 'p1' },
      b: { id: 'p1', beta: { on: true } },
      want: [{ pointer: '/beta', expected: 'absent', actual: 'object' }],
    },
    {
      name: 'a type change, nested',
      a: { payment: { amount: 10 } },
      b: { payment: { amount: '10' } },
      want: [{ pointer: '/payment/amount', expected: 'number', actual: 'string' }],
    },
    {
      name: 'arrays compared by their first element',
      a: { items: [{ id: 'a', n: 1 }] },
      b: { items: [{ id: 'b' }, { id: 'c', n: 2 }] },
      want: [{ pointer: '/items/0/n', expected: 'number', actual: 'absent' }],
    },
    {
      name: 'an empty array matches any array',
      a: { items: [] },
      b: { items: [{ id: 'b' }] },
      want: [],
    },
    {
      name: 'null matches any type (nullable data, not shape)',
      a: { note: null, at: 'x' },
      b: { note: 'hello', at: null },
      want: [],
    },
    {
      name: 'root of another type',
      a: [{ id: 1 }],
      b: { items: [] },
      want: [{ pointer: '', expected: 'array', actual: 'object' }],
    },
    {
      name: 'keys with / and ~ are escaped in the pointer',
      a: { 'a/b': 1, 'c~d': 2 },
      b: {},
      want: [
        { pointer: '/a~1b', expected: 'number', actual: 'absent' },
        { pointer: '/c~0d', expected: 'number', actual: 'absent' },
      ],
    },
    {
      name: 'a missing object is one difference, not one per property inside it',
      a: { owner: { name: 'x', email: 'y' } },
      b: {},
      want: [{ pointer: '/owner', expected: 'object', actual: 'absent' }],
    },
  ];
  for (const row of rows) {
    test(row.name, () => assert.deepEqual(compareShapes(row.a, row.b), row.want));
  }

  test('stops at the limit', () => {
    const a = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i]));
    assert.equal(compareShapes(a, {}, 3).length, 3);
  });
});

describe('jsonType and escapePointer', () => {
  test('JSON types', () => {
    assert.deepEqual([null, true, 1.5, 's', [], {}].map(jsonType), [
      'null',
      'boolean',
      'number',
      'string',
      'array',
      'object',
    ]);
  });
  test('escapes ~ before /', () => assert.equal(escapePointer('~/'), '~0~1'));
});
