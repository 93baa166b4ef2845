import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { api, type Doc, diffDocs, obj, op, withBody, withResponse } from './fixture.test-helper.js';

const S = { type: 'string' };
const pet = obj(
  { id: { type: 'integer' }, name: { ...S, maxLength: 50 }, tags: { type: 'array', items: S } },
  ['id'],
);
const petOp = (schema: unknown): Doc => ({
  parameters: [{ name: 'id', in: 'path', required: true, schema: S }],
  requestBody: { required: true, content: { 'application/json': { schema } } },
  responses: { '200': { description: 'ok', content: { 'application/json': { schema } } } },
});

/** Reverses the key order of every object, recursively. */
function reorder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reorder);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reorder(v)]),
  );
}

const codes = (changes: { code: string }[]) => changes.map((c) => c.code);

describe('diff: what is not a change', () => {
  test('a schema moved from inline into components', async () => {
    const before = api({ '/pets/{id}': { put: petOp(pet) } });
    const after = api(
      { '/pets/{id}': { put: petOp({ $ref: '#/components/schemas/Pet' }) } },
      { components: { schemas: { Pet: pet } } },
    );
    assert.deepEqual((await diffDocs(before, after)).changes, []);
  });

  test('a $ref target renamed', async () => {
    const before = api(
      { '/pets/{id}': { put: petOp({ $ref: '#/components/schemas/Pet' }) } },
      { components: { schemas: { Pet: pet } } },
    );
    const after = api(
      { '/pets/{id}': { put: petOp({ $ref: '#/components/schemas/Animal' }) } },
      { components: { schemas: { Animal: pet } } },
    );
    assert.deepEqual((await diffDocs(before, after)).changes, []);
  });

  test('keys reordered everywhere, descriptions and summaries edited', async () => {
    const before = api({
      '/pets/{id}': { put: { ...petOp(pet), summary: 'Update a pet', description: 'Old text' } },
    });
    const edited = structuredClone(before) as { paths: Record<string, { put: Doc }> };
    const put = edited.paths['/pets/{id}']?.put as Doc;
    put.summary = 'Replace a pet';
    put.description = 'New text';
    assert.deepEqual((await diffDocs(before, reorder(edited) as Doc)).changes, []);
  });

  test('a path parameter renamed: /pets/{id} is /pets/{petId}', async () => {
    const renamed = petOp(pet) as { parameters: Doc[] };
    renamed.parameters = [{ name: 'petId', in: 'path', required: true, schema: S }];
    const result = await diffDocs(
      api({ '/pets/{id}': { put: petOp(pet) } }),
      api({ '/pets/{petId}': { put: renamed } }),
    );
    assert.deepEqual(result.changes, []);
  });

  test('the same API in Swagger 2.0 and OpenAPI 3.0: nothing breaking either way', async () => {
    const v2: Doc = {
      swagger: '2.0',
      info: { title: 't', version: '1' },
      consumes: ['application/json'],
      produces: ['application/json'],
      paths: {
        '/pets/{id}': {
          put: {
            parameters: [
              { name: 'id', in: 'path', required: true, type: 'string' },
              { name: 'verbose', in: 'query', type: 'boolean' },
              { name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/Pet' } },
            ],
            responses: { '200': { description: 'ok', schema: { $ref: '#/definitions/Pet' } } },
          },
        },
      },
      definitions: {
        Pet: {
          ...pet,
          properties: { ...(pet.properties as Doc), nick: { type: 'string', 'x-nullable': true } },
        },
      },
    };
    const v3 = api(
      {
        '/pets/{id}': {
          put: {
            ...petOp({ $ref: '#/components/schemas/Pet' }),
            parameters: [
              { name: 'id', in: 'path', required: true, schema: S },
              { name: 'verbose', in: 'query', schema: { type: 'boolean' } },
            ],
          },
        },
      },
      {
        components: {
          schemas: {
            Pet: {
              ...pet,
              properties: { ...(pet.properties as Doc), nick: { type: 'string', nullable: true } },
            },
          },
        },
      },
    );
    const v31 = { ...v3, openapi: '3.1.0' } as Doc;
    (((v31.components as Doc).schemas as Doc).Pet as Doc).properties = {
      ...(pet.properties as Doc),
      nick: { type: ['string', 'null'] },
    };
    for (const [a, b] of [
      [v2, v3],
      [v3, v2],
      [v3, v31],
      [v31, v2],
    ] as const) {
      const { changes } = await diffDocs(a, b);
      assert.deepEqual(
        changes.filter((c) => c.severity !== 'info'),
        [],
        `${String(a.openapi ?? a.swagger)} -> ${String(b.openapi ?? b.swagger)}`,
      );
    }
  });

  test('a 2.0 response without produces (any media type) and the same response as application/json', async () => {
    const v2: Doc = {
      swagger: '2.0',
      info: { title: 't', version: '1' },
      paths: { '/a': { get: { responses: { '200': { description: 'ok', schema: pet } } } } },
    };
    const { changes } = await diffDocs(v2, withResponse(pet));
    assert.deepEqual(changes, []);
  });
});

describe('diff: structure', () => {
  test('recursive schemas terminate and a change deep inside is found once per place', async () => {
    const node = (extra: Doc) => ({
      components: {
        schemas: {
          Node: obj({
            value: { ...S, ...extra },
            children: { type: 'array', items: { $ref: '#/components/schemas/Node' } },
          }),
        },
      },
    });
    const before = api(
      {
        '/tree': {
          post: op({
            requestBody: {
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Node' } } },
            },
          }),
        },
      },
      node({}),
    );
    const after = { ...before, ...node({ maxLength: 3 }) };
    const { changes } = await diffDocs(before, after);
    assert.deepEqual(codes(changes), ['request.max-length-decreased']);
    assert.equal(changes[0]?.location, 'request.body.value');
    assert.equal(changes[0]?.operation, 'POST /tree');
  });

  test('allOf members are merged: a property moved between members is not a change', async () => {
    const before = withBody({ allOf: [obj({ a: S }, ['a']), obj({ b: S })] });
    const after = withBody({ allOf: [obj({ a: S, b: S }, ['a'])] });
    assert.deepEqual((await diffDocs(before, after)).changes, []);
  });

  test('readOnly properties do not count in requests, writeOnly ones not in responses', async () => {
    const before = withBody(obj({ a: S }));
    const after = withBody(obj({ a: S, id: { ...S, readOnly: true } }, ['id']));
    assert.deepEqual((await diffDocs(before, after)).changes, []);
    const r1 = withResponse(obj({ a: S, secret: { ...S, writeOnly: true } }, ['secret']));
    assert.deepEqual((await diffDocs(r1, withResponse(obj({ a: S })))).changes, []);
  });

  test('oneOf alternatives reordered are not a change', async () => {
    const before = withResponse({ oneOf: [S, { type: 'integer' }, obj({ a: S })] });
    const after = withResponse({ oneOf: [obj({ a: S }), S, { type: 'integer' }] });
    assert.deepEqual((await diffDocs(before, after)).changes, []);
  });

  test('changes are sorted breaking first and counted in the summary', async () => {
    const before = api({ '/a': { get: op(), delete: op() } });
    const after = api({ '/a': { get: op({ deprecated: true }) }, '/b': { get: op() } });
    const result = await diffDocs(before, after);
    assert.deepEqual(codes(result.changes), ['operation.removed', 'operation.deprecated', 'operation.added']);
    assert.deepEqual(result.summary, { breaking: 1, warning: 0, info: 2 });
    assert.equal(result.changes[0]?.message, 'DELETE /a: operation was removed');
  });

  test('a success response covered by its class is not removed; Sunset response header is reported', async () => {
    const before = api({ '/a': { get: op() } });
    const after = api({
      '/a': { get: { responses: { '2XX': { description: 'ok', headers: { Sunset: { schema: S } } } } } },
    });
    assert.deepEqual(codes((await diffDocs(before, after)).changes), ['operation.sunset']);
  });
});

describe('diff: formats', () => {
  const param = (schema: Doc) =>
    api({ '/a/{id}': { get: op({ parameters: [{ name: 'id', in: 'path', required: true, schema }] }) } });
  test('int64 added to an integer narrows nothing; int32 added does', async () => {
    assert.deepEqual(
      (await diffDocs(param({ type: 'integer' }), param({ type: 'integer', format: 'int64' }))).changes,
      [],
    );
    const narrowed = await diffDocs(param({ type: 'integer' }), param({ type: 'integer', format: 'int32' }));
    assert.deepEqual(codes(narrowed.changes), ['request.format-changed']);
    const widened = await diffDocs(
      param({ type: 'integer', format: 'int32' }),
      param({ type: 'integer', format: 'int64' }),
    );
    assert.deepEqual(codes(widened.changes), ['request.constraint-relaxed']);
  });
});

describe('diff: implied types', () => {
  test('a type spelled out where keywords already implied it is not a change', async () => {
    const pairs: [unknown, unknown][] = [
      [{ enum: ['a', 'b'] }, { type: 'string', enum: ['a', 'b'] }],
      [{ properties: { a: S } }, obj({ a: S })],
      [{ items: S }, { type: 'array', items: S }],
    ];
    for (const [before, after] of pairs) {
      assert.deepEqual(
        (await diffDocs(withBody(before), withBody(after))).changes,
        [],
        JSON.stringify(after),
      );
      assert.deepEqual(
        (await diffDocs(withResponse(after), withResponse(before))).changes,
        [],
        JSON.stringify(before),
      );
    }
  });
});
