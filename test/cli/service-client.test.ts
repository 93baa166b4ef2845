// push, run --server and audit verify --server against an in-process service: refusals and their exit
// codes, templates merged into the pushed text, specs with external $refs, onboarding choice, version warnings.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NOTES_SPEC } from '../fixtures/apis/notes.js';
import type { ApiServer } from '../fixtures/apis/server-kit.js';
import { NOTES_TOKEN, notesPlaybook, startTestService, type TestService } from '../service/support.js';
import { cli, tempDir } from './helpers.js';

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('the CLI as a client of the service', () => {
  let service: TestService;
  let notes: ApiServer;
  let dir: string;
  let playbook: string;
  let playbookText: string;
  const runEnv = () => ({ NOTES_URL: notes.url, GANGWAY_SECRET_NOTES_TOKEN: NOTES_TOKEN });

  before(async () => {
    service = await startTestService();
    const fixture = await notesPlaybook();
    notes = fixture.api;
    playbookText = fixture.playbookText;
    dir = tempDir();
    playbook = join(dir, 'notes.playbook.yaml');
    writeFileSync(playbook, playbookText);
    writeFileSync(join(dir, 'notes.yaml'), readFileSync(NOTES_SPEC, 'utf8'));
  });

  after(async () => {
    await service?.close();
    await notes?.close();
  });

  test('push: refusals exit 2 with the API’s code, an unreachable server 3; the token is never printed', async () => {
    const invalid = join(dir, 'invalid.yaml');
    writeFileSync(invalid, playbookText.replace('flow: lifecycle', 'flow: no-such-flow'));
    const bad = await cli(['push', invalid, '--server', service.url, '--token', service.admin]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /invalid\.yaml:\d+:\d+: .*no-such-flow/);
    assert.equal(
      (await service.api<{ items: unknown[] }>(service.admin, 'GET', '/api/v1/playbooks')).body.items.length,
      0,
    );

    const forged = 'gw_forgedforgedforgedforgedforgedforgedforge';
    const unknown = await cli(['push', playbook, '--server', service.url, '--token', forged]);
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.err,
      /the server refused POST \/api\/v1\/playbooks: the token is unknown or revoked \[auth\.unauthenticated\]/,
    );
    assert.ok(!(unknown.out + unknown.err).includes(forged));

    const viewer = await service.token('viewer');
    const refused = await cli(['push', playbook], {
      env: { GANGWAY_SERVER: service.url, GANGWAY_TOKEN: viewer },
    });
    assert.equal(refused.code, 2);
    assert.match(refused.err, /\[auth\.forbidden\]/);
    assert.ok(!(refused.out + refused.err).includes(viewer));

    const port = await closedPort();
    const down = await cli([
      'push',
      playbook,
      '--server',
      `http://127.0.0.1:${port}`,
      '--token',
      service.admin,
    ]);
    assert.equal(down.code, 3);
    assert.match(
      down.err,
      new RegExp(`cannot reach the Gangway server at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`),
    );
    assert.ok(!down.err.includes(service.admin));

    const missing = await cli(['push', playbook]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /--server <url> or GANGWAY_SERVER/);
  });

  test('push: a template in another directory is merged into the text, paths made relative again', async () => {
    const tree = tempDir();
    mkdirSync(join(tree, 'templates'));
    mkdirSync(join(tree, 'partners'));
    writeFileSync(join(tree, 'templates', 'notes.yaml'), readFileSync(NOTES_SPEC, 'utf8'));
    // The template is the fixture without its name, version and production stage.
    const template = playbookText
      .replace(/^playbook: .*\n/m, '')
      .replace(/^version: .*\n/m, '')
      .replace(/ {2}- id: production[\s\S]*$/, '');
    writeFileSync(join(tree, 'templates', 'base.yaml'), template);
    const child = join(tree, 'partners', 'acme.yaml');
    writeFileSync(
      child,
      'extends: ../templates/base.yaml\nplaybook: acme-notes\nversion: 2.0.0\nstages:\n  - id: readiness\n    environment: sandbox\n    checks:\n      - id: lifecycle\n        flow: lifecycle\n    signoff: [partner]\n',
    );
    const pushed = await cli(['push', child, '--server', service.url, '--token', service.admin]);
    assert.equal(pushed.code, 0, pushed.err);
    assert.match(pushed.out, /^created: acme-notes 2\.0\.0 as version \w+ \(stages: readiness, sandbox\)/);
    const id = /as version (\w+)/.exec(pushed.out)?.[1];
    const stored = await service.api<{
      playbookText: string;
      specText: string;
      stages: { id: string; signoff: string[] }[];
    }>(service.admin, 'GET', `/api/v1/playbooks/${id}`);
    assert.doesNotMatch(stored.body.playbookText, /extends/);
    assert.match(stored.body.playbookText, /spec: \.\/notes\.yaml/, 'the spec is stored beside the playbook');
    assert.ok(!stored.body.playbookText.includes(tree), 'no absolute path of this machine');
    assert.deepEqual(
      stored.body.stages[0]?.signoff,
      ['partner'],
      'the child’s stage replaced the template’s',
    );
    assert.equal(stored.body.specText, readFileSync(NOTES_SPEC, 'utf8'));

    // run --server computes the same content address from the same file: the upload counts, no warning.
    await service.api(service.admin, 'POST', '/api/v1/partners', { id: 'initech', name: 'Initech' });
    const onboarding = await service.api<{ id: string }>(service.admin, 'POST', '/api/v1/onboardings', {
      partnerId: 'initech',
      playbookVersionId: id,
    });
    const run = await cli(
      ['run', child, '--stage', 'readiness', '--server', service.url, '--token', service.admin],
      {
        env: runEnv(),
      },
    );
    assert.equal(run.code, 0, run.out + run.err);
    assert.doesNotMatch(run.err, /warning/);
    assert.match(
      run.out,
      new RegExp(`uploaded as run run_\\S+ \\(passed\\) of onboarding ${onboarding.body.id}`),
    );
  });

  test('push: a spec with a $ref to another file is refused (exit 2)', async () => {
    const split = tempDir();
    writeFileSync(join(split, 'p.yaml'), playbookText);
    const spec = readFileSync(NOTES_SPEC, 'utf8').replace(
      '$ref: "#/components/schemas/NotePage"',
      '$ref: "./schemas.yaml#/NotePage"',
    );
    assert.notEqual(spec, readFileSync(NOTES_SPEC, 'utf8'));
    writeFileSync(join(split, 'notes.yaml'), spec);
    writeFileSync(join(split, 'schemas.yaml'), 'NotePage: { type: object }\n');
    const result = await cli([
      'push',
      join(split, 'p.yaml'),
      '--server',
      service.url,
      '--token',
      service.admin,
    ]);
    assert.equal(result.code, 2, result.err);
    assert.match(result.err, /refers to another document \(\$ref: \.\/schemas\.yaml#\/NotePage\).*bundle it/);
  });

  test('run --server: no onboarding or several → exit 2 before running; another version → warning; refused upload → 3', async () => {
    const pushed = await cli(['push', playbook, '--server', service.url, '--token', service.admin]);
    assert.equal(pushed.code, 0, pushed.err);
    const versionId = /as version (\w+)/.exec(pushed.out)?.[1] ?? '';
    const report = join(dir, 'r.json');
    const args = [
      'run',
      playbook,
      '--stage',
      'readiness',
      '--report',
      `json=${report}`,
      '--server',
      service.url,
    ];

    const none = await cli([...args, '--token', service.admin], { env: runEnv() });
    assert.equal(none.code, 2, none.err);
    assert.match(none.err, /no onboarding on playbook notes-partner/);
    assert.doesNotMatch(none.out, /json report/, 'nothing ran');

    for (const id of ['acme', 'globex']) {
      await service.api(service.admin, 'POST', '/api/v1/partners', { id, name: id });
    }
    const onboard = async (partnerId: string, playbookVersionId: string) =>
      (
        await service.api<{ id: string }>(service.admin, 'POST', '/api/v1/onboardings', {
          partnerId,
          playbookVersionId,
        })
      ).body.id;
    const acme = await onboard('acme', versionId);
    const edited = await service.api<{ version: { id: string } }>(
      service.admin,
      'POST',
      '/api/v1/playbooks',
      {
        playbookText: playbookText.replace('version: 1.0.0', 'version: 1.0.1'),
        specText: readFileSync(NOTES_SPEC, 'utf8'),
      },
    );
    const globex = await onboard('globex', edited.body.version.id);

    const two = await cli([...args, '--token', service.admin], { env: runEnv() });
    assert.equal(two.code, 2);
    assert.match(
      two.err,
      new RegExp(
        `2 onboardings on playbook notes-partner: choose one with --onboarding: .*${acme}.*partner acme`,
        's',
      ),
    );
    assert.match(two.err, new RegExp(globex));

    const other = await cli([...args, '--token', service.admin, '--onboarding', globex], { env: runEnv() });
    assert.equal(other.code, 0, other.err);
    assert.match(
      other.err,
      new RegExp(
        `warning: this playbook is version ${versionId}, onboarding ${globex} is on ${edited.body.version.id}`,
      ),
    );
    assert.match(other.out, new RegExp(`uploaded as run run_\\S+ \\(passed\\) of onboarding ${globex}`));

    // A partner may not submit production runs: the stage runs (here against the sandbox), the upload is refused.
    const partner = await service.token('partner', 'acme');
    const refused = await cli(
      [
        'run',
        playbook,
        '--stage',
        'production',
        '--env',
        'sandbox',
        '--server',
        service.url,
        '--token',
        partner,
      ],
      { env: runEnv() },
    );
    assert.equal(refused.code, 3, refused.out + refused.err);
    assert.match(
      refused.err,
      /upload failed[\s\S]*partners may not submit runs of stage production \[auth\.forbidden\]/,
    );
    assert.ok(!(refused.out + refused.err).includes(partner));

    const nowhere = await cli([...args, '--token', service.admin, '--onboarding', 'onb_missing'], {
      env: runEnv(),
    });
    assert.equal(nowhere.code, 2);
    assert.match(nowhere.err, /\[onboarding\.not-found\]/);
  });

  test('audit verify --server: a viewer is refused (exit 2); the chain is intact (exit 0)', async () => {
    const viewer = await service.token('viewer', undefined, 'auditor');
    const refused = await cli(['audit', 'verify', '--server', service.url, '--token', viewer]);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /\[auth\.forbidden\]/);
    const ok = await cli(['audit', 'verify'], {
      env: { GANGWAY_SERVER: service.url, GANGWAY_TOKEN: service.admin },
    });
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /^audit chain intact: \d+ events, head [0-9a-f]{64}\n$/);
  });
});

describe('token and serve without a server running', () => {
  test('token create/list/revoke on a data dir; stdout of create is the token only', async () => {
    const dataDir = join(tempDir(), 'data');
    const env = { GANGWAY_SECRET_KEY: Buffer.alloc(32, 3).toString('base64') };
    const none = await cli(['token', 'list', '--data-dir', dataDir], { env });
    assert.equal(none.code, 2, 'listing reads an existing database only');
    assert.match(none.err, /no Gangway database in /);
    const unknownPartner = await cli(
      ['token', 'create', '--role', 'partner', '--partner', 'acme', '--data-dir', dataDir],
      { env },
    );
    assert.equal(unknownPartner.code, 2);
    assert.match(unknownPartner.err, /partner acme does not exist/);
    const badRole = await cli(['token', 'create', '--role', 'root', '--data-dir', dataDir], { env });
    assert.equal(badRole.code, 2);

    const created = await cli(
      ['token', 'create', '--role', 'operator', '--name', 'ci', '--data-dir', dataDir],
      { env },
    );
    assert.equal(created.code, 0, created.err);
    const id = /token (tok_\S+) "ci"/.exec(created.err)?.[1] ?? '';
    assert.ok(id, created.err);
    const listed = await cli(['token', 'list', '--json', '--data-dir', dataDir], { env });
    const tokens = JSON.parse(listed.out) as { id: string; name: string; createdBy: string }[];
    assert.deepEqual(
      tokens.map((t) => [t.id, t.name]),
      [[id, 'ci']],
    );
    assert.match(tokens[0]?.createdBy ?? '', /^cli:/);
    assert.ok(!listed.out.includes(created.out.trim()), 'never the secret');

    assert.equal((await cli(['token', 'revoke', id, '--data-dir', dataDir], { env })).code, 0);
    const twice = await cli(['token', 'revoke', id, '--data-dir', dataDir], { env });
    assert.equal(twice.code, 2);
    assert.match(twice.err, /already revoked/);
    assert.equal((await cli(['token', 'list', '--data-dir', dataDir], { env })).out, '');
    assert.match((await cli(['token', 'list', '--all', '--data-dir', dataDir], { env })).out, /revoked 20/);
    const audit = await cli(['audit', 'verify', '--data-dir', dataDir], { env });
    assert.match(audit.out, /^audit chain intact: 2 events/, 'creation and revocation are audited');
  });

  test('serve on a port in use exits 2 naming it', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const { port } = busy.address() as { port: number };
    try {
      const result = await cli(['serve', '--port', String(port), '--data-dir', join(tempDir(), 'data')], {
        env: { GANGWAY_SECRET_KEY: Buffer.alloc(32, 3).toString('base64') },
      });
      assert.equal(result.code, 2, result.err);
      assert.match(result.err, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`));
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });
});
