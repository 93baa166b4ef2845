// `gangway api`: one call to the service's API, answer printed as JSON; 4xx exit 2 with the API's code.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestService, type TestService } from '../service/support.js';
import { cli, tempDir } from './helpers.js';

describe('gangway api', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService();
  });
  after(async () => {
    await service?.close();
  });

  test('POST with --data and GET print the answers; the env gives server and token', async () => {
    const created = await cli([
      'api',
      'POST',
      '/partners',
      '--data',
      '{"id":"acme","name":"Acme"}',
      '--server',
      service.url,
      '--token',
      service.admin,
    ]);
    assert.equal(created.code, 0, created.err);
    assert.equal(JSON.parse(created.out).id, 'acme');
    const file = join(tempDir(), 'partner.json');
    writeFileSync(file, JSON.stringify({ id: 'globex', name: 'Globex' }));
    const env = { GANGWAY_SERVER: service.url, GANGWAY_TOKEN: service.admin };
    assert.equal((await cli(['api', 'post', '/api/v1/partners', '--data', `@${file}`], { env })).code, 0);
    const listed = await cli(['api', 'GET', '/partners'], { env });
    assert.deepEqual(
      JSON.parse(listed.out).items.map((p: { id: string }) => p.id),
      ['acme', 'globex'],
    );
    assert.doesNotMatch(listed.out + listed.err, new RegExp(service.admin));
  });

  test('refusals exit 2 with the code; bad input exits 2 before any call', async () => {
    const env = { GANGWAY_SERVER: service.url, GANGWAY_TOKEN: service.admin };
    const missing = await cli(['api', 'GET', '/partners/nobody'], { env });
    assert.equal(missing.code, 2);
    assert.match(missing.err, /partner\.not-found/);
    const conflict = await cli(['api', 'POST', '/partners', '--data', '{"id":"acme","name":"Acme"}'], {
      env,
    });
    assert.equal(conflict.code, 2);
    assert.equal((await cli(['api', 'PATCH', '/partners'], { env })).code, 2);
    assert.equal((await cli(['api', 'POST', '/partners', '--data', '{nope'], { env })).code, 2);
  });
});
