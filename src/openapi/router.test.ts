import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadSpec } from './load.js';
import { fillPath } from './request-gen.js';
import { Router, stripServerBase } from './router.js';
import type { Operation } from './types.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/openapi');

function op(method: string, path: string): Operation {
  const key = `${method} ${path}`;
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

describe('Router', () => {
  const router = new Router([
    op('GET', '/users/{id}'),
    op('GET', '/users/me'),
    op('DELETE', '/users/{userId}'),
    op('GET', '/users/{id}/repos/{repo}'),
    op('GET', '/files/{name}.{ext}'),
    op('GET', '/files/latest.json'),
    op('GET', '/'),
    op('POST', '/orgs/{org}/actions'),
  ]);
  const cases: [string, string, string | undefined, Record<string, string>?][] = [
    ['GET', '/users/me', 'GET /users/me', {}],
    ['GET', '/users/42', 'GET /users/{id}', { id: '42' }],
    ['get', '/users/42?fields=a', 'GET /users/{id}', { id: '42' }],
    ['DELETE', '/users/me', 'DELETE /users/{userId}', { userId: 'me' }],
    ['GET', '/users/a%20b/repos/x', 'GET /users/{id}/repos/{repo}', { id: 'a b', repo: 'x' }],
    ['GET', '/files/report.pdf', 'GET /files/{name}.{ext}', { name: 'report', ext: 'pdf' }],
    ['GET', '/files/latest.json', 'GET /files/latest.json', {}],
    ['GET', '/', 'GET /', {}],
    ['GET', '/users/42/', 'GET /users/{id}', { id: '42' }],
    ['PUT', '/users/42', undefined],
    ['GET', '/users', undefined],
    ['GET', '/users//repos/x', undefined],
    ['GET', '/nothing/here', undefined],
  ];
  for (const [method, path, expected, params] of cases) {
    test(`${method} ${path} -> ${expected ?? 'no match'}`, () => {
      const m = router.match(method, path);
      assert.equal(m?.operation.key, expected);
      if (params) assert.deepEqual(m?.pathParams, params);
    });
  }
});

describe('Router: operations told apart by the query their path keys name (AWS specs in APIs.guru)', () => {
  const router = new Router([
    op('GET', '/?Action=DescribeInstances&Version=2016-11-15'),
    op('GET', '/?Action=DescribeVolumes&Version=2016-11-15'),
    op('GET', '/access-preview#analyzerArn'),
    op('GET', '/analyzed-resource#analyzerArn&resourceArn'),
    op('GET', '/analyzed-resource'),
    op('GET', '/things/{id}'),
  ]);
  const cases: [string, string | undefined][] = [
    [
      '/?Action=DescribeVolumes&Version=2016-11-15&MaxResults=5',
      'GET /?Action=DescribeVolumes&Version=2016-11-15',
    ],
    ['/?Version=2016-11-15&Action=DescribeInstances', 'GET /?Action=DescribeInstances&Version=2016-11-15'],
    ['/access-preview?analyzerArn=arn%3Ax', 'GET /access-preview#analyzerArn'],
    ['/access-preview', 'GET /access-preview#analyzerArn'],
    ['/analyzed-resource?analyzerArn=a&resourceArn=b', 'GET /analyzed-resource#analyzerArn&resourceArn'],
    ['/analyzed-resource?analyzerArn=a', 'GET /analyzed-resource'],
    ['/things/7?Action=x', 'GET /things/{id}'],
  ];
  for (const [path, expected] of cases) {
    test(`GET ${path} -> ${expected}`, () => {
      assert.equal(router.match('GET', path)?.operation.key, expected);
    });
  }
});

describe('Router: operations named by a header (AWS JSON protocol: X-Amz-Target)', () => {
  const router = new Router([
    op('POST', '/#X-Amz-Target=DynamoDB_20120810.GetItem'),
    op('POST', '/#X-Amz-Target=DynamoDB_20120810.PutItem'),
    op('POST', '/#X-Amz-Target=DynamoDB_20120810.Query'),
  ]);
  const cases: [Record<string, string | string[]> | undefined, string][] = [
    [{ 'x-amz-target': 'DynamoDB_20120810.PutItem' }, 'POST /#X-Amz-Target=DynamoDB_20120810.PutItem'],
    [{ 'x-amz-target': ['DynamoDB_20120810.Query'] }, 'POST /#X-Amz-Target=DynamoDB_20120810.Query'],
    // Named by none: still about this path, the first of them.
    [{ 'x-amz-target': 'DynamoDB_20120810.Scan' }, 'POST /#X-Amz-Target=DynamoDB_20120810.GetItem'],
    [undefined, 'POST /#X-Amz-Target=DynamoDB_20120810.GetItem'],
  ];
  for (const [headers, expected] of cases) {
    test(`POST / with ${JSON.stringify(headers)} -> ${expected}`, () => {
      assert.equal(router.match('POST', '/', headers)?.operation.key, expected);
    });
  }
  test('a condition on a value wins over one on presence that a shared header meets', () => {
    const chime = new Router([
      op('POST', '/channels#x-amz-chime-bearer'),
      op('POST', '/channels#operation=search'),
    ]);
    const bearer = { 'x-amz-chime-bearer': 'arn:x' };
    assert.equal(
      chime.match('POST', '/channels?operation=search', bearer)?.operation.key,
      'POST /channels#operation=search',
    );
    assert.equal(
      chime.match('POST', '/channels', bearer)?.operation.key,
      'POST /channels#x-amz-chime-bearer',
    );
  });

  test('the query still comes first', () => {
    const key = router.match('POST', '/?X-Amz-Target=DynamoDB_20120810.Query', {
      'x-amz-target': 'DynamoDB_20120810.PutItem',
    })?.operation.key;
    assert.equal(key, 'POST /#X-Amz-Target=DynamoDB_20120810.Query');
  });
});

describe('ApiSpec.match on a fixture', async () => {
  const spec = await loadSpec(join(FIXTURES, 'payments-3.0.yaml'));
  test('prefers the literal /users/me over /users/{userId}', () => {
    assert.equal(spec.match('GET', '/users/me')?.operation.id, 'getMe');
    assert.deepEqual(spec.match('GET', '/users/7'), {
      operation: spec.operation('getUser'),
      pathParams: { userId: '7' },
    });
    assert.equal(spec.match('PUT', '/users/7')?.operation.id, 'updateUser');
    assert.equal(spec.match('HEAD', '/payments/abc')?.operation.id, 'headPayment');
  });
  test('fillPath encodes values into the template', () => {
    assert.equal(fillPath('/files/{name}.{ext}', { name: 'a b/c', ext: 'pdf' }), '/files/a%20b%2Fc.pdf');
  });
});

describe('stripServerBase', () => {
  const cases: [string[], string, string][] = [
    [['https://api.example.com/v2'], '/v2/payments/1', '/payments/1'],
    [['https://api.example.com/v2/'], '/v2', '/'],
    [['/v2', 'https://x.example/v2/beta'], '/v2/beta/items', '/items'],
    [['https://api.example.com'], '/payments?limit=1', '/payments?limit=1'],
    [['https://api.example.com/v2'], '/v20/payments', '/v20/payments'],
    [['https://api.example.com/v2'], '/v2?x=1', '/?x=1'],
  ];
  for (const [servers, path, expected] of cases) {
    test(`${servers.join(', ')} + ${path} -> ${expected}`, () => {
      assert.equal(stripServerBase(servers, path), expected);
    });
  }
});
