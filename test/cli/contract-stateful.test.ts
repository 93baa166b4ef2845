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
