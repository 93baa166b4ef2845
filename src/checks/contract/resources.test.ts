import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ResourcePool } from './resources.js';

describe('ResourcePool: what is remembered', () => {
  test('a create body is remembered for its collection', () => {
    const pool = new ResourcePool();
    pool.remember('/payments', { id: 'p_1', amount: 5 }, true);
    assert.equal(pool.idFor('/payments', 'id'), 'p_1');
  });

  const listShapes: { name: string; body: unknown }[] = [
    { name: 'a bare array', body: [{ id: 'first' }, { id: 'second' }] },
    { name: 'data[]', body: { data: [{ id: 'first' }], has_more: true } },
    { name: 'items[]', body: { total: 2, items: [{ id: 'first' }] } },
    { name: 'results[]', body: { count: 1, results: [{ id: 'first' }] } },
    { name: 'the first array property', body: { page: 1, payments: [{ id: 'first' }] } },
    {
      name: 'a known key wins over an earlier array property',
      body: { tags: [{ id: 'tag' }], data: [{ id: 'first' }] },
    },
  ];
  for (const row of listShapes) {
    test(`a list body as ${row.name} gives its first item`, () => {
      const pool = new ResourcePool();
      pool.remember('/payments', row.body, false);
      assert.equal(pool.idFor('/payments', 'id'), 'first');
    });
  }

  const nothing: { name: string; body: unknown; created: boolean }[] = [
    { name: 'an empty list', body: [], created: false },
    { name: 'a list of scalars', body: ['a', 'b'], created: false },
    { name: 'an object without arrays', body: { ok: true }, created: false },
    { name: 'a create answering an array', body: [{ id: 'x' }], created: true },
    { name: 'a create answering a string', body: 'created', created: true },
    { name: 'null', body: null, created: false },
  ];
  for (const row of nothing) {
    test(`${row.name} remembers nothing`, () => {
      const pool = new ResourcePool();
      pool.remember('/payments', row.body, row.created);
      assert.equal(pool.idFor('/payments', 'id'), undefined);
    });
  }

  test('a list does not replace an item already known; a create does', () => {
    const pool = new ResourcePool();
    pool.remember('/payments', [{ id: 'listed-1' }], false);
    pool.remember('/payments', [{ id: 'listed-2' }], false);
    assert.equal(pool.idFor('/payments', 'id'), 'listed-1');
    pool.remember('/payments', { id: 'created' }, true);
    assert.equal(pool.idFor('/payments', 'id'), 'created');
  });
});

describe('ResourcePool.idFor: parameter name variants', () => {
  const rows: {
    name: string;
    collection: string;
    item: Record<string, unknown>;
    param: string;
    expected: unknown;
  }[] = [
    {
      name: 'the parameter name itself',
      collection: '/payments',
      item: { paymentId: 'a', id: 'b' },
      param: 'paymentId',
      expected: 'a',
    },
    {
      name: 'camelCase parameter, snake_case field',
      collection: '/payments',
      item: { payment_id: 'a' },
      param: 'paymentId',
      expected: 'a',
    },
    {
      name: 'any parameter falls back to id',
      collection: '/payments',
      item: { id: 7 },
      param: 'paymentId',
      expected: 7,
    },
    {
      name: 'noun from a plural collection + Id',
      collection: '/payments',
      item: { paymentId: 'a' },
      param: 'pid',
      expected: 'a',
    },
    {
      name: 'noun from -ies + _id',
      collection: '/categories',
      item: { category_id: 'c' },
      param: 'cid',
      expected: 'c',
    },
    {
      name: 'noun from -ses',
      collection: '/addresses',
      item: { addressId: 'ad' },
      param: 'x',
      expected: 'ad',
    },
    {
      name: 'nested collection uses its last segment',
      collection: '/payments/{id}/refunds',
      item: { refundId: 'r' },
      param: 'rid',
      expected: 'r',
    },
    { name: 'uuid', collection: '/things', item: { uuid: 'u' }, param: 'thingRef', expected: 'u' },
    { name: 'key', collection: '/things', item: { key: 'k' }, param: 'thingRef', expected: 'k' },
    { name: 'name', collection: '/repos', item: { name: 'gangway' }, param: 'repo', expected: 'gangway' },
    { name: 'slug', collection: '/posts', item: { slug: 'hello' }, param: 'postSlug', expected: 'hello' },
    {
      name: 'non-scalar values are skipped',
      collection: '/payments',
      item: { id: { v: 1 }, uuid: 'u' },
      param: 'id',
      expected: 'u',
    },
    {
      name: 'nothing that fits',
      collection: '/payments',
      item: { amount: 5 },
      param: 'id',
      expected: undefined,
    },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const pool = new ResourcePool();
      pool.remember(row.collection, row.item, true);
      assert.equal(pool.idFor(row.collection, row.param), row.expected);
    });
  }

  test('ids seen anywhere are found by name for another collection (first seen wins)', () => {
    const pool = new ResourcePool();
    pool.remember('/payments', { id: 'p_1', customerId: 'c_1', amount: 5 }, true);
    pool.remember('/orders', { id: 'o_1', customerId: 'c_2' }, true);
    assert.equal(pool.idFor('/customers', 'customerId'), 'c_1');
    assert.equal(pool.idFor('/unknown', 'id'), 'p_1');
    assert.equal(pool.idFor('/unknown', 'amount'), undefined, 'only *id fields are remembered by name');
  });

  test('nothing remembered → undefined', () => {
    assert.equal(new ResourcePool().idFor('/payments', 'id'), undefined);
  });
});

describe('ResourcePool.overlay: one operation’s view while others run', () => {
  test('reads its base and its own writes as one pool would, and keeps its writes until commit', () => {
    const base = new ResourcePool();
    base.remember('/orders', [{ id: 'o-listed', customerId: 'c-1' }], false);
    const view = base.overlay();
    view.remember('/orders', { id: 'o-created', customerId: 'c-2', itemId: 'i-1' }, true);
    view.noteCreated('/orders', 'o-created');
    // A create replaces a listed resource; ids by name keep the first seen (the base's).
    assert.equal(view.idFor('/orders', 'id'), 'o-created');
    assert.equal(view.idFor('/x', 'customerId'), 'c-1');
    assert.equal(view.idFor('/x', 'itemId'), 'i-1');
    assert.deepEqual(view.createdIn('/orders'), ['o-created']);
    assert.equal(base.idFor('/orders', 'id'), 'o-listed');
    assert.equal(base.idFor('/x', 'itemId'), undefined);
    assert.equal(base.createdIn('/orders'), undefined);
    view.commit();
    assert.equal(base.idFor('/orders', 'id'), 'o-created');
    assert.equal(base.idFor('/x', 'itemId'), 'i-1');
    assert.deepEqual(base.createdIn('/orders'), ['o-created']);
  });

  test('the first created resource of the base stays the one used', () => {
    const base = new ResourcePool();
    base.remember('/orders', { id: 'first' }, true);
    const view = base.overlay();
    view.remember('/orders', { id: 'second' }, true);
    assert.equal(view.idFor('/orders', 'id'), 'first');
  });
});

test('idFor: what the parameter name says it is comes first, and a value accept refuses is passed over', () => {
  const pool = new ResourcePool();
  pool.remember('/teams', [{ id: 42, slug: 'core', name: 'Core team' }], false);
  assert.equal(pool.idFor('/teams', 'team_slug'), 'core');
  assert.equal(pool.idFor('/teams', 'team_name'), 'Core team');
  assert.equal(pool.idFor('/teams', 'team_id'), 42);
  // An integer parameter: the slug does not fit, the id does.
  const integer = (v: string | number) => (typeof v === 'number' ? v : undefined);
  assert.equal(pool.idFor('/teams', 'team_slug', integer), 42);
  assert.equal(
    pool.idFor('/teams', 'team_slug', () => undefined),
    undefined,
  );
});
