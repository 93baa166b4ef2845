// `gangway serve` and `gangway worker` as real child processes on a temp SQLite data dir, driven by the CLI:
// token create, push, run --server (upload), audit verify; then one audit row corrupted by hand, and SIGTERM.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { NOTES_SPEC } from '../fixtures/apis/notes.js';
import type { ApiServer } from '../fixtures/apis/server-kit.js';
import { NOTES_TOKEN, notesPlaybook } from '../service/support.js';
import { type PgServer, startPostgres } from '../support/postgres.js';
import { cli, repoRoot, tempDir } from './helpers.js';

const SECRET_KEY = Buffer.alloc(32, 9).toString('base64');
const ENTRY =
  "import { main } from './src/cli/main.ts'; process.exitCode = await main(process.argv.slice(1));";

/** A `gangway` child process: its output so far, and a promise of its exit code. */
interface Child {
  process: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
  /** Resolves with the first stdout line matching, or rejects when the process exits first or after the bound. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

const children: Child[] = [];

function gangway(args: string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', ENTRY, '--', ...args],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    err += String(d);
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const handle: Child = {
    process: child,
    out: () => out,
    err: () => err,
    exit,
    line(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => finish(new Error(`no line ${pattern} after ${timeoutMs} ms:\n${out}\n${err}`)),
          timeoutMs,
        );
        const check = () => {
          const found = out.split('\n').find((l) => pattern.test(l));
          if (found) finish(undefined, found);
        };
        const exited = () => finish(new Error(`exited before ${pattern}:\n${out}\n${err}`));
        function finish(error: Error | undefined, found?: string) {
          clearTimeout(timer);
          child.stdout?.off('data', check);
          child.off('exit', exited);
          if (error) reject(error);
          else resolve(found ?? '');
        }
        child.stdout?.on('data', check);
        child.once('exit', exited);
        check();
      });
    },
  };
  children.push(handle);
  return handle;
}

async function api<T>(
  url: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

describe('gangway serve / worker / token / push / run --server / audit verify (real processes, SQLite)', () => {
  let notes: ApiServer;
  let dataDir: string;
  let dir: string;
  let serve: Child;
  let url: string;
  let admin: string;
  let playbook: string;
  const env = () => ({ GANGWAY_SECRET_KEY: SECRET_KEY });

  before(async () => {
    const fixture = await notesPlaybook();
    notes = fixture.api;
    dir = tempDir();
    dataDir = join(dir, 'data');
    playbook = join(dir, 'notes.playbook.yaml');
    writeFileSync(playbook, fixture.playbookText);
    writeFileSync(join(dir, 'notes.yaml'), readFileSync(NOTES_SPEC, 'utf8'));
    // The first admin token exists before the server does: the bootstrap a user follows.
    const created = await cli(['token', 'create', '--role', 'admin', '--data-dir', dataDir], { env: env() });
    assert.equal(created.code, 0, created.err);
    admin = created.out.trim();
    assert.match(admin, /^gw_[\w-]{43}$/, 'stdout is the token and nothing else');
    assert.match(created.err, /created admin token tok_/);

    serve = gangway(
      [
        'serve',
        '--port',
        '0',
        '--data-dir',
        dataDir,
        '--no-worker',
        '--allow-private-targets',
        '127.0.0.0/8',
      ],
      env(),
    );
    const line = await serve.line(/listening on/);
    url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1] ?? '';
    assert.ok(url, line);
    assert.match(line, /sqlite .*gangway\.db/);
  });

  after(async () => {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
    await notes?.close();
  });

  test('push validates, stores a version once; run --server uploads to the only onboarding', async () => {
    const pushed = await cli(['push', playbook, '--server', url, '--token', admin]);
    assert.equal(pushed.code, 0, pushed.err);
    const versionId = /as version (\w+)/.exec(pushed.out)?.[1] ?? '';
    assert.match(
      pushed.out,
      /^created: notes-partner 1\.0\.0 as version \w+ \(stages: readiness, sandbox, production\)/,
    );
    const again = await cli(['push', playbook], { env: { GANGWAY_SERVER: url, GANGWAY_TOKEN: admin } });
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, new RegExp(`^already there: .* ${versionId} `));

    assert.equal((await api(url, admin, 'POST', '/partners', { id: 'acme', name: 'Acme' })).status, 201);
    const onboarding = await api<{ id: string }>(url, admin, 'POST', '/onboardings', {
      partnerId: 'acme',
      playbookVersionId: versionId,
    });
    assert.equal(onboarding.status, 201);

    const report = join(dir, 'report.json');
    const run = await cli(
      [
        'run',
        playbook,
        '--stage',
        'readiness',
        '--report',
        `json=${report}`,
        '--server',
        url,
        '--token',
        admin,
      ],
      { env: { NOTES_URL: notes.url, GANGWAY_SECRET_NOTES_TOKEN: NOTES_TOKEN } },
    );
    assert.equal(run.code, 0, run.out + run.err);
    assert.doesNotMatch(run.err, /warning/, 'the pushed version is the onboarding’s: no mismatch');
    const runId = new RegExp(
      `uploaded as run (run_[\\w-]+) \\(passed\\) of onboarding ${onboarding.body.id}`,
    ).exec(run.out)?.[1];
    assert.ok(runId, run.out);
    const stored = await api<{ source: string; status: string; playbookVersionId: string }>(
      url,
      admin,
      'GET',
      `/runs/${runId}`,
    );
    assert.equal(stored.body.source, 'uploaded');
    assert.equal(stored.body.playbookVersionId, versionId);
    const gate = await api<{ run: { id: string } | null; reasons: string[] }>(
      url,
      admin,
      'GET',
      `/onboardings/${onboarding.body.id}/gates/readiness`,
    );
    assert.equal(gate.body.run?.id, runId, 'the uploaded run is the gate’s evidence');
  });

  test('a worker process executes a run the API queued (serve --no-worker)', async () => {
    const worker = gangway(
      ['worker', '--data-dir', dataDir, '--worker-id', 'w1', '--allow-private-targets', '127.0.0.0/8'],
      env(),
    );
    await worker.line(/^worker w1 ready \(sqlite /);
    for (const [name, value] of [
      ['NOTES_URL', notes.url],
      ['notes_token', NOTES_TOKEN],
    ] as const) {
      assert.equal((await api(url, admin, 'PUT', `/secrets/global/${name}`, { value })).status, 204);
    }
    const { body: list } = await api<{ items: { id: string }[] }>(url, admin, 'GET', '/onboardings');
    const onboardingId = list.items[0]?.id ?? '';
    const started = await api<{ id: string }>(url, admin, 'POST', '/runs', {
      onboardingId,
      stage: 'readiness',
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const run = await finalRun(url, admin, started.body.id);
    assert.equal(worker.process.exitCode, null, `the worker stays up: ${worker.err()}`);
    assert.equal(run.status, 'passed', worker.err());
    assert.equal(run.workerId, 'w1');
    worker.process.kill('SIGTERM');
    assert.equal(await worker.exit, 0, worker.err());
  });

  test('audit verify: intact (store and server), then a corrupted row is named; SIGTERM stops serve with 0', async () => {
    const local = await cli(['audit', 'verify', '--data-dir', dataDir], { env: env() });
    assert.equal(local.code, 0, local.err);
    assert.match(local.out, /^audit chain intact: (\d+) events, head [0-9a-f]{64}\n$/);
    const remote = await cli(['audit', 'verify', '--server', url, '--token', admin]);
    assert.equal(remote.code, 0, remote.err);
    assert.equal(remote.out, local.out);

    const db = new Database(join(dataDir, 'gangway.db'));
    try {
      const changed = db.prepare('UPDATE audit_events SET payload = ? WHERE seq = 3').run('{"forged":true}');
      assert.equal(changed.changes, 1);
    } finally {
      db.close();
    }
    const broken = await cli(['audit', 'verify', '--data-dir', dataDir], { env: env() });
    assert.equal(broken.code, 1, broken.err);
    assert.match(broken.out, /^audit chain broken at event 3: /);
    const brokenRemote = await cli(['audit', 'verify', '--server', url, '--token', admin]);
    assert.equal(brokenRemote.code, 1);
    assert.equal(brokenRemote.out, broken.out);

    // Requests were logged as JSON lines, the bearer token never.
    const logLines = serve
      .err()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    assert.ok(
      logLines.some(
        (l) => (JSON.parse(l) as { req?: { url?: string } }).req?.url === '/api/v1/audit/verification',
      ),
    );
    assert.ok(!serve.err().includes(admin), 'the token is not in the log');
    assert.ok(!serve.out().includes(admin));

    // A client following a run that will not finish (no worker left) does not hold the shutdown up.
    const { body: list } = await api<{ items: { id: string }[] }>(url, admin, 'GET', '/onboardings');
    const queued = await api<{ id: string }>(url, admin, 'POST', '/runs', {
      onboardingId: list.items[0]?.id,
      stage: 'readiness',
    });
    assert.equal(queued.status, 202);
    const stream = await fetch(`${url}/api/v1/runs/${queued.body.id}/events`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    const reader = stream.body?.getReader();
    assert.match(new TextDecoder().decode((await reader?.read())?.value), /stream of run events/);
    const stopping = Date.now();
    serve.process.kill('SIGTERM');
    assert.equal(await serve.exit, 0, serve.err());
    assert.ok(Date.now() - stopping < 20_000, `stopped in ${Date.now() - stopping} ms`);
    await reader?.cancel().catch(() => undefined);
  });
});

describe('on PostgreSQL: one serve (no worker) and two worker processes share the runs', () => {
  let pg: PgServer;
  let notes: ApiServer;
  let databaseUrl: string;

  before(async () => {
    pg = await startPostgres();
    databaseUrl = await pg.createDatabase('cli_service');
    notes = (await notesPlaybook()).api;
  });

  after(async () => {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
    await notes?.close();
    await pg?.stop();
  });

  test('token create through DATABASE_URL, push, runs executed by the workers, SIGTERM → 0 everywhere', async () => {
    const env = { GANGWAY_SECRET_KEY: SECRET_KEY, DATABASE_URL: databaseUrl };
    const created = await cli(['token', 'create', '--role', 'admin'], { env, cwd: tempDir() });
    assert.equal(created.code, 0, created.err);
    const admin = created.out.trim();
    const serve = gangway(['serve', '--port', '0'], env);
    const line = await serve.line(/listening on/);
    assert.match(line, /\(postgresql 127\.0\.0\.1:\d+\/cli_service; no worker: run gangway worker\)/);
    assert.ok(!line.includes('postgres://'), 'never the URL (it may hold a password)');
    const url = /listening on (http:\/\/[\d.:]+)/.exec(line)?.[1] ?? '';
    const workers = ['w1', 'w2'].map((id) =>
      gangway(['worker', '--worker-id', id, '--allow-private-targets', '127.0.0.0/8'], env),
    );
    await Promise.all(workers.map((w, i) => w.line(new RegExp(`^worker w${i + 1} ready \\(postgresql `))));

    const dir = tempDir();
    const fixture = await notesPlaybook();
    await fixture.api.close();
    writeFileSync(join(dir, 'p.yaml'), fixture.playbookText);
    writeFileSync(join(dir, 'notes.yaml'), fixture.specText);
    const pushed = await cli(['push', join(dir, 'p.yaml'), '--server', url, '--token', admin]);
    assert.equal(pushed.code, 0, pushed.err);
    const versionId = /as version (\w+)/.exec(pushed.out)?.[1];
    assert.equal((await api(url, admin, 'POST', '/partners', { id: 'acme', name: 'Acme' })).status, 201);
    for (const [name, value] of [
      ['NOTES_URL', notes.url],
      ['notes_token', NOTES_TOKEN],
    ] as const) {
      assert.equal((await api(url, admin, 'PUT', `/secrets/global/${name}`, { value })).status, 204);
    }
    const onboarding = await api<{ id: string }>(url, admin, 'POST', '/onboardings', {
      partnerId: 'acme',
      playbookVersionId: versionId,
    });
    const runIds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const started = await api<{ id: string }>(url, admin, 'POST', '/runs', {
        onboardingId: onboarding.body.id,
        stage: 'readiness',
      });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      runIds.push(started.body.id);
    }
    const done = await Promise.all(runIds.map((id) => finalRun(url, admin, id)));
    assert.deepEqual(
      done.map((r) => r.status),
      ['passed', 'passed', 'passed', 'passed'],
      workers.map((w) => w.err()).join('\n'),
    );
    assert.ok(done.every((r) => r.workerId === 'w1' || r.workerId === 'w2'));

    const verified = await cli(['audit', 'verify'], { env, cwd: dir });
    assert.equal(verified.code, 0, verified.err);
    assert.match(verified.out, /^audit chain intact: \d+ events/);

    for (const child of [...workers, serve]) child.process.kill('SIGTERM');
    assert.deepEqual(await Promise.all([...workers, serve].map((c) => c.exit)), [0, 0, 0]);
  });
});

/** Polls a run until it is final (bounded). */
async function finalRun(
  url: string,
  token: string,
  id: string,
): Promise<{ status: string; workerId: string | null }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const run = (await api<{ status: string; workerId: string | null }>(url, token, 'GET', `/runs/${id}`))
      .body;
    if (['passed', 'failed', 'errored', 'interrupted'].includes(run.status) || Date.now() > deadline)
      return run;
    await new Promise((r) => setTimeout(r, 200));
  }
}
