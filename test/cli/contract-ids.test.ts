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

describe('gangway contract: captured values fit the parameter', () => {
  // Teams are listed with a numeric id and a slug; the single-team path takes the slug (a string), the
  // members path an integer member id captured as text.
  const spec = `openapi: 3.0.3
info: { title: Teams, version: 1.0.0 }
paths:
  /teams:
    get:
      operationId: listTeams
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: array
                items: { type: object, properties: { id: { type: integer }, slug: { type: string } } }
  /teams/{team_slug}:
    get:
      operationId: getTeam
      parameters:
        - { name: team_slug, in: path, required: true, schema: { type: string } }
        - { name: expand, in: query, schema: { type: string } }
      responses:
        '200': { description: ok, content: { application/json: { schema: { type: object } } } }
  /members:
    get:
      operationId: listMembers
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: array
                items: { type: object, properties: { member_id: { type: string } } }
  /members/{member_id}:
    get:
      operationId: getMember
      parameters:
        - { name: member_id, in: path, required: true, schema: { type: integer } }
        - { name: verbose, in: query, schema: { type: integer } }
      responses:
        '200': { description: ok, content: { application/json: { schema: { type: object } } } }
`;
  const handler: Handler = (req) => {
    if (req.path === '/teams') return { status: 200, body: [{ id: 42, slug: 'core' }] };
    if (req.path === '/members') return { status: 200, body: [{ member_id: '7' }] };
    return { status: 200, body: {} };
  };

  test('the slug is sent where the path names a slug, an integer where it takes one, and every case is sent', async () => {
    const { code, findings, requests } = await contractOn(spec, handler, ['--max-cases', '4', '--seed', '3']);
    assert.equal(code, 0, JSON.stringify(findings));
    const team = requests.filter((r) => r.path.startsWith('/teams/'));
    const member = requests.filter((r) => r.path.startsWith('/members/'));
    // One from examples plus up to three property-based cases each (a case drawn twice is sent once):
    // none thrown away for a captured value of the wrong type (only the first was sent before).
    assert.ok(team.length >= 3, JSON.stringify(team.map((r) => r.path + r.query)));
    assert.ok(member.length >= 3, JSON.stringify(member.map((r) => r.path + r.query)));
    assert.ok(
      team.every((r) => r.path === '/teams/core'),
      JSON.stringify(team.map((r) => r.path)),
    );
    assert.ok(
      member.every((r) => r.path === '/members/7'),
      JSON.stringify(member.map((r) => r.path)),
    );
  });
});
