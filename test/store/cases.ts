// The one store suite: every case runs on SQLite and on PostgreSQL (sqlite.test.ts, postgres.test.ts).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { InputError } from '../../src/core/errors.js';
import { openStore, playbookVersionId, type Store } from '../../src/store/index.js';
import { type Backend, open } from './backends.js';
import { DAY, exchange, fakeClock, HOUR, PLAYBOOK, result, SPEC, seed, T0 } from './fixtures.js';
import { scaleCase } from './scale.js';

const here = fileURLToPath(new URL('.', import.meta.url));

function runChild(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'append-child.ts'), ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`append child exited ${code}: ${stderr}`));
    });
  });
}

/** Defines the store suite on one backend; `make` is called once, in `before`. */
export function storeSuite(make: () => Promise<Backend>): void {
  let backend: Backend;
  const opened: Store[] = [];
  const track = async (extra: Parameters<typeof open>[1] = {}) => {
    const o = await open(backend, extra);
    opened.push(o.store);
    return o;
  };

  before(async () => {
    backend = await make();
  });
  after(async () => {
    for (const s of opened) await s.close().catch(() => {});
    await backend?.close();
  });

  describe('migrations', () => {
    test('opening twice (and concurrently on PostgreSQL) migrates once and keeps the data', async () => {
      const options = await backend.fresh();
      const first = await openStore(options);
      await first.partners.create({ name: 'Kept', actor: 'admin' });
      await first.close();
      const again =
        backend.name === 'postgres'
          ? await Promise.all([openStore(options), openStore(options), openStore(options)])
          : [await openStore(options)];
      try {
        const store = again[0]!;
        const migrations = await sql<{ name: string }>`select name from kysely_migration`.execute(store.db);
        assert.deepEqual(
          migrations.rows.map((r) => r.name),
          ['0001-initial'],
        );
        assert.deepEqual(
          (await store.partners.list()).map((p) => p.name),
          ['Kept'],
        );
        assert.equal((await store.audit.verify()).ok, true);
      } finally {
        for (const s of again) await s.close();
      }
    });
  });

  describe('tokens', () => {
    test('a token is shown once as gw_<base64url>, stored only as its hash, and authenticates until revoked', async () => {
      const { store, options } = await track();
      const { partner } = await seed(store);
      const admin = await store.tokens.create({ role: 'admin', name: 'root', actor: 'cli' });
      const scoped = await store.tokens.create({
        role: 'partner',
        name: 'acme ci',
        partnerId: partner.id,
        actor: 'cli',
      });
      assert.match(admin.token, /^gw_[A-Za-z0-9_-]{43}$/);
      assert.notEqual(admin.token, scoped.token);

      const who = await store.tokens.authenticate(scoped.token);
      assert.equal(who?.id, scoped.record.id);
      assert.equal(who?.role, 'partner');
      assert.equal(who?.partnerId, partner.id);
      assert.ok(who?.lastUsedAt);
      const tampered = scoped.token.slice(0, -1) + (scoped.token.endsWith('A') ? 'E' : 'A');
      assert.equal(await store.tokens.authenticate(tampered), undefined);
      assert.equal(await store.tokens.authenticate('not-a-token'), undefined);

      const dump = await backend.dump(store, options);
      for (const t of [admin.token, scoped.token]) {
        assert.equal(dump.includes(t), false, 'raw token found in the database');
        assert.equal(dump.includes(t.slice(3)), false, 'token body found in the database');
      }
      assert.ok(
        dump.includes('acme ci'),
        'the dump should see the token rows (else this test proves nothing)',
      );

      assert.equal(await store.tokens.revoke(scoped.record.id, { actor: 'admin' }), true);
      assert.equal(await store.tokens.revoke(scoped.record.id, { actor: 'admin' }), false);
      assert.equal(await store.tokens.authenticate(scoped.token), undefined);
      assert.deepEqual(
        (await store.tokens.list()).map((t) => t.id),
        [admin.record.id],
      );
    });

    test('role and partner scope are validated', async () => {
      const { store } = await track();
      await assert.rejects(store.tokens.create({ role: 'partner', name: 'x', actor: 'a' }), (e: unknown) => {
        return e instanceof InputError && e.code === 'token.partner-required';
      });
      await assert.rejects(
        store.tokens.create({ role: 'viewer', name: 'x', partnerId: 'prt_1', actor: 'a' }),
        InputError,
      );
      await assert.rejects(
        store.tokens.create({ role: 'partner', name: 'x', partnerId: 'prt_missing', actor: 'a' }),
        (e: unknown) => e instanceof InputError && e.code === 'partner.not-found',
      );
    });
  });

  describe('playbook versions', () => {
    test('are content-addressed: the same texts give the same version, stored once', async () => {
      const { store } = await track();
      const a = await store.playbooks.put({
        name: 'acme',
        playbookText: PLAYBOOK,
        specText: SPEC,
        actor: 'u1',
      });
      const b = await store.playbooks.put({
        name: 'acme',
        playbookText: PLAYBOOK.replace(/\n/g, '\r\n'),
        specText: SPEC,
        actor: 'u2',
      });
      const c = await store.playbooks.put({
        name: 'acme',
        playbookText: PLAYBOOK,
        specText: `${SPEC}# v2\n`,
        actor: 'u1',
      });
      assert.equal(a.created, true);
      assert.equal(b.created, false);
      assert.equal(b.version.id, a.version.id);
      assert.equal(b.version.createdBy, 'u1');
      assert.equal(a.version.id, playbookVersionId(PLAYBOOK, SPEC));
      assert.match(a.version.id, /^[0-9a-f]{64}$/);
      assert.notEqual(c.version.id, a.version.id);
      const stored = await store.playbooks.get(a.version.id);
      assert.equal(stored?.playbookText, PLAYBOOK);
      assert.equal(stored?.specText, SPEC);
      assert.equal((await store.playbooks.list({ name: 'acme' })).length, 2);

      const racing = await Promise.all(
        [1, 2, 3].map((i) =>
          store.playbooks.put({ name: 'acme', playbookText: `${PLAYBOOK}# v3\n`, actor: `u${i}` }),
        ),
      );
      assert.equal(
        racing.filter((r) => r.created).length,
        1,
        'concurrent pushes of one content create it once',
      );
      assert.equal(new Set(racing.map((r) => r.version.id)).size, 1);
      const events = await store.audit.list({ limit: 100 });
      assert.equal(events.filter((e) => e.action === 'playbook.version.created').length, 3);
    });
  });

  describe('audit chain', () => {
    test('every write is an event; verify passes, then names the altered event, then the removed one', async () => {
      const { store } = await track();
      const { onboarding } = await seed(store);
      const run = await store.runs.create({
        onboardingId: onboarding.id,
        stage: 'readiness',
        actor: 'admin',
      });
      await store.runs.start(run.id, { workerId: 'w1', actor: 'worker' });
      await store.results.add(run.id, [result('contract', 'passed')], { actor: 'worker' });
      const finished = await store.runs.finish(run.id, { status: 'passed', actor: 'worker' });
      await store.signoffs.create({
        onboardingId: onboarding.id,
        stage: 'readiness',
        role: 'security',
        runId: run.id,
        evidenceHash: finished.evidenceHash!,
        actor: 'sec-lead',
      });
      await store.onboardings.transition({
        onboardingId: onboarding.id,
        from: 'readiness',
        to: 'sandbox',
        why: 'gate open',
        actor: 'ops',
      });
      const events = await store.audit.list({ limit: 100 });
      assert.deepEqual(
        events.map((e) => e.action),
        [
          'partner.created',
          'playbook.version.created',
          'onboarding.started',
          'run.created',
          'run.started',
          'run.results.stored',
          'run.finished',
          'signoff.created',
          'onboarding.transitioned',
        ],
      );
      assert.deepEqual(
        events.map((e) => e.seq),
        [1, 2, 3, 4, 5, 6, 7, 8, 9],
      );
      assert.equal(events[1]!.prevHash, events[0]!.hash);
      assert.deepEqual(await store.audit.verify(), { ok: true, events: 9, headHash: events[8]!.hash });

      await sql`update audit_events set payload = ${'{"name":"Evil"}'} where seq = 3`.execute(store.db);
      const broken = await store.audit.verify();
      assert.equal(broken.ok, false);
      assert.equal(broken.ok === false && broken.firstBroken, 3);
      assert.match(broken.ok === false ? broken.reason : '', /altered/);

      await sql`update audit_events set payload = ${events[2]!.payload === undefined ? '{}' : JSON.stringify(events[2]!.payload)} where seq = 3`.execute(
        store.db,
      );
      assert.equal((await store.audit.verify()).ok, true, 'restoring the payload restores the chain');
      await sql`delete from audit_events where seq = 6`.execute(store.db);
      const gap = await store.audit.verify();
      assert.equal(gap.ok === false && gap.firstBroken, 6);
      await sql`delete from audit_events where seq >= 6`.execute(store.db);
      const cut = await store.audit.verify();
      assert.equal(cut.ok === false && cut.firstBroken, 6, 'a removed tail is caught by the head row');
    });

    test('concurrent writers from two connections (processes on SQLite) do not fork the chain', async () => {
      const options = await backend.fresh();
      const setup = await openStore(options);
      await setup.close();
      const n = 20;
      if (backend.name === 'postgres') {
        const a = await openStore(options);
        const b = await openStore(options);
        try {
          await Promise.all(
            [a, b].flatMap((s, w) =>
              Array.from({ length: n }, (_, i) => s.partners.create({ name: `w${w}-${i}`, actor: `w${w}` })),
            ),
          );
        } finally {
          await Promise.all([a.close(), b.close()]);
        }
      } else {
        // One better-sqlite3 connection per process: real concurrency on SQLite is between processes.
        const json = JSON.stringify(options);
        await Promise.all([runChild([json, 'p0', String(n)]), runChild([json, 'p1', String(n)])]);
      }
      const store = await openStore(options);
      try {
        const verified = await store.audit.verify();
        assert.deepEqual(verified.ok && verified.events, 2 * n);
        const events = await store.audit.list({ limit: 1000 });
        assert.deepEqual(
          events.map((e) => e.seq),
          Array.from({ length: 2 * n }, (_, i) => i + 1),
        );
        assert.equal(new Set(events.map((e) => e.prevHash)).size, 2 * n, 'no two events share a parent');
        assert.equal((await store.partners.list()).length, 2 * n);
      } finally {
        await store.close();
      }
    });
  });

  describe('secrets', () => {
    test('are encrypted at rest with AES-256-GCM and listed without values', async () => {
      const canary = `canary-${Math.random().toString(36).slice(2)}-secret`;
      const key = Buffer.alloc(32, 7).toString('base64');
      const { store, options } = await track({ env: { GANGWAY_SECRET_KEY: key } });
      await store.secrets.put('acme', 'sandbox_client_secret', canary, { actor: 'admin' });
      await store.secrets.put('acme', 'other', 'x', { actor: 'admin' });
      assert.equal(await store.secrets.get('acme', 'sandbox_client_secret'), canary);
      assert.equal(await store.secrets.get('acme', 'missing'), undefined);
      const listed = await store.secrets.list('acme');
      assert.deepEqual(
        listed.map((s) => s.name),
        ['other', 'sandbox_client_secret'],
      );
      assert.equal(JSON.stringify(listed).includes(canary), false);
      const dump = await backend.dump(store, options);
      assert.ok(dump.includes('sandbox_client_secret'), 'the dump should see the secret rows');
      assert.equal(dump.includes(canary), false, 'canary secret found in the database');
      assert.equal(dump.includes(Buffer.from(canary).toString('base64')), false);

      // Replaced in place; and a store with another key cannot read it (nor leak it in the error).
      await store.secrets.put('acme', 'sandbox_client_secret', `${canary}-2`, { actor: 'admin' });
      assert.equal(await store.secrets.get('acme', 'sandbox_client_secret'), `${canary}-2`);
      const other = await openStore({
        ...options,
        env: { GANGWAY_SECRET_KEY: Buffer.alloc(32, 9).toString('base64') },
      });
      try {
        await assert.rejects(other.secrets.get('acme', 'sandbox_client_secret'), (e: unknown) => {
          return e instanceof Error && /cannot be decrypted/.test(e.message) && !e.message.includes(canary);
        });
      } finally {
        await other.close();
      }
    });

    test('without GANGWAY_SECRET_KEY a 0600 key file is created in the data dir on first use', async () => {
      const { store, options } = await track({ env: {} });
      const keyFile = join(options.dataDir!, 'secret.key');
      assert.throws(() => statSync(keyFile), 'no key file before a secret is used');
      await store.secrets.put('s', 'n', 'v');
      assert.equal(statSync(keyFile).mode & 0o777, 0o600);
      const again = await openStore({ ...options, env: {} });
      try {
        assert.equal(await again.secrets.get('s', 'n'), 'v');
      } finally {
        await again.close();
      }
    });
  });

  describe('runs, results and evidence', () => {
    test('run lifecycle, bounded compressed evidence, and the evidence hash sign-offs name', async () => {
      const { store } = await track({ maxEvidenceBytes: 20_000 });
      const { onboarding, partner } = await seed(store);
      const run = await store.runs.create({
        onboardingId: onboarding.id,
        stage: 'sandbox',
        environment: 'sandbox',
        actor: 'op',
      });
      assert.equal(run.status, 'queued');
      assert.equal(run.partnerId, partner.id);
      const started = await store.runs.start(run.id, { workerId: 'w1', actor: 'worker' });
      assert.equal(started?.status, 'running');
      assert.equal(started?.attempts, 1);
      assert.equal(await store.runs.start(run.id, { workerId: 'w2', actor: 'worker' }), undefined);
      assert.equal(await store.runs.heartbeat(run.id, 'w1'), true);
      assert.equal(await store.runs.heartbeat(run.id, 'w2'), false);

      const big = 'x'.repeat(50_000);
      const stored = await store.results.add(
        run.id,
        [result('contract', 'passed', [exchange('e1'), exchange('e2', big)]), result('health', 'failed')],
        { actor: 'worker' },
      );
      const contract = stored.find((r) => r.checkId === 'contract')!;
      assert.match(contract.evidenceSha ?? '', /^[0-9a-f]{64}$/);
      assert.equal(stored.find((r) => r.checkId === 'health')!.evidenceSha, null);
      const evidence = await store.results.evidence(contract.id);
      assert.equal(evidence?.truncated, true);
      assert.equal(evidence?.exchanges.length, 2);
      assert.equal(evidence?.exchanges[1]?.response?.bodyTruncated, true);
      assert.ok((evidence?.exchanges[1]?.response?.body?.length ?? 0) < 5000);
      const row = await store.db
        .selectFrom('evidence')
        .select(['raw_size', 'body'])
        .where('result_id', '=', contract.id)
        .executeTakeFirstOrThrow();
      assert.ok(row.raw_size <= 20_000, `raw evidence ${row.raw_size} bytes exceeds the bound`);
      assert.ok(row.body.length < row.raw_size, 'evidence is stored compressed');

      const finished = await store.runs.finish(run.id, { status: 'failed', actor: 'worker' });
      assert.equal(finished.status, 'failed');
      assert.match(finished.evidenceHash ?? '', /^[0-9a-f]{64}$/);
      await assert.rejects(store.runs.finish(run.id, { status: 'passed', actor: 'x' }), InputError);
      await assert.rejects(store.results.add(run.id, [result('late', 'passed')], { actor: 'x' }), InputError);
      await assert.rejects(
        store.signoffs.create({
          onboardingId: onboarding.id,
          stage: 'sandbox',
          role: 'security',
          runId: run.id,
          evidenceHash: '0'.repeat(64),
          actor: 's',
        }),
        (e: unknown) => e instanceof InputError && e.code === 'signoff.evidence-changed',
      );
      await store.signoffs.create({
        onboardingId: onboarding.id,
        stage: 'sandbox',
        role: 'security',
        runId: run.id,
        actor: 's',
      });
      await store.signoffs.create({
        onboardingId: onboarding.id,
        stage: 'sandbox',
        role: 'partner',
        runId: run.id,
        actor: 'p',
      });
      assert.deepEqual(await store.signoffs.rolesSigned(onboarding.id, 'sandbox', finished.evidenceHash!), [
        'partner',
        'security',
      ]);
      const results = await store.results.ofRun(run.id);
      assert.deepEqual(
        results.map((r) => [r.checkId, r.outcome, r.required]),
        [
          ['contract', 'passed', true],
          ['health', 'failed', true],
        ],
      );
      assert.equal(results[1]!.findings[0]?.code, 'response.schema');
      assert.deepEqual(results[0]!.measurements, { 'latency.p95': 120 });
    });

    test('an uploaded run is stored whole; stale running runs become interrupted and can be retried', async () => {
      const clock = fakeClock();
      const { store } = await track({ now: clock.now });
      const { onboarding } = await seed(store);
      const up = await store.results.upload({
        onboardingId: onboarding.id,
        stage: 'readiness',
        status: 'passed',
        results: [result('contract', 'passed', [exchange('e1')])],
        actor: 'partner-ci',
      });
      assert.equal(up.source, 'uploaded');
      assert.equal(up.status, 'passed');
      assert.equal((await store.results.ofRun(up.id)).length, 1);

      const run = await store.runs.create({ onboardingId: onboarding.id, stage: 'sandbox', actor: 'op' });
      await store.runs.start(run.id, { workerId: 'w1', actor: 'worker' });
      clock.advance(30_000);
      assert.deepEqual(await store.runs.interruptStale({ staleMs: 60_000, actor: 'reaper' }), []);
      clock.advance(60_000);
      const interrupted = await store.runs.interruptStale({ staleMs: 60_000, actor: 'reaper' });
      assert.deepEqual(
        interrupted.map((r) => [r.id, r.status]),
        [[run.id, 'interrupted']],
      );
      const retried = await store.runs.start(run.id, { workerId: 'w2', actor: 'worker' });
      assert.equal(retried?.attempts, 2);
      assert.equal(retried?.workerId, 'w2');
    });

    test('runs and results page with cursors and filters', async () => {
      const clock = fakeClock();
      const { store } = await track({ now: clock.now });
      const a = await seed(store, 'A');
      const b = await store.partners.create({ name: 'B', actor: 'admin' });
      const onbB = await store.onboardings.create({
        partnerId: b.id,
        playbookVersionId: a.version.id,
        stage: 'readiness',
        actor: 'admin',
      });
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        clock.advance(1000);
        const run = await store.runs.create({
          onboardingId: i % 2 ? onbB.id : a.onboarding.id,
          stage: 'readiness',
          actor: 'x',
        });
        ids.push(run.id);
        await store.results.add(run.id, [result('contract', i % 3 ? 'passed' : 'failed')], { actor: 'x' });
      }
      // Same timestamp for two runs: the id breaks the tie, and paging neither skips nor repeats.
      const twin = await store.runs.create({ onboardingId: a.onboarding.id, stage: 'readiness', actor: 'x' });
      ids.push(twin.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.runs.list({ limit: 3, cursor });
        seen.push(...page.items.map((r) => r.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      assert.equal(pages, 3);
      assert.deepEqual([...seen].sort(), [...ids].sort());
      assert.equal(new Set(seen).size, ids.length);
      assert.equal(seen.at(-1), ids[0], 'newest first');

      const onlyB = await store.runs.list({ partnerId: b.id });
      assert.equal(onlyB.items.length, 3);
      assert.ok(onlyB.items.every((r) => r.partnerId === b.id));
      assert.equal(
        (await store.runs.list({ status: 'queued', onboardingId: a.onboarding.id })).items.length,
        5,
      );
      const failed = await store.results.list({ checkId: 'contract', outcome: 'failed' });
      assert.equal(failed.items.length, 3);
      assert.equal((await store.results.list({ partnerId: b.id, outcome: 'failed' })).items.length, 1);
      await assert.rejects(store.runs.list({ cursor: 'garbage' }), (e: unknown) => e instanceof InputError);
    });
  });

  describe('waivers, retention and metrics', () => {
    test('an expired or revoked waiver no longer counts', async () => {
      const clock = fakeClock();
      const { store } = await track({ now: clock.now });
      const { onboarding } = await seed(store);
      await assert.rejects(
        store.waivers.create({
          onboardingId: onboarding.id,
          checkId: 'x',
          reason: 'r',
          expiresAt: new Date(T0 - 1),
          actor: 'a',
        }),
        InputError,
      );
      const w = await store.waivers.create({
        onboardingId: onboarding.id,
        stage: 'sandbox',
        checkId: 'load',
        reason: 'vendor fixes the p95 next sprint',
        expiresAt: new Date(T0 + 2 * HOUR),
        actor: 'cto',
      });
      const everywhere = await store.waivers.create({
        onboardingId: onboarding.id,
        checkId: 'tls',
        reason: 'legacy cert until March',
        approver: 'security-lead',
        expiresAt: new Date(T0 + 10 * DAY),
        actor: 'ops',
      });
      assert.equal(everywhere.approver, 'security-lead');
      assert.deepEqual(
        (await store.waivers.activeFor(onboarding.id, 'sandbox')).map((x) => x.checkId),
        ['load', 'tls'],
      );
      assert.deepEqual(
        (await store.waivers.activeFor(onboarding.id, 'readiness')).map((x) => x.checkId),
        ['tls'],
      );
      clock.advance(2 * HOUR);
      assert.deepEqual(
        (await store.waivers.activeFor(onboarding.id, 'sandbox')).map((x) => x.checkId),
        ['tls'],
        'expired at its expiry time',
      );
      assert.equal((await store.waivers.list({ onboardingId: onboarding.id })).length, 2);
      assert.deepEqual(
        (await store.waivers.list({ activeOnly: true })).map((x) => x.id),
        [everywhere.id],
      );
      assert.equal((await store.metrics()).waivers.open, 1);
      assert.equal(await store.waivers.revoke(everywhere.id, { actor: 'cto', why: 'fixed' }), true);
      assert.deepEqual(await store.waivers.activeFor(onboarding.id, 'sandbox'), []);
      assert.equal((await store.metrics()).waivers.open, 0);
      assert.equal(w.expiresAt, new Date(T0 + 2 * HOUR).toISOString());
    });

    test('retention deletes old evidence bodies and keeps the results', async () => {
      const clock = fakeClock();
      const { store } = await track({ now: clock.now });
      const { onboarding } = await seed(store);
      const old = await store.results.upload({
        onboardingId: onboarding.id,
        stage: 'readiness',
        status: 'passed',
        results: [result('contract', 'passed', [exchange('e1')])],
        actor: 'x',
      });
      clock.advance(31 * DAY);
      const recent = await store.results.upload({
        onboardingId: onboarding.id,
        stage: 'readiness',
        status: 'passed',
        results: [result('contract', 'passed', [exchange('e2')])],
        actor: 'x',
      });
      const [oldResult] = await store.results.ofRun(old.id);
      const [newResult] = await store.results.ofRun(recent.id);
      assert.ok(await store.results.evidence(oldResult!.id));
      const pruned = await store.results.pruneEvidence({ olderThanDays: 30, actor: 'retention' });
      assert.equal(pruned.deleted, 1);
      assert.equal(await store.results.evidence(oldResult!.id), undefined);
      assert.equal((await store.results.evidence(newResult!.id))?.exchanges[0]?.id, 'e2');
      const kept = await store.results.get(oldResult!.id);
      assert.equal(kept?.outcome, 'passed');
      assert.equal(kept?.evidenceSha, oldResult!.evidenceSha);
      assert.equal(
        (await store.runs.get(old.id))?.evidenceHash,
        old.evidenceHash,
        'the signed hash survives',
      );
      assert.equal((await store.results.pruneEvidence({ olderThanDays: 30, actor: 'retention' })).deleted, 0);
      assert.equal((await store.audit.verify()).ok, true);
    });

    test('metrics: time to first success, stage durations, pass rates', async () => {
      const clock = fakeClock();
      const { store } = await track({ now: clock.now });
      const { onboarding, partner } = await seed(store);
      const other = await seed(store, 'Other');
      const upload = (stage: string, status: 'passed' | 'failed', environment: string | null) =>
        store.results.upload({
          onboardingId: onboarding.id,
          stage,
          environment,
          status,
          results: [result('contract', status)],
          actor: 'x',
        });
      clock.advance(1 * HOUR);
      await upload('readiness', 'passed', null); // not a sandbox run: does not count as first success
      clock.advance(1 * HOUR);
      await store.onboardings.transition({
        onboardingId: onboarding.id,
        from: 'readiness',
        to: 'sandbox',
        why: 'ok',
        actor: 'o',
      });
      clock.advance(1 * HOUR);
      await upload('sandbox', 'failed', 'sandbox');
      clock.advance(2 * HOUR);
      await upload('sandbox', 'passed', 'sandbox');
      clock.advance(1 * HOUR);
      await upload('sandbox', 'passed', 'sandbox');
      clock.advance(4 * HOUR);
      await store.onboardings.transition({
        onboardingId: onboarding.id,
        from: 'sandbox',
        to: 'production',
        why: 'ok',
        actor: 'o',
      });
      await assert.rejects(
        store.onboardings.transition({
          onboardingId: onboarding.id,
          from: 'sandbox',
          to: 'production',
          why: 'again',
          actor: 'o',
        }),
        (e: unknown) => e instanceof InputError && e.code === 'onboarding.stage-conflict',
      );

      const m = await store.metrics();
      const ttfs = m.timeToFirstSuccess;
      assert.equal(ttfs.count, 1);
      assert.equal(ttfs.pending, 1);
      assert.equal(ttfs.p50Ms, 5 * HOUR);
      const perOnboarding = new Map(ttfs.perOnboarding.map((o) => [o.onboardingId, o.ms]));
      assert.deepEqual(
        perOnboarding,
        new Map([
          [onboarding.id, 5 * HOUR],
          [other.onboarding.id, null],
        ]),
      );
      assert.deepEqual(
        m.stageDurations.map((s) => [s.stage, s.count, s.p50Ms]),
        [
          ['readiness', 1, 2 * HOUR],
          ['sandbox', 1, 8 * HOUR],
        ],
      );
      assert.deepEqual(
        m.passRates.map((p) => [p.stage, p.passed, p.finished]),
        [
          ['readiness', 1, 1],
          ['sandbox', 2, 3],
        ],
      );
      assert.deepEqual(m.checkPassRates, [{ checkId: 'contract', passed: 3, total: 4, rate: 0.75 }]);
      const scoped = await store.metrics({ partnerId: other.partner.id });
      assert.equal(scoped.timeToFirstSuccess.perOnboarding.length, 1);
      assert.deepEqual(scoped.passRates, []);
      assert.notEqual(partner.id, other.partner.id);
    });
  });

  describe('scale', () => {
    scaleCase(async () => (await track()).store);
  });
}
