// The one store suite: every case runs on SQLite and on PostgreSQL (sqlite.test.ts, postgres.test.ts).
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { InputError } from '../../src/core/errors.js';
import { openStore, playbookVersionId, type Store } from '../../src/store/index.js';
import { type Backend, open } from './backends.js';
import { runCases } from './cases-runs.js';
import { serviceCases } from './cases-service.js';
import { runChild } from './child.js';
import { PLAYBOOK, result, SPEC, seed } from './fixtures.js';
import { scaleCase } from './scale.js';

/** What the suite's case files share: the backend, and stores opened on it (closed after the suite). */
export interface SuiteContext {
  readonly backend: Backend;
  track(extra?: Parameters<typeof open>[1]): ReturnType<typeof open>;
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
  const ctx: SuiteContext = {
    get backend() {
      return backend;
    },
    track,
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
          ['0001-initial', '0002-run-events', '0003-operations', '0004-monitoring'],
        );
        assert.deepEqual(
          (await store.partners.list()).items.map((p) => p.name),
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
        assert.equal((await store.partners.list({ limit: 500 })).items.length, 2 * n);
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

  runCases(ctx);
  serviceCases(ctx);

  describe('scale', () => {
    scaleCase(async () => (await track()).store);
  });
}
