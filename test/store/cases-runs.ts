// The store suite's cases about runs, results, evidence, waivers, retention and metrics (cases.ts
// defines the suite and the cases about identity, versions, audit and secrets).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import type { SuiteContext } from './cases.js';
import { DAY, exchange, fakeClock, HOUR, result, seed, T0 } from './fixtures.js';

/** Defines the runs/results/governance cases of the store suite on the suite's backend. */
export function runCases(ctx: SuiteContext): void {
  describe('runs, results and evidence', () => {
    test('run lifecycle, bounded compressed evidence, and the evidence hash sign-offs name', async () => {
      const { store } = await ctx.track({ maxEvidenceBytes: 20_000 });
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
      const { store } = await ctx.track({ now: clock.now });
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
      const { store } = await ctx.track({ now: clock.now });
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
        await store.runs.start(run.id, { workerId: 'w', actor: 'x' });
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
        (await store.runs.list({ status: 'running', onboardingId: a.onboarding.id })).items.length,
        4,
      );
      assert.equal((await store.runs.list({ status: 'queued' })).items.length, 1);
      const failed = await store.results.list({ checkId: 'contract', outcome: 'failed' });
      assert.equal(failed.items.length, 3);
      assert.equal((await store.results.list({ partnerId: b.id, outcome: 'failed' })).items.length, 1);
      await assert.rejects(store.runs.list({ cursor: 'garbage' }), (e: unknown) => e instanceof InputError);
    });
  });

  describe('waivers, retention and metrics', () => {
    test('an expired or revoked waiver no longer counts', async () => {
      const clock = fakeClock();
      const { store } = await ctx.track({ now: clock.now });
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
      const { store } = await ctx.track({ now: clock.now });
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
      const { store } = await ctx.track({ now: clock.now });
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
}
