// Invalid input through the CLI: playbook mistakes located by file:line:column, bad flags, exit code 2.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startNotes } from '../fixtures/apis/notes.js';
import type { ApiServer } from '../fixtures/apis/server-kit.js';
import { cli, tempDir } from './helpers.js';

const PLAYBOOKS = 'test/fixtures/playbooks';
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

/** Lines of stderr that locate a problem in `file`: "path:line:column: message". */
function located(err: string, file: string): string[] {
  return err.split('\n').filter((l) => l.includes(`${file}:`) && /:\d+:\d+: /.test(l));
}

describe('gangway lint', () => {
  test('a mistake on line 17 is reported at :17: with its column, exit 2', async () => {
    const { code, out, err } = await cli(['lint', `${PLAYBOOKS}/cli-line17.yaml`]);
    assert.equal(code, 2);
    assert.equal(out, '');
    const lines = located(err, 'cli-line17.yaml');
    assert.equal(lines.length, 1, err);
    assert.match(lines[0] ?? '', /cli-line17\.yaml:17:20: expected a number, got a string/);
    assert.match(lines[0] ?? '', /stages\[0\]\.checks\[0\]\.health\.samples/);
    assert.doesNotMatch(err, STACK_FRAME);
  });

  test('several mistakes are all reported in one pass, each once, in line order', async () => {
    const { code, err } = await cli(['lint', `${PLAYBOOKS}/cli-many-mistakes.yaml`]);
    assert.equal(code, 2);
    const lines = located(err, 'cli-many-mistakes.yaml');
    const at = lines.map((l) => Number(/\.yaml:(\d+):\d+:/.exec(l)?.[1]));
    assert.deepEqual(at, [12, 17, 18, 19, 20], err);
    assert.match(lines[0] ?? '', /unknown key "timout".*did you mean timeout/);
    assert.match(lines[1] ?? '', /must be at least 1/);
    assert.match(lines[3] ?? '', /p95 < 300ms/);
    assert.match(lines[4] ?? '', /sign-off role "auditor"/);
    assert.match(err, /5 problems/);
  });

  test('an unknown check kind names the known kinds', async () => {
    const { code, err } = await cli(['lint', `${PLAYBOOKS}/cli-many-mistakes.yaml`]);
    assert.equal(code, 2);
    const line = located(err, 'cli-many-mistakes.yaml').find((l) => l.includes('"fuzz"'));
    assert.ok(line, err);
    assert.match(line, /:18:9: unknown key "fuzz"/);
    assert.match(line, /known kinds: .*health.*contract.*flow/);
  });

  test('a flow calling an operation missing from the spec is located at its call: line', async () => {
    const { code, err } = await cli(['lint', `${PLAYBOOKS}/cli-unknown-operation.yaml`]);
    assert.equal(code, 2);
    const lines = located(err, 'cli-unknown-operation.yaml');
    assert.equal(lines.length, 1, err);
    assert.match(lines[0] ?? '', /:17:13: operation "archiveNote" is not in the spec Notes API/);
    assert.match(lines[0] ?? '', /flows\.lifecycle\[1\]\.call/);
  });

  test('the example payments playbook is valid: exit 0', async () => {
    const { code, out, err } = await cli(['lint', 'examples/payments/playbook.yaml']);
    assert.equal(code, 0, err);
    assert.equal(err, '');
    assert.match(out, /demo-payments .* is valid: 4 stage\(s\)/);
    assert.match(out, /spec Demo Payments API .*OpenAPI 3\.1/);
  });

  test('a missing playbook file is exit 2 with its path', async () => {
    const { code, err } = await cli(['lint', `${PLAYBOOKS}/no-such-playbook.yaml`]);
    assert.equal(code, 2);
    assert.match(err, /no-such-playbook\.yaml/);
    assert.doesNotMatch(err, STACK_FRAME);
  });
});

describe('gangway run with bad flags', () => {
  let server: ApiServer;
  before(async () => {
    server = await startNotes({ token: 'tok', defects: false });
  });
  after(() => server.close());
  const env = () => ({ NOTES_URL: server.url, GANGWAY_SECRET_NOTES_TOKEN: 'tok' });

  test('an unknown stage is exit 2 naming the stages, nothing sent', async () => {
    const { code, err } = await cli(['run', `${PLAYBOOKS}/cli-notes.yaml`, '--stage', 'production'], {
      env: env(),
    });
    assert.equal(code, 2);
    assert.match(err, /stage "production" is not in cli-notes \(stages: sandbox\)/);
    assert.equal(server.requests.length, 0);
  });

  test('an unknown --report format is exit 2 naming the formats, nothing sent', async () => {
    const { code, err } = await cli(
      ['run', `${PLAYBOOKS}/cli-notes.yaml`, '--stage', 'sandbox', '--report', `pdf=${tempDir()}/r.pdf`],
      { env: env() },
    );
    assert.equal(code, 2);
    assert.match(err, /unknown format "pdf".*junit, json, html/);
    assert.equal(server.requests.length, 0);
  });

  test('a missing --stage and an unknown option are exit 2', async () => {
    const missing = await cli(['run', `${PLAYBOOKS}/cli-notes.yaml`], { env: env() });
    assert.equal(missing.code, 2);
    assert.match(missing.err, /--stage/);
    const unknown = await cli(['run', `${PLAYBOOKS}/cli-notes.yaml`, '--stage', 'sandbox', '--colour'], {
      env: env(),
    });
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown option '--colour'/);
    assert.equal(server.requests.length, 0);
  });

  test('the valid notes playbook runs its stage against the healthy API: exit 0', async () => {
    const { code, out, err } = await cli(['run', `${PLAYBOOKS}/cli-notes.yaml`, '--stage', 'sandbox'], {
      env: env(),
    });
    assert.equal(code, 0, out + err);
    assert.match(out, /Gate sandbox: OPEN/);
    assert.ok(server.requests.length > 0);
  });
});
