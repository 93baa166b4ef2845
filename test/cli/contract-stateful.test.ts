import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { contractOn } from './helpers.js';

const SPEC = `openapi: 3.1.0
info: { title: Tags, version: 1.0.0 }
paths:
  /tags:
    post:
      operationId: createTag
      requestBody:
        required: true
        content: { application/json: { schema: { type: object, required: [name], properties: { name: { type: string, example: red } } } } }
      responses:
        '201': { description: created, content: { application/json: { schema: { $ref: '#/components/schemas/Tag' } } } }
  /tags/{id}:
    parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
    get:
      operationId: getTag
      responses:
        '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/Tag' } } } }
        '404': { description: not found }
    delete:
      operationId: deleteTag
      responses:
        '204': { description: deleted }
        '404': { description: not found }
components:
  schemas:
    Tag: { type: object, required: [id, name], properties: { id: { type: string }, name: { type: string } } }
`;

/** A tag store; `softDelete` keeps deleted tags readable, the defect under test. */
function run(softDelete: boolean) {
  const tags = new Map<string, string>();
  let next = 1;
  return contractOn(SPEC, (req) => {
    if (req.method === 'POST' && req.path === '/tags') {
      const id = `t${next++}`;
      tags.set(id, 'red');
      return { status: 201, body: { id, name: 'red' } };
    }
    const id = req.path.split('/')[2] ?? '';
    if (!tags.has(id)) return { status: 404, body: '', contentType: 'text/plain' };
    if (req.method === 'DELETE') {
      if (!softDelete) tags.delete(id);
      return { status: 204, body: '' };
    }
    return { status: 200, body: { id, name: tags.get(id) } };
  });
}

describe('gangway contract: stateful', () => {
  test('a deleted resource that is gone: no finding', async () => {
    const { code, findings } = await run(false);
    assert.equal(code, 0, JSON.stringify(findings));
  });

  test('a deleted resource still readable: stateful.deleted-still-present on getTag', async () => {
    const { code, findings } = await run(true);
    assert.equal(code, 1);
    const still = findings.find((f) => f.code === 'stateful.deleted-still-present');
    assert.equal(still?.operation, 'getTag');
    assert.equal(still?.actual, '200');
  });
});

// A collection-level delete (clear all) and its list: the list answering 200 after it is no finding.
const COLLECTION = `openapi: 3.1.0
info: { title: Tags, version: 1.0.0 }
paths:
  /tags:
    get:
      operationId: listTags
      responses:
        '200': { description: ok, content: { application/json: { schema: { type: array, items: { type: string } } } } }
    delete:
      operationId: clearTags
      responses:
        '204': { description: all tags deleted }
`;

describe('gangway contract: what a delete says about a read', () => {
  test('a collection-level delete, then its list answering 200: no finding', async () => {
    let tags = ['red', 'blue'];
    const { code, findings } = await contractOn(COLLECTION, (req) => {
      if (req.method === 'DELETE') {
        tags = [];
        return { status: 204, body: '' };
      }
      return { status: 200, body: tags };
    });
    assert.equal(code, 0, JSON.stringify(findings));
  });

  test('a read of a just-deleted resource failing with 500: response.server-error on getTag', async () => {
    const tags = new Map<string, string>();
    const { findings } = await contractOn(SPEC, (req) => {
      if (req.method === 'POST') {
        tags.set('t1', 'red');
        return { status: 201, body: { id: 't1', name: 'red' } };
      }
      if (req.method === 'DELETE') {
        tags.delete('t1');
        return { status: 204, body: '' };
      }
      return tags.has('t1')
        ? { status: 200, body: { id: 't1', name: 'red' } }
        : { status: 500, body: { error: 'boom' } };
    });
    const codes = findings.map((f) => `${f.code} ${f.operation}`);
    assert.ok(codes.includes('response.server-error getTag'), codes.join('\n'));
    assert.ok(!codes.some((c) => c.startsWith('stateful.deleted-still-present')), codes.join('\n'));
  });
});

test('an operation documenting only a protocol switch (101) is not called: a coverage note says why', async () => {
  const spec = `openapi: 3.0.3
info: { title: Live, version: 1.0.0 }
paths:
  /realtime: { get: { operationId: getRealtime, responses: { '101': { description: switching to WebSocket } } } }
  /status: { get: { operationId: getStatus, responses: { '200': { description: ok, content: { application/json: { schema: { type: object } } } } } } }
`;
  const { code, findings, requests } = await contractOn(spec, () => ({ status: 200, body: {} }));
  assert.equal(code, 0, JSON.stringify(findings));
  assert.deepEqual(
    requests.map((r) => r.path),
    ['/status'],
  );
  const note = findings.find((f) => f.operation === 'getRealtime');
  assert.equal(note?.code, 'coverage.not-reached');
  assert.match(note?.message ?? '', /protocol switch \(101\)/);
});
