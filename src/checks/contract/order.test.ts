import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Operation } from '../../openapi/types.js';
import { collectionOf, collectionPath, isSafe, orderOperations } from './order.js';

function op(key: string): Operation {
  const [method = 'GET', path = '/'] = key.split(' ');
  return {
    id: key,
    method,
    path,
    key,
    tags: [],
    deprecated: false,
    parameters: [],
    responses: [],
    security: [],
    pointer: '',
  };
}

const keys = (ops: Operation[]) => ops.map((o) => o.key);

describe('orderOperations', () => {
  test('creates before lists before reads before updates before deletes', () => {
    const ordered = orderOperations(
      [
        'DELETE /payments/{id}',
        'PATCH /payments/{id}',
        'GET /payments/{id}',
        'GET /payments',
        'POST /payments',
        'HEAD /payments/{id}',
        'PUT /customers/{id}',
        'GET /customers',
        'POST /customers',
      ].map(op),
    );
    assert.deepEqual(keys(ordered), [
      'POST /customers',
      'POST /payments',
      'GET /customers',
      'GET /payments',
      'GET /payments/{id}',
      'HEAD /payments/{id}',
      'PUT /customers/{id}',
      'PATCH /payments/{id}',
      'DELETE /payments/{id}',
    ]);
  });

  test('within a phase, shallow paths run first (parents before children)', () => {
    const ordered = orderOperations(
      ['GET /payments/{id}/refunds/{refundId}', 'GET /payments/{id}', 'GET /a/b/c', 'GET /z'].map(op),
    );
    assert.deepEqual(keys(ordered), [
      'GET /z',
      'GET /a/b/c',
      'GET /payments/{id}',
      'GET /payments/{id}/refunds/{refundId}',
    ]);
  });

  test('deletes run after every other call', () => {
    const ordered = orderOperations(
      ['DELETE /payments/{id}/refunds/{r}', 'POST /payments/{id}/capture', 'DELETE /sessions', 'GET /x'].map(
        op,
      ),
    );
    assert.deepEqual(keys(ordered).slice(-2).sort(), [
      'DELETE /payments/{id}/refunds/{r}',
      'DELETE /sessions',
    ]);
  });

  test('does not reorder the caller’s list', () => {
    const input = ['DELETE /a/{id}', 'POST /a'].map(op);
    orderOperations(input);
    assert.deepEqual(keys(input), ['DELETE /a/{id}', 'POST /a']);
  });

  test('an action on a resource (POST /payments/{id}/cancel) keeps its place after reads', () => {
    const ordered = keys(
      orderOperations(['POST /payments/{id}/cancel', 'GET /payments/{id}', 'POST /payments'].map(op)),
    );
    assert.deepEqual(ordered, ['POST /payments', 'GET /payments/{id}', 'POST /payments/{id}/cancel']);
  });

  test('a create on a nested collection runs before that collection is listed or read', () => {
    const ordered = keys(
      orderOperations(
        [
          'GET /payments/{id}/refunds/{refundId}',
          'GET /payments/{id}/refunds',
          'POST /payments/{id}/refunds',
          'GET /payments/{id}',
          'POST /payments',
        ].map(op),
      ),
    );
    const at = (k: string) => ordered.indexOf(k);
    assert.ok(at('POST /payments') < at('POST /payments/{id}/refunds'), 'parent created first');
    assert.ok(at('POST /payments/{id}/refunds') < at('GET /payments/{id}/refunds'), ordered.join(' → '));
    assert.ok(at('POST /payments/{id}/refunds') < at('GET /payments/{id}/refunds/{refundId}'));
  });
});

describe('collectionOf', () => {
  const rows: [string, string, string][] = [
    ['/payments/{id}', 'id', '/payments'],
    ['/payments/{id}/refunds', 'id', '/payments'],
    ['/payments/{paymentId}/refunds/{refundId}', 'refundId', '/payments/{paymentId}/refunds'],
    ['/payments/{paymentId}/refunds/{refundId}', 'paymentId', '/payments'],
    ['/payments/{id}', 'other', ''],
    ['/{tenant}/payments', 'tenant', ''],
    ['/v1/files/{name}.json', 'name', '/v1/files'],
  ];
  for (const [path, param, expected] of rows) {
    test(`${path} + ${param} → ${JSON.stringify(expected)}`, () =>
      assert.equal(collectionOf(path, param), expected));
  }
});

describe('collectionPath and isSafe', () => {
  test('collectionPath drops one trailing slash', () => {
    assert.equal(collectionPath(op('POST /payments/')), '/payments');
    assert.equal(collectionPath(op('GET /payments')), '/payments');
  });
  test('GET, HEAD and OPTIONS are safe; the rest are not', () => {
    for (const m of ['GET', 'HEAD', 'OPTIONS']) assert.equal(isSafe(m), true, m);
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE', 'TRACE']) assert.equal(isSafe(m), false, m);
  });
});
