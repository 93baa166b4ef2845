import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadSpec } from './load.js';
import type { JsonSchema, Operation } from './types.js';

// Fetched by `node --import tsx bench/openapi-load.ts` (never by the test suite: no network here).
const GITHUB_SPEC = join(import.meta.dirname, '../../bench/.cache/api.github.com.json');
const skip = existsSync(GITHUB_SPEC)
  ? false
  : 'bench/.cache/api.github.com.json is absent: run `node --import tsx bench/openapi-load.ts` once to fetch it';

describe('GitHub published spec', async () => {
  const started = performance.now();
  const spec = skip ? undefined : await loadSpec(GITHUB_SPEC);
  const loadMs = performance.now() - started;

  test('loads and indexes every operation in well under the time budget', { skip }, () => {
    assert.ok(spec);
    assert.equal(spec.format, '3.0');
    assert.ok(spec.operations.length > 900, `${spec.operations.length} operations`);
    assert.deepEqual(spec.servers, ['https://api.github.com']);
    assert.ok(loadMs < 5000, `loaded in ${loadMs.toFixed(0)} ms`);
  });

  test('matches concrete paths, literal segments first', { skip }, () => {
    assert.ok(spec);
    assert.deepEqual(spec.match('GET', '/repos/octo/hello')?.pathParams, { owner: 'octo', repo: 'hello' });
    assert.equal(spec.match('GET', '/repos/octo/hello')?.operation.id, 'repos/get');
    assert.equal(spec.match('GET', '/user/repos')?.operation.id, 'repos/list-for-authenticated-user');
    assert.equal(spec.match('GET', '/users/octocat')?.operation.id, 'users/get-by-username');
  });

  test('generated responses validate and a broken one is reported precisely', { skip }, () => {
    assert.ok(spec);
    const op = spec.operation('repos/get');
    assert.ok(op);
    const schema = op.responses.find((r) => r.status === '200')?.content['application/json']?.schema;
    assert.ok(schema !== undefined);
    const value = spec.sample(schema, { seed: 7, direction: 'response' }) as Record<string, unknown>;
    const headers = { 'content-type': 'application/json; charset=utf-8' };
    assert.deepEqual(spec.validateResponse(op, { status: 200, headers, body: JSON.stringify(value) }), []);
    const issues = spec.validateResponse(op, {
      status: 200,
      headers,
      body: JSON.stringify({ ...value, id: 'x' }),
    });
    assert.deepEqual(
      issues.map((i) => [i.pointer, i.schemaPath]),
      [['/id', '#/components/schemas/full-repository/properties/id/type']],
    );
  });

  test('requests generate for a spread of operations', { skip }, () => {
    assert.ok(spec);
    const ids = [
      'issues/create',
      'repos/list-for-org',
      'pulls/create',
      'gists/create',
      'actions/list-workflow-runs',
    ];
    for (const id of ids) {
      const op: Operation | undefined = spec.operation(id);
      assert.ok(op, id);
      const req = spec.generateRequest(op, { seed: 3, preferExamples: false });
      for (const p of op.parameters.filter((x) => x.in === 'path'))
        assert.ok(req.pathParams[p.name], `${id} ${p.name}`);
      const schema: JsonSchema | undefined = op.requestBody?.content['application/json']?.schema;
      if (schema !== undefined && op.requestBody?.required) {
        assert.deepEqual(spec.validateValue(schema, req.body, 'request'), [], id);
      }
    }
  });
});
