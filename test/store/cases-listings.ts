// The store suite's cases for the service's partner-scoped, paginated listings: what they return, how they page,
// that an upgraded database is scoped too, and that each one is served by an index.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Kysely, Migrator, sql } from 'kysely';
import { InputError } from '../../src/core/errors.js';
import { signoffListQuery, waiverListQuery } from '../../src/store/approvals.js';
import { connectPostgres, connectSqlite } from '../../src/store/dialect.js';
import { openStore, type Store } from '../../src/store/index.js';
import { initial } from '../../src/store/migrations/0001-initial.js';
import { onboardingListQuery } from '../../src/store/onboardings.js';
import { partnerListQuery } from '../../src/store/partners.js';
import { playbookListQuery } from '../../src/store/playbooks.js';
import { runEventListQuery } from '../../src/store/run-events.js';
import type { Database } from '../../src/store/schema.js';
import type { SuiteContext } from './cases.js';
import { fakeClock, PLAYBOOK, result, T0 } from './fixtures.js';
import { planProblems } from './scale.js';

/** Every item of a listing, page by page; also returns how many pages it took. */
async function allPages<T>(
  list: (cursor?: string) => Promise<{ items: T[]; nextCursor?: string }>,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await list(cursor);
    items.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 100);
  return { items, pages };
}

/** A finished run of an onboarding with one sign-off, and a waiver: what partner-scoped listings return. */
async function signedRun(store: Store, onboardingId: string, role: string): Promise<void> {
  await store.results.upload({
    onboardingId,
    stage: 'readiness',
    status: 'passed',
    results: [result('contract', 'passed')],
    actor: 'ci',
  });
  const [run] = (await store.runs.list({ onboardingId })).items;
  await store.signoffs.create({ onboardingId, stage: 'readiness', role, runId: run!.id, actor: role });
  await store.waivers.create({
    onboardingId,
    checkId: 'tls',
    reason: 'legacy cert',
    expiresAt: new Date(T0 + 86_400_000),
    actor: role,
  });
}

const N = 2000;

/** Bulk rows so that each planner (PostgreSQL's especially) prefers an index only if one serves the query. */
async function bulkSeed(db: Kysely<Database>): Promise<void> {
  const at = (i: number) => new Date(T0 + i * 1000).toISOString();
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const pad = (i: number) => String(i).padStart(5, '0');
  await db.transaction().execute(async (trx) => {
    const insert = async <T extends keyof Database>(table: T, rows: Database[T][]) => {
      for (let i = 0; i < rows.length; i += 200)
        await trx
          .insertInto(table)
          .values(rows.slice(i, i + 200) as never)
          .execute();
    };
    await insert(
      'partners',
      range(N).map((i) => ({
        id: `prt_${pad(i)}`,
        name: `Partner ${pad(i)}`,
        created_at: at(i),
        created_by: 'b',
      })),
    );
    await insert(
      'playbook_versions',
      range(N).map((i) => ({
        id: `pbv_${pad(i)}`,
        name: `pb-${i % 20}`,
        playbook_text: PLAYBOOK,
        spec_text: null,
        created_at: at(i),
        created_by: 'b',
      })),
    );
    // 20 partners and 20 playbook names with 200 onboardings each: sorting a filtered listing would cost.
    const onb = (i: number) => ({ onboarding_id: `onb_${pad(i)}`, partner_id: `prt_${pad(i % 20)}` });
    await insert(
      'onboardings',
      range(2 * N).map((i) => ({
        id: `onb_${pad(i)}`,
        partner_id: `prt_${pad(i % 20)}`,
        playbook_name: `pb-${i % 20}`,
        playbook_version_id: `pbv_${pad(i % N)}`,
        current_stage: 'readiness',
        started_at: at(i),
        created_by: 'b',
      })),
    );
    await insert(
      'runs',
      range(2 * N).map((i) => ({
        id: `run_${pad(i)}`,
        ...onb(i),
        stage: 'readiness',
        playbook_version_id: `pbv_${pad(i % N)}`,
        environment: null,
        status: 'passed',
        attempts: 1,
        worker_id: 'w',
        heartbeat_at: at(i),
        source: 'local',
        created_at: at(i),
        created_by: 'b',
        started_at: at(i),
        finished_at: at(i),
        evidence_hash: 'h',
        event_seq: i < 100 ? 50 : 0,
      })),
    );
    await insert(
      'signoffs',
      range(2 * N).map((i) => ({
        id: `sgn_${pad(i)}`,
        ...onb(i),
        stage: 'readiness',
        role: 'security',
        who: 'b',
        run_id: `run_${pad(i)}`,
        evidence_hash: 'h',
        note: null,
        at: at(i),
      })),
    );
    await insert(
      'waivers',
      range(2 * N).map((i) => ({
        id: `wvr_${pad(i)}`,
        ...onb(i),
        stage: null,
        check_id: 'tls',
        reason: 'r',
        approver: 'b',
        expires_at: at(i + 10 * N),
        created_at: at(i),
        revoked_at: i % 3 ? null : at(i),
      })),
    );
    await insert(
      'run_events',
      range(100 * 50).map((i) => ({
        run_id: `run_${pad(Math.floor(i / 50))}`,
        seq: (i % 50) + 1,
        at: at(i),
        type: 'check.progress',
        data: '{}',
      })),
    );
  });
}

/** Defines the listing cases of the store suite on the suite's backend. */
export function listingCases(ctx: SuiteContext): void {
  describe('partner-scoped listings', () => {
    test('partners, onboardings, playbook versions, sign-offs and waivers page and filter', async () => {
      const clock = fakeClock();
      const { store } = await ctx.track({ now: clock.now });
      for (const name of ['Delta', 'Alpha', 'Echo', 'Charlie', 'Bravo'])
        await store.partners.create({ name, actor: 'admin' });
      const partners = await allPages((cursor) => store.partners.list({ limit: 2, cursor }));
      assert.equal(partners.pages, 3);
      assert.deepEqual(
        partners.items.map((p) => p.name),
        ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo'],
      );
      const [alpha, bravo] = partners.items;
      assert.deepEqual(
        (await store.partners.list({ onlyId: bravo!.id })).items.map((p) => p.name),
        ['Bravo'],
      );

      const v1 = (await store.playbooks.put({ name: 'acme', playbookText: PLAYBOOK, actor: 'a' })).version;
      clock.advance(1000);
      const v2 = (await store.playbooks.put({ name: 'other', playbookText: `${PLAYBOOK}#2\n`, actor: 'a' }))
        .version;
      clock.advance(1000);
      const v3 = (await store.playbooks.put({ name: 'acme', playbookText: `${PLAYBOOK}#3\n`, actor: 'a' }))
        .version;
      assert.deepEqual(
        (await store.playbooks.list({ ids: [v1.id, v3.id, v1.id, 'f'.repeat(64)] })).map((v) => v.id),
        [v3.id, v1.id],
        'only the versions asked for, newest first, once each',
      );
      assert.deepEqual(await store.playbooks.list({ ids: [] }), []);
      assert.deepEqual(
        (await store.playbooks.list({ name: 'acme', ids: [v2.id, v3.id] })).map((v) => v.id),
        [v3.id],
      );
      assert.deepEqual(
        (await store.playbooks.list()).map((v) => v.id),
        [v3.id, v2.id, v1.id],
      );

      const onboardings: string[] = [];
      for (let i = 0; i < 6; i++) {
        if (i !== 3) clock.advance(1000); // two started at the same instant: the id breaks the tie
        const o = await store.onboardings.create({
          partnerId: i % 2 ? alpha!.id : bravo!.id,
          playbookVersionId: i % 3 ? v1.id : v2.id,
          stage: 'readiness',
          actor: 'admin',
        });
        onboardings.push(o.id);
      }
      const paged = await allPages((cursor) => store.onboardings.list({ limit: 4, cursor }));
      assert.equal(paged.pages, 2);
      assert.deepEqual(new Set(paged.items.map((o) => o.id)), new Set(onboardings));
      assert.equal(paged.items.length, 6);
      assert.equal(paged.items.at(-1)?.id, onboardings[0], 'newest first');
      const ofAlpha = await allPages((cursor) =>
        store.onboardings.list({ partnerId: alpha!.id, limit: 1, cursor }),
      );
      assert.deepEqual(
        ofAlpha.items.map((o) => o.id),
        [onboardings[5], onboardings[3], onboardings[1]],
      );
      assert.deepEqual(
        (await store.onboardings.list({ partnerId: alpha!.id, playbookName: 'other' })).items.map(
          (o) => o.id,
        ),
        [onboardings[3]],
      );
      assert.equal((await store.onboardings.list({ playbookName: 'acme' })).items.length, 4);
      await assert.rejects(
        store.onboardings.list({ cursor: 'nope' }),
        (e: unknown) => e instanceof InputError && e.code === 'page.cursor',
      );

      for (const [i, role] of [
        [1, 'security'],
        [0, 'partner'],
        [3, 'legal'],
      ] as const) {
        clock.advance(1000);
        await signedRun(store, onboardings[i]!, role);
      }
      assert.deepEqual(
        (await store.signoffs.list({ partnerId: alpha!.id })).map((s) => [s.onboardingId, s.role]),
        [
          [onboardings[1], 'security'],
          [onboardings[3], 'legal'],
        ],
      );
      assert.deepEqual(
        (await store.signoffs.list({ partnerId: bravo!.id, onboardingId: onboardings[1] })).length,
        0,
      );
      assert.equal((await store.signoffs.list({ onboardingId: onboardings[0]! })).length, 1);
      assert.equal((await store.signoffs.list()).length, 3);
      assert.deepEqual(
        (await store.waivers.list({ partnerId: alpha!.id })).map((w) => w.onboardingId),
        [onboardings[3], onboardings[1]],
      );
      assert.equal((await store.waivers.list({ partnerId: bravo!.id, activeOnly: true })).length, 1);
      const [waiver] = await store.waivers.list({ onboardingId: onboardings[0]! });
      assert.deepEqual(await store.waivers.get(waiver!.id), waiver);
      assert.equal(await store.waivers.get('wvr_missing'), undefined);
    });

    test('a database made before migration 0002 gets partner ids on its sign-offs and waivers', async () => {
      const options = await ctx.backend.fresh();
      const conn = options.url ? connectPostgres(options.url) : connectSqlite(options.dataDir!);
      try {
        const migrator = new Migrator({
          db: conn.db,
          provider: { getMigrations: async () => ({ '0001-initial': initial(conn.blobType) }) },
        });
        const { error } = await migrator.migrateToLatest();
        assert.equal(error, undefined);
        const at = new Date(T0).toISOString();
        await sql`insert into partners values ('prt_old', 'Old', ${at}, 'a')`.execute(conn.db);
        await sql`insert into playbook_versions values ('pbv', 'acme', 'x', null, ${at}, 'a')`.execute(
          conn.db,
        );
        await sql`insert into onboardings values ('onb_old', 'prt_old', 'acme', 'pbv', 'readiness', ${at}, 'a')`.execute(
          conn.db,
        );
        await sql`insert into runs (id, onboarding_id, partner_id, stage, playbook_version_id, status, source, created_at, created_by, evidence_hash)
          values ('run_old', 'onb_old', 'prt_old', 'readiness', 'pbv', 'passed', 'local', ${at}, 'a', 'h')`.execute(
          conn.db,
        );
        await sql`insert into signoffs values ('sgn_old', 'onb_old', 'readiness', 'security', 'a', 'run_old', 'h', null, ${at})`.execute(
          conn.db,
        );
        await sql`insert into waivers values ('wvr_old', 'onb_old', null, 'tls', 'r', 'a', ${at}, ${at}, null)`.execute(
          conn.db,
        );
      } finally {
        await conn.db.destroy();
      }
      const store = await openStore(options);
      try {
        assert.deepEqual(
          (await store.signoffs.list({ partnerId: 'prt_old' })).map((s) => s.id),
          ['sgn_old'],
        );
        assert.deepEqual(
          (await store.waivers.list({ partnerId: 'prt_old' })).map((w) => w.id),
          ['wvr_old'],
        );
        assert.equal(await store.runs.appendEvents('run_old', [{ type: 'x', data: 1 }]), 1);
      } finally {
        await store.close();
      }
    });

    test('each listing is served by an index, without a full scan or a sort', {
      timeout: 120_000,
    }, async () => {
      const { store } = await ctx.track();
      await bulkSeed(store.db);
      if (store.dialect === 'postgres') await sql`analyze`.execute(store.db);
      const cursor = (await store.onboardings.list({ limit: 50 })).nextCursor;
      const partnerCursor = (await store.partners.list({ limit: 50 })).nextCursor;
      const now = new Date(T0);
      // Unbounded listings read every matching row anyway: PostgreSQL may rightly prefer a bitmap scan and a sort
      // of those few hundred rows; SQLite must still read them in index order.
      const unbounded = store.dialect === 'postgres';
      const plans = await Promise.all([
        planProblems(store, 'onboardings', onboardingListQuery(store.db, {}, 50).compile(), {
          unfiltered: true,
        }),
        planProblems(
          store,
          'onboardings of a partner',
          onboardingListQuery(store.db, { partnerId: 'prt_00007', cursor }, 50).compile(),
        ),
        planProblems(
          store,
          'onboardings of a playbook',
          onboardingListQuery(store.db, { playbookName: 'pb-7' }, 50).compile(),
        ),
        planProblems(store, 'partners', partnerListQuery(store.db, { cursor: partnerCursor }, 50).compile(), {
          unfiltered: true,
        }),
        planProblems(store, 'playbooks by name', playbookListQuery(store.db, { name: 'pb-7' }).compile(), {
          allowSort: unbounded,
        }),
        planProblems(
          store,
          'playbooks by ids',
          playbookListQuery(store.db, { ids: ['pbv_00001', 'pbv_00700'] }).compile(),
          { allowSort: true },
        ),
        planProblems(
          store,
          'sign-offs of a partner',
          signoffListQuery(store.db, { partnerId: 'prt_00007' }).compile(),
          { allowSort: unbounded },
        ),
        planProblems(
          store,
          'sign-offs of an onboarding',
          signoffListQuery(store.db, { onboardingId: 'onb_00007' }).compile(),
          { allowSort: unbounded },
        ),
        planProblems(
          store,
          'waivers of a partner',
          waiverListQuery(store.db, { partnerId: 'prt_00007', activeOnly: true }, now).compile(),
          { allowSort: unbounded },
        ),
        planProblems(
          store,
          'waivers of an onboarding',
          waiverListQuery(store.db, { onboardingId: 'onb_00007' }, now).compile(),
          { allowSort: unbounded },
        ),
        planProblems(store, 'run events', runEventListQuery(store.db, 'run_00042', 10, 100).compile()),
      ]);
      assert.deepEqual(plans.flat(), [], 'listings must be served by an index, without sorting');
      assert.equal((await store.runs.events('run_00042', { afterSeq: 10, limit: 5 }))[0]?.seq, 11);
      assert.equal((await store.signoffs.list({ partnerId: 'prt_00007' })).length, 200);
    });
  });
}
