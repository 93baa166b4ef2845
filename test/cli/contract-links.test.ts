import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { contractOn } from './helpers.js';

const SPEC = `openapi: 3.1.0
info: { title: Things, version: 1.0.0 }
paths:
  /things:
    post:
      operationId: createThing
      requestBody:
        required: true
        content: { application/json: { schema: { type: object, properties: { name: { type: string, example: box } } } } }
      responses:
        '201':
          description: created
          content: { application/json: { schema: { $ref: '#/components/schemas/Thing' } } }
          links:
            GetThing:
              operationId: getThing
              parameters: { thingId: '$response.body#/id' }
  /things/{thingId}:
    get:
      operationId: getThing
      parameters: [{ name: thingId, in: path, required: true, schema: { type: string } }]
      responses:
        '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/Thing' } } } }
        '404': { description: not found }
components:
  schemas:
    Thing: { type: object, required: [id], properties: { id: { type: string }, name: { type: string } } }
`;

/** `lying` answers creates with an id it never stores under (the defect under test). */
function run(lying: boolean) {
  const things = new Set<string>();
  let next = 1;
  return contractOn(
    SPEC,
    (req) => {
      if (req.method === 'POST') {
        const id = `t${next++}`;
        things.add(lying ? `stored-${id}` : id);
        return { status: 201, body: { id, name: 'box' } };
      }
      const id = decodeURIComponent(req.path.split('/')[2] ?? '');
      return things.has(id)
        ? { status: 200, body: { id } }
        : { status: 404, body: '', contentType: 'text/plain' };
    },
    ['--max-cases', '1'],
  );
}

describe('gangway contract: OpenAPI links', () => {
  test('a link to what exists: followed, no finding', async () => {
    const { code, findings, requests } = await run(false);
    assert.equal(code, 0, JSON.stringify(findings));
    assert.ok(
      requests.some((r) => r.method === 'GET' && r.path === '/things/t1'),
      'the link was followed with the created id',
    );
  });

  test('a link to nothing: stateful.link-broken on the target', async () => {
    const { code, findings } = await run(true);
    assert.equal(code, 1);
    const broken = findings.find((f) => f.code === 'stateful.link-broken');
    assert.equal(broken?.operation, 'getThing');
    assert.match(broken?.message ?? '', /GetThing of createThing/);
  });
});
