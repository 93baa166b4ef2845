// "We onboard ourselves": Gangway's own contract check run against the running service, from the OpenAPI
// document the service serves. Every finding is a defect of the service or of its schemas.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cli, tempDir } from '../cli/helpers.js';
import { startTestService, type TestService } from './support.js';

describe('self-contract: gangway contract against the service’s own OpenAPI document', () => {
  let service: TestService;
  let specFile: string;
  let dir: string;

  before(async () => {
    // The check sends requests without and with wrong credentials to every operation (auth probes): many
    // more than the failed-auth limit allows, and it honours Retry-After. limits.test.ts tests the limit.
    service = await startTestService({ config: { authFailuresPerMinute: 1_000_000 } });
    // Some data so listings and lookups have something to answer with.
    await service.api(service.admin, 'POST', '/api/v1/partners', { id: 'acme', name: 'Acme' });
    dir = tempDir();
    const doc = await service.api(undefined, 'GET', '/api/v1/openapi.json');
    assert.equal(doc.status, 200);
    specFile = join(dir, 'gangway-openapi.json');
    await writeFile(specFile, JSON.stringify(doc.body));
  });

  after(async () => {
    await service?.close();
  });

  test('the contract check finds nothing (exit 0)', { timeout: 240_000 }, async () => {
    const report = join(dir, 'report.json');
    const result = await cli([
      'contract',
      specFile,
      '--base-url',
      service.url,
      '--header',
      `Authorization: Bearer ${service.admin}`,
      // Revoking a token could revoke the one the check itself uses: the rest of the run would be 401s.
      '--exclude',
      'revokeToken',
      // Any string is schema-valid playbookText, but only a playbook is accepted (400 playbook.invalid),
      // and the check counts a 400 whose code speaks of validity against the API: a limit of the check.
      '--exclude',
      'pushPlaybook',
      '--seed',
      '7',
      '--report',
      `json=${report}`,
    ]);
    assert.equal(result.code, 0, `${result.out}\n${result.err}`);
  });
});
