import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { loadSpec } from '../../openapi/load.js';
import type { ApiSpec, Operation } from '../../openapi/types.js';
import { invalidPart, requestArbitrary, requestShape, toGenerated } from './property-request.js';

const SPEC = `openapi: 3.1.0
info: { title: Shelf, version: 1.0.0 }
paths:
  /shelves/{shelfId}/books:
    post:
      operationId: addBook
      parameters:
        - { name: shelfId, in: path, required: true, schema: { type: string } }
        - { name: tags, in: query, schema: { type: array, items: { type: string, enum: [new, old] } } }
        - { name: X-Tenant, in: header, required: true, schema: { type: string, pattern: '^t[0-9]{2}$' } }
        - { name: session, in: cookie, schema: { type: integer, minimum: 1, maximum: 9 } }
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [title]
              properties:
                title: { type: string, minLength: 1, maxLength: 40 }
                shelfId: { type: string }
                pages: { type: integer, minimum: 1 }
      responses: { '201': { description: added } }
`;

let dir: string;
let spec: ApiSpec;
let op: Operation;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gangway-req-'));
  writeFileSync(join(dir, 'shelf.yaml'), SPEC);
  spec = await loadSpec(join(dir, 'shelf.yaml'));
  op = spec.operation('addBook')!;
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('requestArbitrary', () => {
  test('200 requests: required parameters always there, valid, path segments never empty or dots', () => {
    const shape = requestShape(op);
    const values = fc.sample(requestArbitrary(shape, spec, {}), { seed: 8, numRuns: 200 });
    const valid = values.filter((v) => invalidPart(shape, v, spec) === undefined);
    assert.ok(valid.length >= 150, `${valid.length}/200 valid`);
    for (const v of valid) {
      assert.ok('path:shelfId' in v.params && 'header:X-Tenant' in v.params);
      assert.doesNotMatch(String(v.params['path:shelfId']), /^\.{0,2}$/);
    }
    assert.ok(valid.some((v) => !('query:tags' in v.params)) && valid.some((v) => 'query:tags' in v.params));
  });

  test("a path parameter no value of which fits a segment does not hang the draw (Jellyfin's plugin version)", async () => {
    const file = join(dir, 'plugins.yaml');
    writeFileSync(
      file,
      `openapi: 3.0.1
info: { title: Plugins, version: 1.0.0 }
paths:
  /plugins/{version}:
    delete:
      operationId: uninstall
      parameters:
        - name: version
          in: path
          required: true
          schema: { type: object, additionalProperties: false, properties: { Major: { type: integer, readOnly: true } } }
      responses: { '204': { description: gone } }
`,
    );
    const plugins = await loadSpec(file);
    const shape = requestShape(plugins.operation('uninstall')!);
    // Every draw is {} (readOnly is never sent), an empty segment: the requests are refused before sending.
    const values = fc.sample(requestArbitrary(shape, plugins, {}), { seed: 1, numRuns: 5 });
    assert.equal(values.length, 5);
    assert.ok(values.every((v) => invalidPart(shape, v, plugins) === 'path:version'));
  });

  test('known values (captured ids) are fixed in parameters and same-named body properties', () => {
    const shape = requestShape(op);
    const values = fc.sample(requestArbitrary(shape, spec, { shelfId: 's-42' }), { seed: 2, numRuns: 30 });
    for (const v of values) {
      assert.equal(v.params['path:shelfId'], 's-42');
      assert.equal((v.body as Record<string, unknown>).shelfId, 's-42');
    }
  });

  test('toGenerated serialises each parameter in its place and style', () => {
    const generated = toGenerated(requestShape(op), {
      params: {
        'path:shelfId': 'a b',
        'query:tags': ['new', 'old'],
        'header:X-Tenant': 't01',
        'cookie:session': 3,
      },
      body: { title: 'Dune' },
    });
    assert.deepEqual(generated.pathParams, { shelfId: 'a b' });
    assert.deepEqual(generated.query, { tags: ['new', 'old'] });
    assert.deepEqual(generated.headers, { 'X-Tenant': 't01', Cookie: 'session=3' });
    assert.equal(generated.contentType, 'application/json');
    assert.deepEqual(generated.body, { title: 'Dune' });
  });

  test('invalidPart names the first value the spec refuses', () => {
    const shape = requestShape(op);
    const params = { 'path:shelfId': 's1', 'header:X-Tenant': 't01' };
    assert.equal(invalidPart(shape, { params, body: { title: 'x' } }, spec), undefined);
    assert.equal(
      invalidPart(shape, { params: { ...params, 'header:X-Tenant': 'nope' }, body: { title: 'x' } }, spec),
      'header:X-Tenant',
    );
    assert.equal(
      invalidPart(shape, { params: { ...params, 'path:shelfId': '..' }, body: { title: 'x' } }, spec),
      'path:shelfId',
    );
    assert.equal(invalidPart(shape, { params, body: { title: '' } }, spec), 'body');
  });
});
