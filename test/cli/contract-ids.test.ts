import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Handler, serve } from '../fixtures/apis/server-kit.js';
import { contractOn } from './helpers.js';

// A spec that documents only 200 for reading a thing: a 404 for an id Gangway made up is not the API's fault,
// a 404 for an id the API itself listed is.
const SPEC = `openapi: 3.0.3
info: { title: Things, version: 1.0.0 }
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { type: array, items: { $ref: '#/components/schemas/Thing' } }
  /things/{id}:
    get:
      operationId: getThing
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        '200':
          description: ok
          content: { application/json: { schema: { $ref: '#/components/schemas/Thing' } } }
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties: { id: { type: string } }
`;

function run(handler: Handler) {
  return contractOn(SPEC, handler);
}

describe('gangway contract: ids', () => {
  test('an empty list leaves only a made-up id: its undocumented 404 is noted, not a finding', async () => {
    const { code, findings } = await run((req) =>
      req.path === '/things' ? { status: 200, body: [] } : { status: 404, body: { error: 'not found' } },
    );
    assert.equal(code, 0, JSON.stringify(findings));
    assert.ok(findings.every((f) => f.severity === 'info'));
    assert.ok(findings.some((f) => f.code === 'coverage.not-reached' && f.operation === 'getThing'));
  });

  test('a listed id that then answers 404 is an undocumented status on getThing', async () => {
    const { code, findings } = await run((req) =>
      req.path === '/things'
        ? { status: 200, body: [{ id: 't1' }] }
        : { status: 404, body: { error: 'gone' } },
    );
    assert.equal(code, 1);
    const undocumented = findings.find((f) => f.code === 'response.status.undocumented');
    assert.equal(undocumented?.operation, 'getThing');
    assert.equal(undocumented?.actual, '404');
  });
});

describe('gangway contract: base URL', () => {
  test('every request answering 404 says the base URL probably lacks the base path', async () => {
    const { code, findings } = await run(() => ({ status: 404, body: 'Cannot GET' }));
    assert.equal(code, 1);
    const hint = findings.find((f) => f.code === 'coverage.all-not-found');
    assert.ok(hint, JSON.stringify(findings));
    assert.match(hint.message, /missing the API's base path/);
  });
});

describe('gangway contract: redirects', () => {
  test('a documented redirect to another host is judged, never followed', async () => {
    const spec = `openapi: 3.1.0
info: { title: Export, version: 1.0.0 }
paths:
  /export:
    get:
      operationId: getExport
      responses:
        '302':
          description: the archive
          headers: { Location: { required: true, schema: { type: string } } }
`;
    // The "other host" is a second local server: it must never be called.
    const elsewhere = await serve(() => ({ status: 200, body: 'archive' }));
    try {
      const { code, err, findings, requests } = await contractOn(spec, () => ({
        status: 302,
        headers: { location: `${elsewhere.url}/archive` },
        body: '',
      }));
      assert.equal(code, 0, `${err} ${JSON.stringify(findings)}`);
      assert.equal(requests.length, 1);
      assert.equal(elsewhere.requests.length, 0, 'the redirect was not followed');
    } finally {
      await elsewhere.close();
    }
  });
});
