import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Handler } from '../fixtures/apis/server-kit.js';
import { cli, contractOn } from './helpers.js';

const TOKEN = 'good-token-4f1c';

const SPEC = `openapi: 3.1.0
info: { title: Accounts, version: 1.0.0 }
security: [{ bearer: [] }]
paths:
  /accounts:
    get:
      operationId: listAccounts
      responses:
        '200':
          description: ok
          content: { application/json: { schema: { type: array, items: { type: object } } } }
        '401': { description: no or wrong credentials }
  /status:
    get:
      operationId: getStatus
      security: []
      responses:
        '200': { description: ok, content: { text/plain: { schema: { type: string } } } }
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
`;

function run(handler: Handler, extra: string[] = []) {
  return contractOn(SPEC, handler, ['--header', `Authorization: Bearer ${TOKEN}`, ...extra]);
}

const ok = { status: 200, body: [{ id: 'a1' }] };
const refused = { status: 401, body: { error: 'unauthorized' } };
const status = { status: 200, body: 'up', contentType: 'text/plain' };

describe('gangway contract: auth enforcement', () => {
  test('an API that checks the token: no finding, and the public operation is not probed', async () => {
    const { code, findings, requests } = await run((req) =>
      req.path === '/status' ? status : req.headers.authorization === `Bearer ${TOKEN}` ? ok : refused,
    );
    assert.equal(code, 0, JSON.stringify(findings));
    assert.equal(requests.filter((r) => r.path === '/status').length, 1);
    assert.equal(requests.filter((r) => r.path === '/accounts').length, 3, 'accepted call plus two probes');
  });

  test('an API that lets anonymous calls through is reported for both probes', async () => {
    const { code, findings } = await run((req) => (req.path === '/status' ? status : ok));
    assert.equal(code, 1);
    const notEnforced = findings.filter((f) => f.code === 'auth.not-enforced');
    assert.equal(notEnforced.length, 2);
    assert.ok(
      notEnforced.every((f) => f.operation === 'listAccounts' && /^401 or 403/.test(f.expected ?? '')),
    );
    assert.ok(notEnforced.some((f) => /no credentials/.test(f.message)));
    assert.ok(notEnforced.some((f) => /a wrong credential/.test(f.message)));
    assert.ok(!JSON.stringify(findings).includes(TOKEN), 'the real token never shows');
  });

  test('an API that only checks a token is present accepts a wrong one: that probe is reported', async () => {
    const { code, findings } = await run((req) =>
      req.path === '/status' ? status : req.headers.authorization?.startsWith('Bearer ') ? ok : refused,
    );
    assert.equal(code, 1);
    const notEnforced = findings.filter((f) => f.code === 'auth.not-enforced');
    assert.equal(notEnforced.length, 1);
    assert.match(notEnforced[0]!.message, /a wrong credential/);
  });

  test('--no-auth-probes sends only the accepted call', async () => {
    const { code, requests } = await run(
      (req) => (req.path === '/status' ? status : ok),
      ['--no-auth-probes'],
    );
    assert.equal(code, 0);
    assert.equal(requests.filter((r) => r.path === '/accounts').length, 1);
  });
});

describe('gangway contract --query: an API secured only by a key in the query string', () => {
  const KEY = 'qk-7d1e99';
  const spec = `swagger: "2.0"
info: { title: Quotes, version: "1" }
securityDefinitions:
  key: { type: apiKey, in: query, name: api_key }
security: [{ key: [] }]
paths:
  /quotes:
    get:
      operationId: listQuotes
      parameters:
        - { name: region, in: query, type: string, required: true, enum: [eu] }
      produces: [application/json]
      responses:
        "200": { description: ok, schema: { type: array, items: { type: string } } }
        "401": { description: no or wrong key }
`;
  const checking = (req: { query: URLSearchParams }) =>
    req.query.get('api_key') === KEY && req.query.get('tenant') === 't1'
      ? { status: 200, body: ['q1'] }
      : { status: 401, body: { error: 'key' } };

  test('the key (and any other pair) goes with every request, redacted; probes leave it out or replace it', async () => {
    const { code, findings, requests, out } = await contractOn(spec, checking, [
      '--query',
      `api_key=${KEY}`,
      '--query',
      'tenant=t1',
    ]);
    assert.equal(code, 0, JSON.stringify(findings));
    assert.ok(requests.some((r) => r.query.includes(`api_key=${KEY}`) && r.query.includes('tenant=t1')));
    assert.ok(
      requests.some((r) => !r.query.includes('api_key=')),
      'the no-credentials probe',
    );
    assert.ok(
      requests.some((r) => /api_key=gangway-invalid-/.test(r.query)),
      'the wrong-credential probe',
    );
    assert.ok(!out.includes(KEY));
  });

  test('an API that ignores the key is reported: auth.not-enforced', async () => {
    const { code, findings } = await contractOn(spec, () => ({ status: 200, body: ['q1'] }), [
      '--query',
      `api_key=${KEY}`,
    ]);
    assert.equal(code, 1);
    assert.ok(findings.some((f) => f.code === 'auth.not-enforced' && f.operation === 'listQuotes'));
    assert.ok(
      findings.every((f) => !JSON.stringify(f).includes(KEY)),
      'the key is redacted in evidence',
    );
  });

  test('a --query without "=" is invalid input (exit 2), its value never shown', async () => {
    const { code, err } = await cli([
      'contract',
      'spec.yaml',
      '-u',
      'http://127.0.0.1:9',
      '--query',
      'api_key',
    ]);
    assert.equal(code, 2);
    assert.match(err, /--query "api_key…" is not "name=value"/);
  });
});
