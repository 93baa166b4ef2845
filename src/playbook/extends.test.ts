// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${secret.x} is playbook syntax.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fakeKinds, rejection, writeTree } from '../../test/fixtures/playbooks/support.js';
import { InputError } from '../core/errors.js';
import { loadPlaybook } from './load.js';

const kinds = fakeKinds;

const TEMPLATE = `playbook: payments-template
version: 1.0.0
api: { spec: ./openapi.yaml }
owners: { security: sec@example.com, onboarding: onb@example.com }
environments:
  sandbox:
    baseUrl: https://sandbox.template.example
    auth: { type: bearer, token: '\${secret.token}' }
    tls: { ca: ./ca.pem }
runbooks: { latency: ./runbooks/latency.md }
stages:
  - id: readiness
    checks: [ health ]
  - id: sandbox
    environment: sandbox
    checks: [ tls ]
    signoff: [security]
`;

describe('extends', () => {
  test('the child overrides values and stages by id; maps merge key by key; template paths become absolute', async () => {
    const dir = await writeTree({
      'templates/payments.yaml': TEMPLATE,
      'templates/openapi.yaml': 'openapi: 3.1.0\n',
      'acme.yaml': `extends: ./templates/payments.yaml
playbook: acme
version: 2.0.0
environments:
  sandbox:
    baseUrl: https://sandbox.acme.example
stages:
  - id: sandbox
    environment: sandbox
    checks: [ { health: { path: /ready } } ]
  - id: production
    checks: [ tls ]
`,
    });
    const pb = await loadPlaybook(join(dir, 'acme.yaml'), { kinds });
    assert.equal(pb.playbook, 'acme');
    assert.equal(pb.version, '2.0.0');
    assert.deepEqual(pb.owners, { security: 'sec@example.com', onboarding: 'onb@example.com' });
    assert.equal(pb.environments.sandbox?.baseUrl, 'https://sandbox.acme.example');
    assert.deepEqual(
      pb.environments.sandbox?.auth,
      { type: 'bearer', token: '${secret.token}' },
      'kept from the template',
    );
    assert.equal(pb.api?.spec, join(dir, 'templates/openapi.yaml'));
    assert.equal(pb.environments.sandbox?.tls?.ca, join(dir, 'templates/ca.pem'));
    assert.equal(pb.runbooks?.latency, join(dir, 'templates/runbooks/latency.md'));
    assert.deepEqual(
      pb.stages.map((s) => [s.id, s.checks.map((c) => c.id), s.signoff]),
      [
        ['readiness', ['health'], []],
        ['sandbox', ['health'], []],
        ['production', ['tls'], []],
      ],
      'sandbox replaced whole, production appended, order of the template kept',
    );
    assert.equal(
      pb.stages[0]!.checks[0]!.baseDir,
      join(dir, 'templates'),
      'template checks resolve paths there',
    );
    assert.equal(pb.stages[1]!.checks[0]!.baseDir, dir);
    assert.equal(pb.baseDir, dir);
  });

  test('an auth block with another type replaces the template one instead of merging', async () => {
    const dir = await writeTree({
      't.yaml':
        'playbook: t\nversion: 1.0.0\nenvironments:\n  e: { baseUrl: https://x.example, auth: { type: bearer, token: t } }\n',
      'c.yaml': 'extends: t.yaml\nenvironments:\n  e: { auth: { type: basic, username: u, password: p } }\n',
    });
    const pb = await loadPlaybook(join(dir, 'c.yaml'), { kinds });
    assert.deepEqual(pb.environments.e?.auth, { type: 'basic', username: 'u', password: 'p' });
  });

  test('templates extend templates; a cycle is reported at the extends that closes it', async () => {
    const dir = await writeTree({
      'a.yaml': 'extends: ./b.yaml\nplaybook: a\nversion: 1.0.0\n',
      'b.yaml': '# b\nextends: ./c.yaml\n',
      'c.yaml': 'title: c\n\nextends: ./a.yaml\n',
    });
    const error = await rejection(loadPlaybook(join(dir, 'a.yaml'), { kinds }));
    assert.ok(error instanceof InputError);
    assert.equal(error.code, 'playbook.invalid');
    const [d] = error.diagnostics;
    assert.ok(d?.file.endsWith('c.yaml'), d?.file);
    assert.deepEqual([d?.line, d?.column], [3, 10]);
    assert.match(d?.message ?? '', /^extends cycle: .*a\.yaml → .*b\.yaml → .*c\.yaml → .*a\.yaml$/);
  });

  test('errors inside a template point into the template file', async () => {
    const dir = await writeTree({
      'templates/t.yaml':
        'playbook: t\nversion: 1.0.0\nstages:\n  - id: readiness\n    checks:\n      - healht\n',
      'child.yaml':
        'extends: templates/t.yaml\nplaybook: c\nstages:\n  - id: more\n    checks: [ { tls: { minDaysLeft: soon } } ]\n',
    });
    const error = await rejection(loadPlaybook(join(dir, 'child.yaml'), { kinds }));
    assert.ok(error instanceof InputError);
    const where = error.diagnostics.map((d) => [
      d.file.split('/').slice(-2).join('/'),
      d.line,
      d.column,
      d.message,
    ]);
    assert.deepEqual(where, [
      [`${dir.split('/').at(-1)}/child.yaml`, 5, 37, 'expected a number, got a string'],
      ['templates/t.yaml', 6, 9, 'unknown check kind "healht"; known kinds: health, flow, tls'],
    ]);
  });

  test('a missing template is reported at the extends line', async () => {
    const dir = await writeTree({ 'c.yaml': 'playbook: c\nversion: 1.0.0\nextends: ./nope.yaml\n' });
    const error = await rejection(loadPlaybook(join(dir, 'c.yaml'), { kinds }));
    assert.ok(error instanceof InputError);
    assert.deepEqual(
      error.diagnostics.map((d) => [d.line, d.column]),
      [[3, 10]],
    );
    assert.match(error.diagnostics[0]!.message, /cannot read template .*nope\.yaml \(ENOENT\)/);
  });

  test('a stage declared twice in the child is still a duplicate, not a silent replacement', async () => {
    const dir = await writeTree({
      't.yaml': 'playbook: t\nversion: 1.0.0\nstages: [ { id: a } ]\n',
      'c.yaml': 'extends: t.yaml\nstages:\n  - id: a\n  - id: a\n',
    });
    const error = await rejection(loadPlaybook(join(dir, 'c.yaml'), { kinds }));
    assert.ok(error instanceof InputError);
    assert.deepEqual(
      error.diagnostics.map((d) => [d.file.endsWith('c.yaml'), d.line, d.message]),
      [[true, 4, 'duplicate stage id "a"']],
    );
  });
});
