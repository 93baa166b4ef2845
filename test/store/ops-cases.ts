// The operations suite's cases about incidents, timelines, follow-ups and the 0002 → 0003 migration
// (ops-monitor-cases.ts: monitors, deliveries, changes, actions). Every case runs on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Migrator, sql } from 'kysely';
import { InputError } from '../../src/core/errors.js';
import { connectPostgres, connectSqlite } from '../../src/store/dialect.js';
import type { IncidentOpenInput, Store } from '../../src/store/index.js';
import { openStore } from '../../src/store/index.js';
import { initial } from '../../src/store/migrations/0001-initial.js';
import { runEvents } from '../../src/store/migrations/0002-run-events.js';
import { type Backend, open } from './backends.js';
import { fakeClock, HOUR, seed, T0 } from './fixtures.js';
import { opsMonitorCases } from './ops-monitor-cases.js';
import { opsPlanCase } from './ops-plans.js';
import { opsProcessCase } from './ops-processes.js';

/** What the case files share: the backend, and stores opened on it (closed after the suite). */
export interface OpsContext {
  readonly backend: Backend;
  track(extra?: Parameters<typeof open>[1]): ReturnType<typeof open>;
}

/** A trigger of a latency-spike detector for one onboarding. */
export function trigger(key: string, extra: Partial<IncidentOpenInput> = {}): IncidentOpenInput {
  return {
    environment: 'production',
    dedupKey: key,
    detectorId: 'slow',
    detectorKind: 'latency-spike',
    severity: 'SEV2',
    title: 'Latency spike on api-health',
    summary: 'p95 1200 ms over 800 ms for 5 minutes',
    components: ['notes-api'],
    signature: 'latency-spike:api-health',
    state: { level: 0 },
    ...extra,
  };
}

const refused = (code: string) => (e: unknown) => e instanceof InputError && e.code === code;

/** Defines the operations suite on one backend; `make` is called once, in `before`. */
export function opsSuite(make: () => Promise<Backend>): void {
  let backend: Backend;
  const opened: Store[] = [];
  const ctx: OpsContext = {
    get backend() {
      return backend;
    },
    async track(extra = {}) {
      const o = await open(backend, extra);
      opened.push(o.store);
      return o;
    },
  };
  before(async () => {
    backend = await make();
  });
  after(async () => {
    for (const s of opened) await s.close().catch(() => {});
    await backend?.close();
  });

  describe('incidents', () => {
    test('concurrent opens for one dedup key make one incident; after it resolves, a new one opens', async () => {
      const { store, options } = await ctx.track();
      const { onboarding, partner } = await seed(store);
      // On PostgreSQL a second store is a second pool: opens really race; on SQLite one store per process.
      const other = backend.name === 'postgres' ? await openStore(options) : store;
      if (other !== store) opened.push(other);
      const input = trigger(`${onboarding.id}:slow:api-health:production`, {
        onboardingId: onboarding.id,
        partnerId: partner.id,
        events: [{ type: 'signal', message: 'p95 over budget', data: { p95: 1200 } }],
      });
      const opens = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 === 0 ? store : other).incidents.open(input, { actor: 'detector' }),
        ),
      );
      const ids = new Set(opens.map((o) => o.incident.id));
      assert.equal(ids.size, 1, 'every open returns the same incident');
      assert.equal(opens.filter((o) => o.created).length, 1, 'exactly one open created it');
      const [id] = [...ids];
      assert.equal((await store.incidents.list({ onboardingId: onboarding.id })).items.length, 1);
      assert.deepEqual(
        (await store.incidents.timeline(id!)).map((e) => [e.seq, e.type, e.actor]),
        [[1, 'signal', 'detector']],
      );
      const found = await store.incidents.findOpen(input.dedupKey);
      assert.equal(found?.id, id);
      assert.equal(found?.status, 'triggered');
      assert.deepEqual(found?.state, { level: 0 });
      assert.deepEqual(found?.components, ['notes-api']);

      const resolved = await store.incidents.update(id!, found!.version, { status: 'resolved' }, [], {
        actor: 'op',
      });
      assert.equal(resolved.status, 'resolved');
      assert.ok(resolved.resolvedAt);
      assert.equal(await store.incidents.findOpen(input.dedupKey), undefined);
      const again = await store.incidents.open(input, { actor: 'detector' });
      assert.equal(again.created, true);
      assert.notEqual(again.incident.id, id);
      // Re-opening the resolved one now would make two open incidents for the key.
      await assert.rejects(
        store.incidents.update(id!, resolved.version, { status: 'triggered' }, [], { actor: 'detector' }),
        refused('incident.conflict'),
      );
      assert.equal(
        (await store.audit.list({ subject: id! })).filter((e) => e.action === 'incident.opened').length,
        1,
      );
      assert.equal((await store.audit.verify()).ok, true);
    });

    test('updates are guarded by version; status changes are stamped and audited; the timeline is numbered', async () => {
      const clock = fakeClock();
      const { store } = await ctx.track({ now: clock.now });
      const { incident } = await store.incidents.open(trigger('k1'), { actor: 'detector' });
      assert.equal(incident.version, 1);
      clock.advance(5 * 60_000);
      const acked = await store.incidents.update(
        incident.id,
        1,
        { status: 'acknowledged', state: { level: 0, acked: true } },
        [{ type: 'acknowledged', message: 'on it', actor: 'alice' }],
        { actor: 'alice' },
      );
      assert.equal(acked.version, 2);
      assert.equal(acked.acknowledgedAt, new Date(T0 + 5 * 60_000).toISOString());
      assert.deepEqual(acked.state, { level: 0, acked: true });
      // A writer that read version 1 is refused, and writes nothing (not even its events).
      await assert.rejects(
        store.incidents.update(incident.id, 1, { status: 'mitigated' }, [{ type: 'note', message: 'x' }], {
          actor: 'bob',
        }),
        refused('incident.conflict'),
      );
      await assert.rejects(
        store.incidents.update('inc_missing', 1, {}, [], { actor: 'bob' }),
        refused('incident.not-found'),
      );
      // Two concurrent writers from the same version: one wins.
      const outcomes = await Promise.allSettled([
        store.incidents.update(incident.id, 2, { summary: 'a' }, [], { actor: 'a' }),
        store.incidents.update(incident.id, 2, { summary: 'b' }, [], { actor: 'b' }),
      ]);
      assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
      const rejected = outcomes.find((o) => o.status === 'rejected');
      assert.ok(rejected && refused('incident.conflict')(rejected.reason));

      await store.incidents.addEvents(
        incident.id,
        [
          { type: 'notified', message: 'oncall-primary paged', data: { notifier: 'oncall-primary' } },
          { type: 'note', message: 'rolled back', at: T0 + 9 * 60_000 },
        ],
        { actor: 'engine' },
      );
      const current = (await store.incidents.get(incident.id))!;
      assert.equal(current.version, 3);
      const mitigated = await store.incidents.update(
        incident.id,
        3,
        { status: 'mitigated', firstAttemptAt: T0 + 9 * 60_000, severity: 'SEV1' },
        [],
        { actor: 'alice' },
      );
      assert.equal(mitigated.firstAttemptAt, new Date(T0 + 9 * 60_000).toISOString());
      assert.ok(mitigated.mitigatedAt);
      assert.equal(mitigated.severity, 'SEV1');
      const timeline = await store.incidents.timeline(incident.id);
      assert.deepEqual(
        timeline.map((e) => [e.seq, e.type, e.actor]),
        [
          [1, 'acknowledged', 'alice'],
          [2, 'notified', 'engine'],
          [3, 'note', 'engine'],
        ],
      );
      assert.deepEqual(timeline[1]?.data, { notifier: 'oncall-primary' });
      assert.deepEqual(
        (await store.incidents.timeline(incident.id, { afterSeq: 2 })).map((e) => e.seq),
        [3],
      );
      await assert.rejects(
        store.incidents.addEvents(incident.id, [{ type: 'note', message: 'big', data: 'x'.repeat(70_000) }], {
          actor: 'a',
        }),
        refused('incident-event.too-large'),
      );
      const actions = (await store.audit.list({ subject: incident.id })).map((e) => e.action);
      assert.deepEqual(actions, [
        'incident.opened',
        'incident.acknowledged',
        'incident.mitigated',
        'incident.severity-changed',
      ]);
      assert.equal((await store.audit.verify()).ok, true);
    });

    test('listings page by opened_at and filter; similar incidents share a signature; follow-ups', async () => {
      const clock = fakeClock();
      const { store } = await ctx.track({ now: clock.now });
      const { partner } = await seed(store);
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        clock.advance(HOUR);
        const { incident } = await store.incidents.open(
          trigger(`k${i}`, {
            severity: i % 2 === 0 ? 'SEV1' : 'SEV3',
            partnerId: i < 3 ? partner.id : null,
            signature: i < 4 ? 'schema-drift:getNote:/title' : 'latency-spike:api-health',
          }),
          { actor: 'detector' },
        );
        ids.push(incident.id);
      }
      await store.incidents.update(ids[0]!, 1, { status: 'resolved' }, [], { actor: 'op' });
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await store.incidents.list({ limit: 3, cursor });
        pages.push(page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      assert.deepEqual(pages.flat(), [...ids].reverse());
      assert.deepEqual(
        pages.map((p) => p.length),
        [3, 3, 1],
      );
      const sev1 = (await store.incidents.list({ severity: 'SEV1' })).items.map((i) => i.id);
      assert.deepEqual(sev1, [ids[6], ids[4], ids[2], ids[0]]);
      const open = await store.incidents.list({ status: ['triggered', 'acknowledged', 'mitigated'] });
      assert.equal(open.items.length, 6);
      assert.deepEqual(
        (await store.incidents.list({ partnerId: partner.id, status: 'triggered' })).items.map((i) => i.id),
        [ids[2], ids[1]],
      );
      assert.deepEqual(
        (await store.incidents.list({ since: T0 + 6 * HOUR })).items.map((i) => i.id),
        [ids[6], ids[5]],
      );
      await assert.rejects(store.incidents.list({ cursor: 'nonsense' }), refused('page.cursor'));
      await assert.rejects(store.incidents.list({ status: 'open' as never }), refused('incident.status'));
      assert.deepEqual(
        (await store.incidents.similar('schema-drift:getNote:/title', 10, ids[3])).map((i) => i.id),
        [ids[2], ids[1], ids[0]],
      );
      // A flapping detector re-opens the newest resolved incident of its key; an open one is not returned.
      assert.equal((await store.incidents.lastResolved('k0'))?.id, ids[0]);
      assert.equal(await store.incidents.lastResolved('k1'), undefined);
      clock.advance(HOUR);
      const again = await store.incidents.open(trigger('k0'), { actor: 'detector' });
      await store.incidents.update(again.incident.id, 1, { status: 'resolved' }, [], { actor: 'op' });
      assert.equal((await store.incidents.lastResolved('k0'))?.id, again.incident.id);

      const f1 = await store.incidents.followups.add(
        { incidentId: ids[0]!, title: 'Alert on p99 too', owner: 'alice', dueAt: T0 + 30 * 24 * HOUR },
        { actor: 'alice' },
      );
      clock.advance(1000);
      await store.incidents.followups.add(
        { incidentId: ids[0]!, title: 'Runbook step 3 unclear', owner: 'bob' },
        { actor: 'alice' },
      );
      await assert.rejects(
        store.incidents.followups.add({ incidentId: 'inc_nope', title: 't', owner: 'o' }, { actor: 'a' }),
        refused('incident.not-found'),
      );
      const done = await store.incidents.followups.complete(f1.id, { actor: 'alice' });
      assert.ok(done.doneAt);
      assert.equal((await store.incidents.followups.complete(f1.id, { actor: 'alice' })).doneAt, done.doneAt);
      assert.deepEqual(
        (await store.incidents.followups.list(ids[0]!)).map((f) => [f.owner, f.doneAt !== null]),
        [
          ['alice', true],
          ['bob', false],
        ],
      );
    });
  });

  describe('migration 0003', () => {
    test('a database at 0002 with data in it is migrated, and its data stays', async () => {
      const options = await backend.fresh();
      const conn = options.url ? connectPostgres(options.url) : connectSqlite(options.dataDir!);
      try {
        const migrator = new Migrator({
          db: conn.db,
          provider: {
            getMigrations: async () => ({
              '0001-initial': initial(conn.blobType),
              '0002-run-events': runEvents(),
            }),
          },
        });
        assert.equal((await migrator.migrateToLatest()).error, undefined);
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
      } finally {
        await conn.db.destroy();
      }
      const store = await openStore(options);
      opened.push(store);
      const names = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
        store.db,
      );
      // Later migrations may follow; these three must have run, in order.
      assert.deepEqual(names.rows.map((r) => r.name).slice(0, 3), [
        '0001-initial',
        '0002-run-events',
        '0003-operations',
      ]);
      assert.equal((await store.runs.get('run_old'))?.status, 'passed');
      assert.equal((await store.onboardings.get('onb_old'))?.partnerId, 'prt_old');
      const { incident, created } = await store.incidents.open(
        trigger('onb_old:slow', { onboardingId: 'onb_old', partnerId: 'prt_old' }),
        { actor: 'detector' },
      );
      assert.equal(created, true);
      assert.deepEqual(
        (await store.incidents.list({ partnerId: 'prt_old' })).items.map((i) => i.id),
        [incident.id],
      );
      assert.equal((await store.audit.verify()).ok, true);
    });
  });

  opsMonitorCases(ctx);
  describe('plans', () => opsPlanCase(ctx));
  describe('processes', () => opsProcessCase(ctx));
}
