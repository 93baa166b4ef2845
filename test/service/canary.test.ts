// A canary secret (the target API's bearer token, stored as a partner secret) goes through everything the
// service does — passing and failing runs, evidence, an upload carrying it raw, a bad bearer token — and
// then must appear nowhere: database and WAL bytes, every evidence body (gunzipped), the server log, every
// API answer and event stream. The same grep is shown to find a planted canary.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { sql } from 'kysely';
import pino from 'pino';
import { startServer } from '../../src/service/runtime.js';
import { startNotes } from '../fixtures/apis/notes.js';
import type { ApiServer } from '../fixtures/apis/server-kit.js';
import { readinessReport } from './authz-table.js';
import { notesPlaybook, waitForRun } from './support.js';

const CANARY = `canary-${randomBytes(12).toString('hex')}`;

describe('canary secret: it appears nowhere', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let dataDir: string;
  let logFile: string;
  let admin: string;
  let notes: ApiServer;
  let strangers: ApiServer;
  const answers: string[] = [];
  const upload = { onboardingId: '', playbookVersionId: '' };

  const call = async <T>(method: string, path: string, body?: unknown, token = admin) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    answers.push(text);
    return { status: response.status, body: (text?.startsWith('{') ? JSON.parse(text) : text) as T };
  };
  const asService = {
    api: <T>(token: string | undefined, method: string, path: string) =>
      call<T>(method, path, undefined, token),
  } as unknown as Parameters<typeof waitForRun>[0];

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gangway-canary-'));
    logFile = join(dataDir, 'server.log');
    const logger = pino({ level: 'debug' }, pino.destination({ dest: logFile, sync: true }));
    server = await startServer({
      dataDir,
      port: 0,
      allowPrivateTargets: ['127.0.0.0/8'],
      config: { version: 'test' },
      logger: logger as never,
      env: { GANGWAY_SECRET_KEY: Buffer.alloc(32, 9).toString('base64') },
    });
    admin = (await server.runtime.store.tokens.create({ role: 'admin', name: 'admin', actor: 'test' })).token;
    notes = await startNotes({ token: CANARY, defects: false });
    // A second notes API that does not know the canary: runs against it fail with 401s (curl lines).
    strangers = await startNotes({ token: 'another-token-entirely', defects: false });
  });

  after(async () => {
    await server?.close();
    await notes?.close();
    await strangers?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('passing and failing runs, evidence, an upload, a bad token', { timeout: 180_000 }, async () => {
    const { playbookText, specText } = await notesPlaybook().then(async (p) => {
      await p.api.close();
      return p;
    });
    const pushed = await call<{ version: { id: string } }>('POST', '/api/v1/playbooks', {
      playbookText,
      specText,
    });
    assert.equal(pushed.status, 201);
    assert.equal((await call('POST', '/api/v1/partners', { id: 'acme', name: 'Acme' })).status, 201);
    assert.equal((await call('PUT', '/api/v1/secrets/acme/notes_token', { value: CANARY })).status, 204);
    assert.equal((await call('PUT', '/api/v1/secrets/global/NOTES_URL', { value: notes.url })).status, 204);
    const onboarding = await call<{ id: string }>('POST', '/api/v1/onboardings', {
      partnerId: 'acme',
      playbookVersionId: pushed.body.version.id,
    });

    const runOnce = async () => {
      const queued = await call<{ id: string }>('POST', '/api/v1/runs', { onboardingId: onboarding.body.id });
      assert.equal(queued.status, 202, JSON.stringify(queued.body));
      const run = await waitForRun(asService, admin, queued.body.id, 120_000);
      await call('GET', `/api/v1/runs/${queued.body.id}/events`);
      const results = await call<{ items: { id: string }[] }>(
        'GET',
        `/api/v1/runs/${queued.body.id}/results`,
      );
      for (const r of results.body.items) await call('GET', `/api/v1/results/${r.id}/evidence`);
      return run.status;
    };
    assert.equal(await runOnce(), 'passed');
    assert.ok(notes.requests.length > 0, 'the canary was really used as the bearer token');

    assert.equal(
      (await call('PUT', '/api/v1/secrets/global/NOTES_URL', { value: strangers.url })).status,
      204,
    );
    assert.equal(await runOnce(), 'failed');
    const failing = await call<{ items: { findings: { curl?: string }[] }[] }>(
      'GET',
      '/api/v1/results?outcome=failed',
    );
    assert.ok(
      failing.body.items.some((r) => r.findings.some((f) => f.curl?.includes('authorization: Bearer'))),
      'the failing run has curl lines with the authorization header',
    );

    // An upload as a careless (or old) CLI would send it: the canary raw in headers, a URL, a curl line.
    const report = readinessReport('upload') as {
      checks: { findings: unknown[]; exchanges: { request: Record<string, unknown> }[] }[];
    };
    const check = report.checks[0];
    assert.ok(check?.exchanges[0]);
    check.exchanges[0].request.headers = { Authorization: `Bearer ${CANARY}` };
    check.exchanges[0].request.url = `http://127.0.0.1:9/notes?access_token=${CANARY}`;
    check.findings.push({
      code: 'flow.status',
      severity: 'error',
      message: 'unexpected status',
      curl: `curl -H 'Authorization: Bearer ${CANARY}' http://127.0.0.1:9/notes`,
    });
    upload.onboardingId = onboarding.body.id;
    upload.playbookVersionId = pushed.body.version.id;
    const uploaded = await call<{ id: string }>('POST', '/api/v1/runs/uploads', { ...upload, report });
    assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
    const upResults = await call<{ items: { id: string }[] }>(
      'GET',
      `/api/v1/runs/${uploaded.body.id}/results`,
    );
    for (const r of upResults.body.items) await call('GET', `/api/v1/results/${r.id}/evidence`);

    // The canary as a bearer token of the service itself.
    assert.equal((await call('GET', '/api/v1/partners', undefined, CANARY)).status, 401);

    for (const path of [
      '/api/v1/audit?limit=500',
      '/api/v1/secrets',
      '/api/v1/results?limit=200',
      '/metrics',
    ]) {
      await call('GET', path);
    }
  });

  /** Where the canary shows up: database files (raw bytes), evidence bodies (gunzipped), log, answers. */
  const findCanary = async (needle: string): Promise<string[]> => {
    const found: string[] = [];
    const bytes = Buffer.from(needle);
    for (const name of await readdir(dataDir)) {
      if (!/\.db(-wal|-shm)?$/.test(name)) continue;
      if ((await readFile(join(dataDir, name))).includes(bytes)) found.push(name);
    }
    const rows = await sql<{
      result_id: string;
      body: Uint8Array;
    }>`select result_id, body from evidence`.execute(server.runtime.store.db);
    for (const row of rows.rows) {
      if (gunzipSync(row.body).includes(bytes)) found.push(`evidence of ${row.result_id}`);
    }
    if (existsSync(logFile) && (await readFile(logFile)).includes(bytes)) found.push('server log');
    answers.forEach((text, i) => {
      if (text.includes(needle)) found.push(`API answer ${i}`);
    });
    return found;
  };

  test('the canary is nowhere', async () => {
    const rows = await sql<{ n: number }>`select count(*) as n from evidence`.execute(
      server.runtime.store.db,
    );
    assert.ok(Number(rows.rows[0]?.n) >= 3, 'evidence was stored and is searched');
    assert.ok(
      (await readFile(logFile, 'utf8')).includes('request completed'),
      'the log is written and searched',
    );
    assert.deepEqual(await findCanary(CANARY), []);
  });

  test('the same search finds a planted canary (database, gunzipped evidence, log, answers)', async () => {
    const planted = `planted-${randomBytes(8).toString('hex')}`;
    assert.equal((await call('POST', '/api/v1/partners', { name: `Partner ${planted}` })).status, 201);
    // Not a secret: kept in the evidence, which is gzip (the raw database bytes do not show it).
    const report = readinessReport(planted);
    const uploaded = await call<{ id: string }>('POST', '/api/v1/runs/uploads', { ...upload, report });
    assert.equal(uploaded.status, 201);
    await call('GET', `/api/v1/partners/${planted}`); // a 404 naming it: the answer holds it; the log has the URL
    const found = await findCanary(planted);
    assert.ok(
      found.some((f) => f.startsWith('gangway.db')),
      `database: ${found.join(', ')}`,
    );
    assert.ok(found.includes('server log'), `log: ${found.join(', ')}`);
    assert.ok(
      found.some((f) => f.startsWith('API answer')),
      `answers: ${found.join(', ')}`,
    );
    assert.ok(
      found.some((f) => f.startsWith('evidence of')),
      `gunzipped evidence: ${found.join(', ')}`,
    );
  });
});
