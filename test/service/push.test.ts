// Pushing playbook versions: validated like `gangway run`, and nothing that would make the server read its
// own files or fetch URLs for them (templates, external $refs, certificate paths, baseline spec files).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ApiServer } from '../fixtures/apis/server-kit.js';
import { notesPlaybook, startTestService, type TestService } from './support.js';

describe('pushing playbook versions', () => {
  let service: TestService;
  let notes: ApiServer;
  let playbookText: string;
  let specText: string;

  before(async () => {
    service = await startTestService();
    ({ api: notes, playbookText, specText } = await notesPlaybook());
  });
  after(async () => {
    await service?.close();
    await notes?.close();
  });

  const push = (body: unknown) =>
    service.api<{ error: { code: string; message: string } }>(
      service.admin,
      'POST',
      '/api/v1/playbooks',
      body,
    );

  test('an invalid playbook is refused with playbook.yaml:line:column', async () => {
    const broken = playbookText.replace('version: 1.0.0', 'version: one');
    const answer = await push({ playbookText: broken, specText });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.code, 'playbook.invalid');
    assert.match(answer.body.error.message, /^playbook\.yaml: .*\n\s+playbook\.yaml:3:10: /s);
    assert.doesNotMatch(answer.body.error.message, /gangway-playbooks/, 'no server paths');
  });

  test('a playbook naming a spec must come with its text', async () => {
    const answer = await push({ playbookText });
    assert.equal(answer.status, 400);
  });

  test('templates, external $refs, certificate paths and baseline spec files are refused', async () => {
    const cases: [string, string, string][] = [
      [`extends: ./base.yaml\n${playbookText}`, specText, 'playbook.extends'],
      [
        playbookText,
        specText.replace('$ref: "#/components/schemas/NotePage"', '$ref: "/etc/passwd#/x"'),
        'spec.invalid',
      ],
      [
        playbookText.replace(
          '    auth:\n      type: bearer',
          '    tls:\n      ca: /etc/ssl/certs/ca.pem\n    auth:\n      type: bearer',
        ),
        specText,
        'playbook.tls-file',
      ],
      [
        playbookText.replace(
          '      - contract: { maxCasesPerOperation: 1 }',
          '      - compatibility: { baseline: ./old.yaml }',
        ),
        specText,
        'service.unsupported-check',
      ],
    ];
    for (const [text, spec, code] of cases) {
      const answer = await push({ playbookText: text, specText: spec });
      assert.equal(answer.status, 400, `${code}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.code, code, answer.body.error.message);
    }
    const listed = await service.api<{ items: unknown[] }>(service.admin, 'GET', '/api/v1/playbooks');
    assert.equal(listed.body.items.length, 0, 'nothing refused was stored');
  });
});
