import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { DiffResult } from '../../src/openapi/diff/types.js';
import { cli, tempDir } from './helpers.js';

const V1 = 'test/fixtures/diff/shop-v1.yaml';
const V2 = 'test/fixtures/diff/shop-v2.yaml';
const EDITED = 'test/fixtures/diff/shop-v1-edited.yaml';

/** The labelled changes of shop-v2.yaml (see its header): code -> operations. */
const BREAKING: Record<string, string[]> = {
  'path.removed': ['GET /legacy/export'],
  'operation.removed': ['DELETE /orders/{id}'],
  'request.max-decreased': ['GET /orders'],
  'request.parameter.required-added': ['GET /orders'],
  'request.max-length-decreased': ['POST /orders'],
  'request.property.required-added': ['POST /orders'],
  'request.pattern-changed': ['POST /orders'],
  'response.property.removed': ['GET /orders', 'GET /orders/{orderId}', 'POST /orders'],
  'response.nullable-added': ['GET /orders', 'GET /orders/{orderId}', 'POST /orders'],
};

async function json(argv: string[]): Promise<{ code: number; result: DiffResult }> {
  const run = await cli(['diff', ...argv, '--format', 'json']);
  assert.equal(run.err, '');
  return { code: run.code, result: JSON.parse(run.out) as DiffResult };
}

describe('gangway diff', () => {
  test('Swagger 2.0 -> OpenAPI 3.0 with labelled changes: exactly the breaking ones, exit 1', async () => {
    const { code, result } = await json([V1, V2]);
    assert.equal(code, 1);
    const found: Record<string, string[]> = {};
    for (const c of result.changes.filter((c) => c.severity === 'breaking')) {
      found[c.code] = [...(found[c.code] ?? []), c.operation].sort();
    }
    assert.deepEqual(found, BREAKING);
    const warnings = result.changes.filter((c) => c.severity === 'warning');
    assert.deepEqual([...new Set(warnings.map((c) => c.code))], ['response.enum-value-added']);
    assert.equal(result.summary.breaking, 13);
    assert.equal(result.summary.warning, 3);
  });

  test('JSON output has exactly the documented shape', async () => {
    const { result } = await json([V1, V2]);
    assert.deepEqual(Object.keys(result), ['changes', 'summary']);
    assert.deepEqual(Object.keys(result.summary), ['breaking', 'warning', 'info']);
    for (const c of result.changes) {
      assert.deepEqual(Object.keys(c), ['code', 'severity', 'direction', 'operation', 'location', 'message']);
    }
    const limit = result.changes.find((c) => c.code === 'request.max-decreased');
    assert.equal(limit?.location, 'request.query.limit');
    assert.match(limit?.message ?? '', /^GET \/orders request\.query\.limit: maximum lowered: 100 → 50$/);
  });

  test('the same API in 3.1 with only non-breaking edits: no breaking change, exit 0', async () => {
    const { code, result } = await json([V1, EDITED]);
    assert.equal(code, 0);
    assert.deepEqual(
      result.changes.filter((c) => c.severity !== 'info'),
      [],
    );
    assert.ok(result.summary.info > 0);
  });

  test('identical specs: "No changes.", exit 0', async () => {
    const run = await cli(['diff', V2, V2]);
    assert.equal(run.code, 0);
    assert.equal(run.out, 'No changes.\n');
  });

  test('text output groups by severity with a summary line', async () => {
    const run = await cli(['diff', V1, V2]);
    assert.equal(run.code, 1);
    const breaking = run.out.indexOf('Breaking changes (13)');
    const warnings = run.out.indexOf('Warnings (3)');
    const info = run.out.indexOf('Info (');
    assert.ok(breaking >= 0 && breaking < warnings && warnings < info, run.out);
    assert.match(
      run.out,
      /✗ GET \/legacy\/export: path \/legacy\/export was removed \(it was deprecated\) \[path\.removed\]/,
    );
    assert.match(run.out, /13 breaking, 3 warnings, \d+ info\n$/);
  });

  test('markdown output: a table per severity', async () => {
    const run = await cli(['diff', V1, V2, '--format', 'markdown']);
    assert.equal(run.code, 1);
    assert.match(run.out, /^## API changes: 13 breaking, 3 warnings, \d+ info/);
    assert.match(run.out, /### Breaking changes \(13\)\n\n\| Operation \| Location \| Change \| Rule \|/);
    assert.match(
      run.out,
      /\| `GET \/orders` \| `request\.query\.limit` \| maximum lowered: 100 → 50 \| `request\.max-decreased` \|/,
    );
  });

  test('--fail-on warning: warnings alone exit 1; --fail-on breaking: they exit 0', async () => {
    const dir = tempDir();
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    const doc = (values: string[]) => ({
      openapi: '3.0.3',
      info: { title: 't', version: '1' },
      paths: {
        '/a': {
          get: {
            responses: {
              '200': {
                description: 'ok',
                content: { 'application/json': { schema: { type: 'string', enum: values } } },
              },
            },
          },
        },
      },
    });
    writeFileSync(a, JSON.stringify(doc(['x'])));
    writeFileSync(b, JSON.stringify(doc(['x', 'y'])));
    assert.equal((await cli(['diff', a, b])).code, 0);
    assert.equal((await cli(['diff', a, b, '--fail-on', 'breaking'])).code, 0);
    assert.equal((await cli(['diff', a, b, '--fail-on', 'warning'])).code, 1);
  });

  test('an invalid spec is invalid input (exit 2) with file:line:column', async () => {
    const run = await cli(['diff', V1, 'test/fixtures/openapi/invalid-structure.yaml']);
    assert.equal(run.code, 2);
    assert.match(run.err, /invalid-structure\.yaml:\d+:\d+/);
    assert.equal(run.out, '');
  });

  test('a missing file, an unknown format or fail-on value: exit 2', async () => {
    assert.equal((await cli(['diff', V1, 'nope.yaml'])).code, 2);
    assert.equal((await cli(['diff', V1, V2, '--format', 'xml'])).code, 2);
    assert.equal((await cli(['diff', V1, V2, '--fail-on', 'info'])).code, 2);
    assert.equal((await cli(['diff', V1])).code, 2);
  });

  test('gangway run: a readiness stage with the compatibility check blocks on breaking changes', async () => {
    const run = await cli(['run', 'test/fixtures/diff/playbook.yaml', '--stage', 'readiness']);
    assert.equal(run.code, 1, run.err);
    assert.match(run.out, /\[compat\.request\.max-decreased\] error: GET \/orders request\.query\.limit/);
    assert.match(run.out, /13 breaking, 3 warnings/);
  });
});
