import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GeneratedRequest, Operation } from '../../openapi/types.js';
import { toHttpRequest } from './build.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function op(method: string, path: string, id = `${method} ${path}`): Operation {
  return {
    id,
    method,
    path,
    key: `${method} ${path}`,
    tags: [],
    deprecated: false,
    parameters: [],
    responses: [],
    security: [],
    pointer: '',
  };
}

function generated(partial: Partial<GeneratedRequest>): GeneratedRequest {
  return { pathParams: {}, query: {}, headers: {}, sources: {}, ...partial };
}

describe('toHttpRequest', () => {
  test('headers a spec declares but the HTTP layer owns are not sent; values are made sendable', () => {
    const req = toHttpRequest(
      op('PUT', '/upload'),
      generated({
        headers: {
          'Content-Length': '-1',
          'Transfer-Encoding': 'x',
          Signature: 'keyId="SN=9FA1",algorithm="rsa-sha256"\n',
          'X-Name': 'Zoë ☃',
          'X-Ctl': 'a\u0001b',
          '': 'nameless',
          'Bad Name': 'x',
        },
      }),
      false,
    );
    assert.deepEqual(req.headers, {
      Signature: 'keyId="SN=9FA1",algorithm="rsa-sha256"',
      'X-Name': `Zoë ${encodeURIComponent('☃')}`,
      'X-Ctl': 'ab',
    });
  });

  test('a path key\'s "#name=value" goes in the query unless a parameter declares it (APIs.guru conversions)', () => {
    const upload = op('POST', '/v2/{name}/blobs/uploads/#mode=resumable&from');
    const req = toHttpRequest(
      upload,
      generated({ pathParams: { name: 'img' }, query: { extra: '1' } }),
      false,
    );
    assert.equal(req.url, '/v2/img/blobs/uploads/');
    assert.deepEqual(req.query, { mode: 'resumable', extra: '1' });
    const target = {
      ...op('POST', '/#X-Amz-Target=DynamoDB_20120810.GetItem'),
      parameters: [
        {
          name: 'X-Amz-Target',
          in: 'header',
          required: true,
          deprecated: false,
          examples: [],
          schema: { type: 'string' },
        },
      ],
    } as Operation;
    const get = toHttpRequest(
      target,
      generated({ headers: { 'X-Amz-Target': 'DynamoDB_20120810.GetItem' } }),
      false,
    );
    assert.equal(get.url, '/');
    assert.deepEqual(get.query, {}, 'declared as a header: generated as one, not repeated in the query');
  });

  test('method, operation id, query and auth flag are carried over', () => {
    const req = toHttpRequest(
      op('GET', '/payments', 'listPayments'),
      generated({ query: { limit: '10', status: ['a', 'b'] } }),
      true,
    );
    assert.deepEqual(req, {
      method: 'GET',
      url: '/payments',
      query: { limit: '10', status: ['a', 'b'] },
      headers: {},
      operation: 'listPayments',
      auth: true,
    });
  });

  const paths: { name: string; path: string; params: Record<string, string>; url: string }[] = [
    { name: 'plain id', path: '/payments/{id}', params: { id: 'p_1' }, url: '/payments/p_1' },
    {
      name: 'slash and space are encoded',
      path: '/files/{name}',
      params: { name: 'a b/c' },
      url: '/files/a%20b%2Fc',
    },
    {
      name: 'unicode and reserved characters are encoded',
      path: '/t/{x}',
      params: { x: 'é?#&' },
      url: '/t/%C3%A9%3F%23%26',
    },
    { name: 'two parameters', path: '/p/{a}/r/{b}', params: { a: '1', b: '2' }, url: '/p/1/r/2' },
    {
      name: 'a parameter inside a segment',
      path: '/files/{name}.json',
      params: { name: 'x' },
      url: '/files/x.json',
    },
  ];
  for (const row of paths) {
    test(`path: ${row.name}`, () => {
      assert.equal(
        toHttpRequest(op('GET', row.path), generated({ pathParams: row.params }), false).url,
        row.url,
      );
    });
  }

  test('idempotency and request-id headers get a fresh uuid; others are kept', () => {
    const gen = generated({
      headers: { 'Idempotency-Key': 'seeded-1', 'X-Request-Id': 'seeded-2', 'X-Tenant': 'acme' },
    });
    const a = toHttpRequest(op('POST', '/payments'), gen, true);
    const b = toHttpRequest(op('POST', '/payments'), gen, true);
    assert.match(a.headers?.['Idempotency-Key'] ?? '', UUID);
    assert.match(a.headers?.['X-Request-Id'] ?? '', UUID);
    assert.equal(a.headers?.['X-Tenant'], 'acme');
    assert.notEqual(a.headers?.['Idempotency-Key'], b.headers?.['Idempotency-Key'], 'fresh every time');
    assert.equal(gen.headers['Idempotency-Key'], 'seeded-1', 'the generated request is not modified');
  });

  test('JSON bodies stay values; content-type is set', () => {
    const req = toHttpRequest(
      op('POST', '/payments'),
      generated({ body: { amount: 5 }, contentType: 'application/json' }),
      true,
    );
    assert.deepEqual(req.body, { amount: 5 });
    assert.equal(req.headers?.['content-type'], 'application/json');
  });

  test('form bodies are URL-encoded, non-strings as JSON', () => {
    const req = toHttpRequest(
      op('POST', '/oauth/token'),
      generated({
        body: { grant_type: 'client credentials', n: 1, o: { k: true } },
        contentType: 'application/x-www-form-urlencoded',
      }),
      false,
    );
    assert.equal(req.body, 'grant_type=client+credentials&n=1&o=%7B%22k%22%3Atrue%7D');
    assert.equal(req.headers?.['content-type'], 'application/x-www-form-urlencoded');
  });

  test('other media types get a JSON string for non-string bodies; strings are sent as is', () => {
    const obj = toHttpRequest(
      op('POST', '/x'),
      generated({ body: { a: 1 }, contentType: 'application/xml' }),
      false,
    );
    assert.equal(obj.body, '{"a":1}');
    const text = toHttpRequest(
      op('POST', '/x'),
      generated({ body: 'hello', contentType: 'text/plain' }),
      false,
    );
    assert.equal(text.body, 'hello');
  });

  test('no body → no body key and no content-type', () => {
    const req = toHttpRequest(op('DELETE', '/payments/{id}'), generated({ pathParams: { id: '1' } }), true);
    assert.equal('body' in req, false);
    assert.equal(req.headers?.['content-type'], undefined);
  });
});
