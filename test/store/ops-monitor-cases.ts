// The operations suite's cases about monitor samples, roll-ups, states and retention, deliveries, change
// markers and action runs (ops-cases.ts defines the suite).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import type { MonitorSample } from '../../src/core/ops/types.js';
import type { MonitorRecord, Store } from '../../src/store/index.js';
import { openStore } from '../../src/store/index.js';
import { DAY, fakeClock, HOUR, seed, T0 } from './fixtures.js';
import { type OpsContext, trigger } from './ops-cases.js';

const refused = (code: string) => (e: unknown) => e instanceof InputError && e.code === code;

function sample(
  monitorId: string,
  at: number,
  durationMs: number,
  outcome: MonitorSample['outcome'],
): MonitorSample {
  return {
    monitorId,
    environment: 'production',
    at,
    outcome,
    durationMs,
    measurements: { 'latency.p95': durationMs },
    findings:
      outcome === 'failed'
        ? Array.from({ length: 30 }, (_, i) => ({
            code: 'response.schema',
            severity: 'error' as const,
            message: `finding ${i} ${'x'.repeat(1000)}`,
            operation: 'getNote',
            pointer: '/title',
          }))
        : [],
    ...(outcome === 'errored' && { error: { code: 'target.timeout', message: 'timed out after 5000 ms' } }),
  };
}

/** `n` samples of two monitors, one a second from `start`: every 10th failed, durations 10..1000 ms. */
function batch(onboardingId: string, start: number, n: number): MonitorRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    onboardingId,
    sample: sample(
      i % 2 === 0 ? 'api-health' : 'notes-contract',
      start + i * 1000,
      10 + (i % 100) * 10,
      i % 10 === 9 ? 'failed' : 'passed',
    ),
  }));
}

/** Defines the monitors, deliveries, changes and actions cases of the operations suite. */
export function opsMonitorCases(ctx: OpsContext): void {
  describe('monitors', () => {
    test('a batch stores samples, adds to hourly roll-ups and writes states under their versions', async () => {
      const { store, options } = await ctx.track();
      // 3700 samples, one a second: hour T0 (3600) and the next (100), in one transaction.
      const first = await store.monitors.record(batch('onb_a', T0, 3700));
      assert.deepEqual(first, { stored: 3700, conflicts: [] });
      const latest = await store.monitors.samples({
        onboardingId: 'onb_a',
        monitorId: 'api-health',
        limit: 3,
      });
      assert.deepEqual(
        latest.map((s) => s.at),
        [T0 + 3698_000, T0 + 3696_000, T0 + 3694_000],
      );
      const failed = (
        await store.monitors.samples({
          onboardingId: 'onb_a',
          monitorId: 'notes-contract',
          since: T0,
          limit: 5000,
        })
      ).find((s) => s.outcome === 'failed')!;
      assert.equal(failed.findings.length, 20, 'findings are bounded');
      assert.ok(failed.findings[0]!.message.length <= 500);
      assert.equal(failed.findings[0]!.pointer, '/title');

      const hourly = await store.monitors.rollups({
        onboardingId: 'onb_a',
        monitorId: 'api-health',
        since: T0,
      });
      assert.deepEqual(
        hourly.map((r) => [r.bucket, r.count, r.failures]),
        [
          [new Date(T0).toISOString(), 1800, 0],
          [new Date(T0 + HOUR).toISOString(), 50, 0],
        ],
      );
      const notes = await store.monitors.rollups({ onboardingId: 'onb_a', monitorId: 'notes-contract' });
      assert.equal(notes[0]?.failures, 360);
      // api-health gets even i: durations 10, 30, ... 990 ms, evenly; p95 ≈ 950 ms, within the doubling bucket.
      const h = hourly[0]!;
      assert.equal(h.maxMs, 990);
      assert.equal(h.avgMs, 500);
      assert.equal(h.p95Ms, 990, 'the p95 bucket (800..1600] is capped at the max');
      assert.equal(
        h.histogram.reduce((a, b) => a + b, 0),
        h.count,
      );

      // Roll-ups add up across batches — and across concurrent writers on PostgreSQL.
      const other = ctx.backend.name === 'postgres' ? await openStore(options) : store;
      try {
        await Promise.all([
          store.monitors.record(batch('onb_a', T0 + 1000 * 3700, 200)),
          other.monitors.record(batch('onb_a', T0 + 1000 * 3900, 200)),
        ]);
      } finally {
        if (other !== store) await other.close();
      }
      const later = await store.monitors.rollups({
        onboardingId: 'onb_a',
        monitorId: 'api-health',
        since: T0 + HOUR,
      });
      assert.equal(later[0]?.count, 50 + 200);

      // States: 0 = create only; a stale version is reported, its sample still stored.
      const at = T0 + 2 * HOUR;
      const rec = (expectedVersion: number | undefined, state: unknown): MonitorRecord => ({
        onboardingId: 'onb_a',
        sample: sample('api-health', at, 100, 'passed'),
        state,
        expectedVersion,
        nextAt: at + 60_000,
      });
      assert.deepEqual((await store.monitors.record([rec(0, { n: 1 })])).conflicts, []);
      const second = await store.monitors.record([rec(0, { n: 2 }), rec(1, { n: 3 })]);
      assert.deepEqual(second.conflicts, [
        { onboardingId: 'onb_a', monitorId: 'api-health', expectedVersion: 0, version: 1 },
      ]);
      assert.equal(second.stored, 2);
      assert.deepEqual((await store.monitors.record([rec(1, { n: 4 })])).conflicts[0]?.version, 2);
      await store.monitors.record([rec(undefined, { n: 5 })]);
      const state = await store.monitors.state('onb_a', 'api-health');
      assert.deepEqual(
        [state?.version, state?.state, state?.nextAt],
        [3, { n: 5 }, new Date(at + 60_000).toISOString()],
      );
      assert.equal(await store.monitors.state('onb_a', 'nope'), undefined);
      assert.deepEqual(
        (await store.monitors.states('onb_a')).map((s) => s.monitorId),
        ['api-health'],
      );
      await assert.rejects(
        store.monitors.record([
          { onboardingId: 'onb_a', sample: { ...sample('m', T0, 1, 'passed'), at: Number.NaN } },
        ]),
        refused('monitor-sample.invalid'),
      );
    });

    test('prune deletes old samples and keeps roll-ups longer, audited', async () => {
      const clock = fakeClock(T0 + 10 * DAY);
      const { store } = await ctx.track({ now: clock.now });
      await store.monitors.record(batch('onb_p', T0, 20));
      await store.monitors.record(batch('onb_p', T0 + 9 * DAY, 20));
      const pruned = await store.monitors.prune({ samplesOlderThanDays: 7, actor: 'retention' });
      assert.deepEqual(pruned, { samples: 20, rollups: 0 });
      const left = await store.monitors.samples({
        onboardingId: 'onb_p',
        monitorId: 'api-health',
        limit: 100,
      });
      assert.equal(left.length, 10);
      assert.ok(left.every((s) => s.at >= T0 + 9 * DAY));
      assert.equal(
        (await store.monitors.rollups({ onboardingId: 'onb_p', monitorId: 'api-health' })).length,
        2,
      );
      assert.deepEqual(
        await store.monitors.prune({ samplesOlderThanDays: 7, rollupsOlderThanDays: 5, actor: 'r' }),
        {
          samples: 0,
          rollups: 2,
        },
      );
      assert.deepEqual(
        (await store.audit.list()).map((e) => e.action),
        ['monitor-samples.pruned', 'monitor-rollups.pruned'],
      );
      await assert.rejects(
        store.monitors.prune({ samplesOlderThanDays: -1, actor: 'r' }),
        refused('retention.days'),
      );
    });
  });

  describe('deliveries', () => {
    test('a key is attempted until delivered or given up, and never sent again after', async () => {
      const { store } = await ctx.track();
      const d = { incidentId: 'inc_1', notifier: 'oncall-primary', event: 'triggered' };
      const one = await store.deliveries.begin('inc_1:oncall-primary:triggered:1', d);
      assert.deepEqual([one.send, one.delivery.status, one.delivery.attempts], [true, 'pending', 1]);
      const failed = await store.deliveries.failed(
        'inc_1:oncall-primary:triggered:1',
        `503 ${'y'.repeat(2000)}`,
        false,
      );
      assert.equal(failed.status, 'pending');
      assert.equal(failed.lastError?.length, 500);
      const two = await store.deliveries.begin('inc_1:oncall-primary:triggered:1', d);
      assert.deepEqual([two.send, two.delivery.attempts], [true, 2]);
      const ok = await store.deliveries.succeeded('inc_1:oncall-primary:triggered:1', { dedupKey: 'pd-123' });
      assert.deepEqual([ok.status, ok.lastError, ok.ref], ['delivered', null, { dedupKey: 'pd-123' }]);
      // A replayed job: not sent again, and a late failure does not undo the delivery.
      const three = await store.deliveries.begin('inc_1:oncall-primary:triggered:1', d);
      assert.deepEqual([three.send, three.delivery.status, three.delivery.attempts], [false, 'delivered', 2]);
      assert.equal(
        (await store.deliveries.failed('inc_1:oncall-primary:triggered:1', 'late', true)).status,
        'delivered',
      );
      assert.deepEqual(await store.deliveries.lastRef('inc_1', 'oncall-primary'), { dedupKey: 'pd-123' });
      assert.equal(await store.deliveries.lastRef('inc_1', 'team-chat'), undefined);

      await store.deliveries.begin('inc_1:team-chat:triggered:1', { ...d, notifier: 'team-chat' });
      assert.equal(
        (await store.deliveries.failed('inc_1:team-chat:triggered:1', '404', true)).status,
        'failed',
      );
      assert.equal((await store.deliveries.begin('inc_1:team-chat:triggered:1', d)).send, false);
      // Concurrent begins of a new key insert it once.
      const both = await Promise.all([store.deliveries.begin('k2', d), store.deliveries.begin('k2', d)]);
      assert.deepEqual(both.map((b) => b.send).sort(), [true, true]);
      assert.equal((await store.deliveries.get('k2'))?.attempts, 2);
      assert.deepEqual((await store.deliveries.list('inc_1')).map((x) => x.status).sort(), [
        'delivered',
        'failed',
        'pending',
      ]);
      await assert.rejects(store.deliveries.succeeded('nope'), refused('delivery.not-found'));
      assert.equal((await store.audit.list()).length, 0, 'deliveries are not audited');
    });

    test('an outcome and its timeline entry are written together, once, however often the job replays', async () => {
      const { store } = await ctx.track();
      const { incident } = await store.incidents.open(trigger('svc:delivery'), { actor: 'detector' });
      const d = { incidentId: incident.id, notifier: 'hooks', event: 'triggered' };
      const record = (message: string) => ({
        actor: 'gangway',
        events: [{ type: 'notification', message, data: { notifier: 'hooks' } }],
      });
      await store.deliveries.begin('k-ok', d);
      await store.deliveries.succeeded('k-ok', undefined, record('triggered sent to hooks'));
      await store.deliveries.succeeded('k-ok', undefined, record('replayed'));
      await store.deliveries.begin('k-fail', d);
      await store.deliveries.failed('k-fail', '503', false, record('not final: no entry'));
      await store.deliveries.failed('k-fail', '404', true, record('hooks failed: 404'));
      const timeline = await store.incidents.timeline(incident.id);
      assert.deepEqual(
        timeline.filter((e) => e.type === 'notification').map((e) => [e.message, e.actor]),
        [
          ['triggered sent to hooks', 'gangway'],
          ['hooks failed: 404', 'gangway'],
        ],
      );
    });
  });

  describe('changes and actions', () => {
    test('change markers page by time and filter by partner and environment', async () => {
      const { store } = await ctx.track();
      for (let i = 0; i < 5; i++)
        await store.changes.add(
          {
            at: T0 + i * HOUR,
            kind: i % 2 === 0 ? 'deploy' : 'config',
            title: `change ${i}`,
            partnerId: i === 1 ? 'prt_x' : null,
            environment: i < 3 ? 'production' : 'sandbox',
            ref: `v1.${i}`,
          },
          { actor: 'ci' },
        );
      const p1 = await store.changes.list({ limit: 2 });
      const p2 = await store.changes.list({ limit: 2, cursor: p1.nextCursor });
      const p3 = await store.changes.list({ limit: 2, cursor: p2.nextCursor });
      assert.deepEqual(
        [...p1.items, ...p2.items, ...p3.items].map((c) => c.title),
        ['change 4', 'change 3', 'change 2', 'change 1', 'change 0'],
      );
      assert.equal(p3.nextCursor, undefined);
      assert.deepEqual(
        (
          await store.changes.list({ since: T0 + HOUR, until: T0 + 3 * HOUR, environment: 'production' })
        ).items.map((c) => c.ref),
        ['v1.2', 'v1.1'],
      );
      assert.deepEqual(
        (await store.changes.list({ partnerId: 'prt_x' })).items.map((c) => c.title),
        ['change 1'],
      );
      await assert.rejects(
        store.changes.add({ kind: 'nope' as never, title: 't' }, { actor: 'a' }),
        refused('change.kind'),
      );
      await assert.rejects(
        store.changes.add({ kind: 'deploy', title: ' ' }, { actor: 'a' }),
        refused('change.title'),
      );
      assert.equal((await store.audit.list()).filter((e) => e.action === 'change.recorded').length, 5);
    });

    test('action runs are counted for the guards; approval moves a run on once', async () => {
      const clock = fakeClock();
      const { store } = await ctx.track({ now: clock.now });
      await recordRuns(store, clock);
      assert.equal(
        await store.actions.countSince({ actionId: 'throttle' }, T0),
        2,
        'suppressed and pending do not count',
      );
      assert.equal(await store.actions.countSince({ actionId: 'throttle' }, T0 + 20 * 60_000), 1);
      assert.equal(await store.actions.countSince({ incidentId: 'inc_1' }, T0), 3);
      await assert.rejects(store.actions.countSince({}, T0), refused('action-run.filter'));
      const pending = (await store.actions.list({ actionId: 'rollback' }))[0]!;
      assert.equal(pending.status, 'pending-approval');
      const approved = await store.actions.update(
        pending.id,
        { status: 'running', from: 'pending-approval', detail: { approvedBy: 'alice' } },
        { actor: 'alice' },
      );
      assert.deepEqual(approved.detail, { approvedBy: 'alice' });
      await assert.rejects(
        store.actions.update(pending.id, { status: 'running', from: 'pending-approval' }, { actor: 'bob' }),
        refused('action-run.conflict'),
      );
      assert.equal(await store.actions.countSince({ incidentId: 'inc_1' }, T0), 4);
      assert.deepEqual(
        (await store.actions.list({ incidentId: 'inc_1' })).map((a) => a.actionId),
        ['throttle', 'throttle', 'throttle', 'rerun', 'rollback'],
      );
      assert.equal((await store.audit.verify()).ok, true);
    });

    test('action runs: a caller-made id, get, and counted times per onboarding', async () => {
      const clock = fakeClock();
      const { store } = await ctx.track({ now: clock.now });
      const a = await seed(store, 'Alpha');
      const b = await seed(store, 'Bravo');
      const by = { actor: 'engine' };
      const open = async (onboardingId: string, key: string) =>
        (await store.incidents.open(trigger(key, { onboardingId }), by)).incident.id;
      const incA = await open(a.onboarding.id, 'ka');
      const incB = await open(b.onboarding.id, 'kb');
      const made = await store.actions.record(
        { id: 'act_given', incidentId: incA, actionId: 'throttle', status: 'running' },
        by,
      );
      assert.equal(made.id, 'act_given');
      assert.equal((await store.actions.get('act_given'))?.status, 'running');
      assert.equal(await store.actions.get('act_none'), undefined);
      clock.advance(60_000);
      await store.actions.record({ incidentId: incB, actionId: 'throttle', status: 'succeeded' }, by);
      await store.actions.record({ incidentId: incA, actionId: 'throttle', status: 'suppressed' }, by);
      await store.actions.record({ incidentId: incA, actionId: 'rerun', status: 'succeeded' }, by);
      assert.deepEqual(
        await store.actions.countedTimes({ actionId: 'throttle', onboardingId: a.onboarding.id }, T0),
        [T0],
        'only A’s counted runs of throttle',
      );
      assert.deepEqual(await store.actions.countedTimes({ actionId: 'throttle' }, T0), [T0, T0 + 60_000]);
      assert.deepEqual(
        await store.actions.countedTimes({ actionId: 'throttle', onboardingId: a.onboarding.id }, T0 + 1),
        [],
      );
    });

    test("guarded: runs decided at once under the guards' lock start once; other actions and onboardings are not held", async () => {
      const { store } = await ctx.track();
      const a = await seed(store, 'Alpha');
      const b = await seed(store, 'Bravo');
      const by = { actor: 'engine' };
      const incA = (await store.incidents.open(trigger('ka', { onboardingId: a.onboarding.id }), by)).incident
        .id;
      const incB = (await store.incidents.open(trigger('kb', { onboardingId: b.onboarding.id }), by)).incident
        .id;
      // Each caller reads the counted runs, lingers (a slow decision), then starts a run if none counted:
      // without the lock all five would read "none" and start.
      const request = (incidentId: string, onboardingId: string, actionId = 'throttle') =>
        store.actions.guarded({ actionId, onboardingId }, 0, async (times, writer) => {
          await new Promise((done) => setTimeout(done, 40));
          return writer.record(
            { incidentId, actionId, status: times.length === 0 ? 'running' : 'suppressed' },
            by,
          );
        });
      const runs = await Promise.all([
        ...Array.from({ length: 5 }, () => request(incA, a.onboarding.id)),
        request(incB, b.onboarding.id),
        request(incA, a.onboarding.id, 'rollback'),
      ]);
      const said = runs.map((r) => `${r.actionId} ${r.incidentId} ${r.status}`).join('\n');
      assert.deepEqual(
        runs
          .slice(0, 5)
          .map((r) => r.status)
          .sort(),
        ['running', 'suppressed', 'suppressed', 'suppressed', 'suppressed'],
        said,
      );
      assert.deepEqual(
        runs.slice(5).map((r) => r.status),
        ['running', 'running'],
        said,
      );
      assert.equal(
        (await store.actions.countedTimes({ actionId: 'throttle', onboardingId: a.onboarding.id }, 0)).length,
        1,
      );
      assert.equal((await store.audit.verify()).ok, true);
    });
  });
}

async function recordRuns(store: Store, clock: ReturnType<typeof fakeClock>): Promise<void> {
  const by = { actor: 'engine' };
  await store.actions.record({ incidentId: 'inc_1', actionId: 'throttle', status: 'succeeded' }, by);
  clock.advance(10 * 60_000);
  await store.actions.record(
    { incidentId: 'inc_1', actionId: 'throttle', status: 'suppressed', detail: { why: 'cool-down' } },
    by,
  );
  clock.advance(20 * 60_000);
  await store.actions.record(
    { incidentId: 'inc_1', actionId: 'throttle', status: 'failed', detail: { status: 500 } },
    by,
  );
  clock.advance(1);
  await store.actions.record({ incidentId: 'inc_1', actionId: 'rerun', status: 'running' }, by);
  clock.advance(1);
  await store.actions.record({ incidentId: 'inc_1', actionId: 'rollback', status: 'pending-approval' }, by);
}
