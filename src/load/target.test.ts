import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadSpec } from '../openapi/load.js';
import { resolveLoadTarget } from './target.js';

const dir = mkdtempSync(join(tmpdir(), 'gangway-load-target-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('an operation target: the path key\'s "#name=value" goes in the query; unsendable headers are not sent', async () => {
  const file = join(dir, 'spec.yaml');
  writeFileSync(
    file,
    `openapi: 3.0.3
info: { title: Registry, version: 1.0.0 }
paths:
  /v2/{name}/blobs/uploads/#mode=resumable:
    post:
      operationId: startUpload
      parameters:
        - { name: name, in: path, required: true, schema: { type: string }, example: img }
        - { name: Content-Length, in: header, required: true, schema: { type: integer }, example: 0 }
        - { name: X-Note, in: header, required: true, schema: { type: string }, example: "keep\\n" }
      responses: { '202': { description: started } }
`,
  );
  const spec = await loadSpec(file);
  const req = resolveLoadTarget('startUpload', { baseUrl: 'http://127.0.0.1:9', spec });
  assert.equal(req.url, 'http://127.0.0.1:9/v2/img/blobs/uploads/?mode=resumable');
  assert.deepEqual(req.headers, { 'X-Note': 'keep' });
});
