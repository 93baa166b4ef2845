// Crash safety across processes. PostgreSQL: `gangway serve --no-worker` and two worker processes (library
// calls: the CLI's worker has no flags for the short windows these tests need) share the work;
// the worker running a run is killed with SIGKILL and the other one takes the run over once it is stale and
// finishes it, results stored once. SQLite: the server with its embedded worker is killed mid-run and a new
// server on the same data dir finishes the run. Everything acknowledged before a kill is there after it.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openStore, type Store } from '../../src/store/index.js';
import { type PgServer, startPostgres } from '../support/postgres.js';
import {
  type Api,
  apiClient,
  onboardAcme,
  pollRun,
  type RunView,
  type SlowNotes,
  slowNotes,
} from './children/harness.js';
import type { ChildOptions } from './children/options.js';
import { type Child, childUrl, startChild, startCliServe } from './children/spawn.js';

const SECRET_KEY = Buffer.alloc(32, 11).toString('base64');
// Small windows so a takeover happens in seconds: the job lease (a dead worker's job goes to another worker)
// and the run's staleness (the run is marked interrupted and taken over).
const WINDOWS: ChildOptions = {
  config: { version: 'test', staleRunMs: 3_000 },
  jobLeaseMs: 3_000,
  allowPrivateTargets: ['127.0.0.0/8'],
};
// Two relayed calls at this delay: the run takes seconds, so it is surely in progress when it is killed.
const SLOW_MS = 2_000;

interface AuditView {
  action: string;
  payload: { workerId?: string | null; takenOverBy?: string };
}

/** Queues a run of acme's current stage; returns its id (202 asserted). */
async function queueRun(api: Api, token: string, onboardingId: string): Promise<string> {
  const queued = await api<{ id: string }>(token, 'POST', '/api/v1/runs', { onboardingId });
  assert.equal(queued.status, 202, JSON.stringify(queued.body));
  return queued.body.id;
}

/** Waits until the run is running on a worker and that worker already called the target. */
async function runningMidway(api: Api, token: string, runId: string, notes: SlowNotes): Promise<RunView> {
  const seenBefore = notes.seen;
  const running = await pollRun(api, token, runId, (r) => r.status === 'running' && r.workerId !== null);
  const deadline = Date.now() + 30_000;
  while (notes.seen === seenBefore && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.ok(notes.seen > seenBefore, 'the worker never called the target');
  return running;
}

/** The finished run was taken over: attempt 2, an audited interruption naming the dead worker, one result. */
async function assertTakenOver(
  api: Api,
  admin: string,
  runId: string,
  dead: string,
  store: Store,
): Promise<RunView> {
  const final = await pollRun(api, admin, runId);
  assert.equal(final.status, 'passed', JSON.stringify(final));
  assert.equal(final.attempts, 2);
  assert.notEqual(final.workerId, dead);
  const audit = await api<{ items: AuditView[] }>(admin, 'GET', `/api/v1/audit?subject=${runId}&limit=500`);
  const interrupted = audit.body.items.filter((e) => e.action === 'run.interrupted');
  assert.equal(interrupted.length, 1, JSON.stringify(audit.body.items));
  assert.equal(interrupted[0]?.payload.workerId, dead);
  assert.equal(interrupted[0]?.payload.takenOverBy, final.workerId);
  const results = await api<{ items: { checkId: string }[] }>(admin, 'GET', `/api/v1/runs/${runId}/results`);
  assert.deepEqual(
    results.body.items.map((r) => r.checkId),
    ['lifecycle'],
  );
  // Straight from the tables too: no duplicate rows hidden by the API's shaping.
  const rows = await store.db
    .selectFrom('check_results')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('run_id', '=', runId)
    .executeTakeFirstOrThrow();
  assert.equal(Number(rows.n), 1);
  return final;
}

/** Every acknowledged resource still answers 200. */
async function assertStillThere(api: Api, admin: string, paths: string[]): Promise<void> {
  for (const path of paths) {
    const answer = await api(admin, 'GET', path);
    assert.equal(answer.status, 200, `${path} after the kill: ${JSON.stringify(answer.body)}`);
  }
  const secrets = await api<{ items: { name: string }[] }>(admin, 'GET', '/api/v1/secrets?scope=global');
  assert.deepEqual(secrets.body.items.map((s) => s.name).sort(), ['NOTES_URL', 'notes_token']);
}

describe('PostgreSQL: one serve and two worker processes', { timeout: 300_000 }, () => {
  let pg: PgServer;
  let store: Store;
  let notes: SlowNotes;
  let serve: Child;
  const workers = new Map<string, Child>();
  let api: Api;
  let admin: string;
  let onboardingId: string;
  let databaseUrl: string;
  const acknowledged: string[] = [];

  before(async () => {
    pg = await startPostgres();
    databaseUrl = await pg.createDatabase();
    const relay = await slowNotes(100);
    notes = relay.notes;
    serve = await startCliServe(databaseUrl, SECRET_KEY);
    api = apiClient(childUrl(serve));
    // The server migrated the database; the test's own connection mints the admin token.
    store = await openStore({ url: databaseUrl, env: { GANGWAY_SECRET_KEY: SECRET_KEY } });
    admin = (await store.tokens.create({ role: 'admin', name: 'admin', actor: 'test' })).token;
    for (const workerId of ['worker-a', 'worker-b']) {
      workers.set(workerId, await startChild('worker', { ...WINDOWS, databaseUrl, workerId }, SECRET_KEY));
    }
    const set = await onboardAcme(api, admin, { notesUrl: notes.url, ...relay });
    onboardingId = set.onboardingId;
    acknowledged.push(...set.acknowledged);
  });

  after(async () => {
    for (const child of [...workers.values(), serve]) await child?.stop();
    await store?.close();
    await notes?.close();
    await pg?.stop();
  });

  test('runs queued at once are spread over both workers and all finish', async () => {
    notes.delayMs = 300;
    const ids = await Promise.all(Array.from({ length: 6 }, () => queueRun(api, admin, onboardingId)));
    acknowledged.push(...ids.map((id) => `/api/v1/runs/${id}`));
    const finished = await Promise.all(ids.map((id) => pollRun(api, admin, id)));
    assert.deepEqual(
      finished.map((r) => r.status),
      ids.map(() => 'passed'),
    );
    assert.deepEqual(new Set(finished.map((r) => r.workerId)), new Set(['worker-a', 'worker-b']));
  });

  test('a worker killed mid-run: the other takes the run over after the stale window and finishes it', async (t) => {
    notes.delayMs = SLOW_MS;
    const runId = await queueRun(api, admin, onboardingId);
    acknowledged.push(`/api/v1/runs/${runId}`);
    const running = await runningMidway(api, admin, runId, notes);
    const dead = running.workerId ?? '';
    const victim = workers.get(dead);
    assert.ok(victim, `unknown worker ${dead}`);
    await victim.kill();
    const killedAt = Date.now();
    assert.equal(victim.process.signalCode, 'SIGKILL');
    notes.delayMs = 100;

    const final = await assertTakenOver(api, admin, runId, dead, store);
    t.diagnostic(`postgres: taken over and finished ${Date.now() - killedAt} ms after the kill`);
    assert.equal(final.workerId, dead === 'worker-a' ? 'worker-b' : 'worker-a');
    await assertStillThere(api, admin, acknowledged);
  });

  // The defaults (job lease 30 s, staleRunMs 60 s) scaled down: the dead worker's job is released long
  // before its run is stale, so the other worker must wait for the run rather than spend the job's few
  // attempts on "busy" and leave the run running forever.
  test('a stale window much longer than the job lease: the run is still taken over', async (t) => {
    for (const child of workers.values()) await child.stop();
    workers.clear();
    const staleRunMs = 20_000;
    const long: ChildOptions = { ...WINDOWS, config: { version: 'test', staleRunMs }, jobLeaseMs: 1_500 };
    for (const workerId of ['worker-c', 'worker-d']) {
      workers.set(workerId, await startChild('worker', { ...long, databaseUrl, workerId }, SECRET_KEY));
    }
    notes.delayMs = SLOW_MS;
    const runId = await queueRun(api, admin, onboardingId);
    const running = await runningMidway(api, admin, runId, notes);
    const dead = running.workerId ?? '';
    const victim = workers.get(dead);
    assert.ok(victim, `unknown worker ${dead}`);
    await victim.kill();
    const killedAt = Date.now();
    notes.delayMs = 100;

    const final = await assertTakenOver(api, admin, runId, dead, store);
    assert.equal(final.workerId, dead === 'worker-c' ? 'worker-d' : 'worker-c');
    const elapsed = Date.now() - killedAt;
    t.diagnostic(`postgres, long stale window: taken over and finished ${elapsed} ms after the kill`);
    assert.ok(elapsed >= staleRunMs - 3_000, `taken over after ${elapsed} ms, before the run was stale`);
  });
});

describe('SQLite: the server with its embedded worker killed mid-run', { timeout: 300_000 }, () => {
  let dataDir: string;
  let notes: SlowNotes;
  const children: Child[] = [];

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gangway-crash-'));
  });

  after(async () => {
    for (const child of children) await child.stop();
    await notes?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('a new server on the same data dir takes the run over and finishes it', async (t) => {
    const env = { GANGWAY_SECRET_KEY: SECRET_KEY };
    // The admin token is minted before any server runs: one writer at a time on the file.
    const seeding = await openStore({ dataDir, env });
    const admin = (await seeding.tokens.create({ role: 'admin', name: 'admin', actor: 'test' })).token;
    await seeding.close();

    const relay = await slowNotes(SLOW_MS);
    notes = relay.notes;
    const first = await startChild('serve', { ...WINDOWS, dataDir }, SECRET_KEY);
    children.push(first);
    const api1 = apiClient(childUrl(first));
    const { onboardingId, acknowledged } = await onboardAcme(api1, admin, { notesUrl: notes.url, ...relay });
    const runId = await queueRun(api1, admin, onboardingId);
    acknowledged.push(`/api/v1/runs/${runId}`);
    const running = await runningMidway(api1, admin, runId, notes);
    await first.kill();
    const killedAt = Date.now();
    assert.equal(first.process.signalCode, 'SIGKILL');
    notes.delayMs = 100;

    const second = await startChild('serve', { ...WINDOWS, dataDir }, SECRET_KEY);
    children.push(second);
    const api2 = apiClient(childUrl(second));
    const store = await openStore({ dataDir, env });
    try {
      await assertTakenOver(api2, admin, runId, running.workerId ?? '', store);
      t.diagnostic(`sqlite: restarted, taken over and finished ${Date.now() - killedAt} ms after the kill`);
      await assertStillThere(api2, admin, acknowledged);
    } finally {
      await store.close();
    }
  });
});
