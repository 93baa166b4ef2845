// The store suite's cases for what the service needs: run events (SSE), atomic completion, takeover after a
// crash, and store.ping. Listings are in cases-listings.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { InputError } from '../../src/core/errors.js';
import { openStore, type Store } from '../../src/store/index.js';
import { computeEvidenceHash } from '../../src/store/runs.js';
import type { SuiteContext } from './cases.js';
import { listingCases } from './cases-listings.js';
import { runChild } from './child.js';
import { DAY, exchange, fakeClock, result, seed, T0 } from './fixtures.js';

function code(expected: string) {
  return (e: unknown) => e instanceof InputError && e.code === expected;
}

/** A run of a fresh onboarding, started by worker w1. */
async function runningRun(store: Store): Promise<string> {
  const { onboarding } = await seed(store);
  const run = await store.runs.create({ onboardingId: onboarding.id, stage: 'sandbox', actor: 'op' });
  assert.ok(await store.runs.start(run.id, { workerId: 'w1', actor: 'worker' }));
  return run.id;
}

/** Defines the service-support cases of the store suite on the suite's backend. */
export function serviceCases(ctx: SuiteContext): void {
  describe('run events', () => {
    test('appended with per-run seqs, paged after a seq, bounded, pruned', async () => {
      const clock = fakeClock();
      const { store } = await ctx.track({ now: clock.now });
      const runId = await runningRun(store);
      const auditBefore = (await store.audit.list({ limit: 1000 })).length;
      assert.equal(
        await store.runs.appendEvents(runId, [
          { type: 'run.started', data: { stage: 'sandbox' } },
          { type: 'check.started', data: { checkId: 'contract' }, at: '2026-01-05T10:00:00+01:00' },
        ]),
        2,
      );
      assert.equal(await store.runs.appendEvents(runId, []), 2, 'nothing appended: the last seq');
      for (let i = 0; i < 5; i++)
        await store.runs.appendEvents(runId, [{ type: 'check.progress', data: { done: i } }]);
      const all = await store.runs.events(runId);
      assert.deepEqual(
        all.map((e) => e.seq),
        [1, 2, 3, 4, 5, 6, 7],
      );
      assert.deepEqual(all[0], {
        seq: 1,
        at: new Date(T0).toISOString(),
        type: 'run.started',
        data: { stage: 'sandbox' },
      });
      assert.equal(all[1]!.at, '2026-01-05T09:00:00.000Z', 'a given time is kept, as UTC');
      const page = await store.runs.events(runId, { afterSeq: 2, limit: 3 });
      assert.deepEqual(
        page.map((e) => [e.seq, e.data]),
        [
          [3, { done: 0 }],
          [4, { done: 1 }],
          [5, { done: 2 }],
        ],
      );
      assert.deepEqual(await store.runs.events(runId, { afterSeq: 7 }), []);
      assert.equal((await store.audit.list({ limit: 1000 })).length, auditBefore, 'progress is not audited');

      // Over 64 KiB of JSON: refused, and the batch it was in appends nothing.
      const big = { blob: 'é'.repeat(33_000) }; // 66 000 bytes of UTF-8, 33 000 characters
      await assert.rejects(
        store.runs.appendEvents(runId, [
          { type: 'ok', data: 1 },
          { type: 'huge', data: big },
        ]),
        code('run-event.too-large'),
      );
      await assert.rejects(store.runs.appendEvents(runId, [{ type: '', data: 1 }]), code('run-event.type'));
      await assert.rejects(
        store.runs.appendEvents(runId, [{ type: 'x', data: 1, at: 'yesterday' }]),
        code('run-event.at'),
      );
      assert.equal(await store.runs.appendEvents(runId, [{ type: 'x', data: 'y'.repeat(60_000) }]), 8);
      await assert.rejects(
        store.runs.appendEvents('run_missing', [{ type: 'x', data: 1 }]),
        code('run.not-found'),
      );

      clock.advance(31 * DAY);
      await store.runs.appendEvents(runId, [{ type: 'late', data: null }]);
      const pruned = await store.runs.pruneEvents({ olderThanDays: 30, actor: 'retention' });
      assert.equal(pruned.deleted, 8);
      assert.deepEqual(
        (await store.runs.events(runId)).map((e) => [e.seq, e.type]),
        [[9, 'late']],
      );
      const last = (await store.audit.list({ limit: 1000 })).at(-1);
      assert.equal(last?.action, 'run-events.pruned');
      assert.equal((await store.audit.verify()).ok, true);
    });

    test('two processes appending to one run get distinct, consecutive seqs', {
      timeout: 120_000,
    }, async () => {
      const options = await ctx.backend.fresh();
      const setup = await openStore(options);
      let runId: string;
      try {
        runId = await runningRun(setup);
      } finally {
        await setup.close();
      }
      const n = 30;
      const json = JSON.stringify(options);
      await Promise.all(
        ['a', 'b'].map((writer) => runChild([json, runId, writer, String(n)], 'events-child.ts')),
      );
      const store = await openStore(options);
      try {
        const events = await store.runs.events(runId, { limit: 1000 });
        assert.deepEqual(
          events.map((e) => e.seq),
          Array.from({ length: 2 * n * 3 }, (_, i) => i + 1),
        );
        // Each batch of 3 got 3 consecutive seqs, in order: no interleaving inside a batch.
        const byBatch = new Map<string, number[]>();
        for (const e of events) {
          const d = e.data as { writer: string; batch: number; i: number };
          const key = `${d.writer}/${d.batch}`;
          byBatch.set(key, [...(byBatch.get(key) ?? []), e.seq - d.i]);
        }
        assert.equal(byBatch.size, 2 * n);
        for (const [key, starts] of byBatch) assert.equal(new Set(starts).size, 1, `batch ${key} is split`);
        const run = await store.db
          .selectFrom('runs')
          .select('event_seq')
          .where('id', '=', runId)
          .executeTakeFirstOrThrow();
        assert.equal(Number(run.event_seq), 2 * n * 3);
      } finally {
        await store.close();
      }
    });
  });

  describe('atomic completion and takeover', () => {
    test('complete stores the results and finishes the run in one step, once', async () => {
      const { store } = await ctx.track();
      const runId = await runningRun(store);
      const done = await store.runs.complete(runId, {
        workerId: 'w1',
        status: 'failed',
        results: [result('contract', 'passed', [exchange('e1')]), result('health', 'failed')],
        actor: 'worker',
      });
      assert.equal(done.status, 'failed');
      assert.ok(done.finishedAt);
      const stored = await store.results.ofRun(runId);
      assert.deepEqual(
        stored.map((r) => [r.checkId, r.outcome]),
        [
          ['contract', 'passed'],
          ['health', 'failed'],
        ],
      );
      assert.equal((await store.results.evidence(stored[0]!.id))?.exchanges[0]?.id, 'e1');
      // The hash covers exactly the stored results: recomputing it over them gives the same value.
      assert.equal(done.evidenceHash, await computeEvidenceHash(store.db, runId));
      const actions = (await store.audit.list({ subject: runId })).map((e) => e.action);
      assert.deepEqual(actions, ['run.created', 'run.started', 'run.results.stored', 'run.finished']);

      await assert.rejects(
        store.runs.complete(runId, { workerId: 'w1', status: 'passed', results: [], actor: 'worker' }),
        code('run.finished'),
      );
      await assert.rejects(
        store.results.add(runId, [result('late', 'passed')], { actor: 'worker' }),
        code('run.finished'),
      );
      assert.equal((await store.results.ofRun(runId)).length, 2);
    });

    test('a non-owner cannot complete or add results, and leaves nothing behind', async () => {
      const { store } = await ctx.track();
      const runId = await runningRun(store);
      const auditBefore = (await store.audit.list({ limit: 1000 })).length;
      await assert.rejects(
        store.runs.complete(runId, {
          workerId: 'w2',
          status: 'passed',
          results: [result('contract', 'passed', [exchange('e1')])],
          actor: 'worker',
        }),
        code('run.not-owner'),
      );
      await assert.rejects(
        store.results.add(runId, [result('contract', 'passed')], { workerId: 'w2', actor: 'worker' }),
        code('run.not-owner'),
      );
      assert.deepEqual(await store.results.ofRun(runId), []);
      const evidenceRows = await store.db.selectFrom('evidence').select('result_id').execute();
      assert.deepEqual(evidenceRows, []);
      const run = await store.runs.get(runId);
      assert.equal(run?.status, 'running');
      assert.equal(run?.evidenceHash, null);
      assert.equal((await store.audit.list({ limit: 1000 })).length, auditBefore);

      // Results on a queued or interrupted run are refused: nothing half-written appears.
      const { onboarding } = await seed(store, 'Queued');
      const queued = await store.runs.create({ onboardingId: onboarding.id, stage: 'sandbox', actor: 'op' });
      await assert.rejects(
        store.results.add(queued.id, [result('contract', 'passed')], { actor: 'w' }),
        code('run.not-running'),
      );
      await assert.rejects(
        store.runs.complete(queued.id, { status: 'passed', results: [], actor: 'w' }),
        code('run.not-running'),
      );
    });

    test('a stale run is taken over (audited); a fresh one is not; the stale worker can no longer write', async () => {
      const clock = fakeClock();
      const { store } = await ctx.track({ now: clock.now });
      const runId = await runningRun(store);
      clock.advance(30_000);
      assert.equal(await store.runs.heartbeat(runId, 'w1'), true);
      clock.advance(50_000);
      assert.equal(
        await store.runs.start(runId, { workerId: 'w2', staleMs: 60_000, actor: 'worker' }),
        undefined,
        'a heartbeat 50 s old is fresh at staleMs 60 s',
      );
      assert.equal((await store.runs.get(runId))?.workerId, 'w1');
      clock.advance(20_000);
      // Two workers race to take it over: exactly one wins.
      const [a, b] = await Promise.all(
        ['w2', 'w3'].map((w) => store.runs.start(runId, { workerId: w, staleMs: 60_000, actor: w })),
      );
      const taken = a ?? b;
      assert.ok(taken, 'a stale run is taken');
      assert.ok(!(a && b), 'by one worker only');
      assert.equal(taken.status, 'running');
      assert.equal(taken.attempts, 2);
      const events = await store.audit.list({ subject: runId });
      const interrupted = events.filter((e) => e.action === 'run.interrupted');
      assert.equal(interrupted.length, 1);
      assert.deepEqual(interrupted[0]!.payload, {
        workerId: 'w1',
        heartbeatAt: new Date(T0 + 30_000).toISOString(),
        attempts: 1,
        takenOverBy: taken.workerId,
      });
      assert.deepEqual(
        events.slice(-2).map((e) => e.action),
        ['run.interrupted', 'run.started'],
      );

      // The old worker wakes up: every write is refused.
      assert.equal(await store.runs.heartbeat(runId, 'w1'), false);
      await assert.rejects(
        store.results.add(runId, [result('contract', 'passed')], { workerId: 'w1', actor: 'w1' }),
        code('run.not-owner'),
      );
      await assert.rejects(
        store.runs.complete(runId, { workerId: 'w1', status: 'passed', results: [], actor: 'w1' }),
        code('run.not-owner'),
      );
      const done = await store.runs.complete(runId, {
        workerId: taken.workerId!,
        status: 'passed',
        results: [result('contract', 'passed')],
        actor: 'worker',
      });
      assert.equal(done.status, 'passed');
      await assert.rejects(
        store.runs.complete(runId, { workerId: 'w1', status: 'passed', results: [], actor: 'w1' }),
        code('run.not-owner'),
        'finished by its new owner: still not the old one',
      );
      assert.equal((await store.audit.verify()).ok, true);
    });

    test('takeover without a heartbeat goes by the start time; marked interrupted, the worker may not write', async () => {
      const clock = fakeClock();
      const { store } = await ctx.track({ now: clock.now });
      const runId = await runningRun(store);
      await sql`update runs set heartbeat_at = null where id = ${runId}`.execute(store.db);
      clock.advance(59_000);
      assert.equal(
        await store.runs.start(runId, { workerId: 'w2', staleMs: 60_000, actor: 'w2' }),
        undefined,
      );
      clock.advance(2_000);
      const reaped = await store.runs.interruptStale({ staleMs: 60_000, actor: 'reaper' });
      assert.deepEqual(
        reaped.map((r) => r.id),
        [runId],
      );
      await assert.rejects(
        store.runs.complete(runId, { workerId: 'w1', status: 'passed', results: [], actor: 'w1' }),
        code('run.not-owner'),
      );
      await assert.rejects(
        store.results.add(runId, [result('x', 'passed')], { actor: 'w1' }),
        code('run.not-running'),
      );
      await assert.rejects(
        store.runs.start(runId, { workerId: 'w2', staleMs: -1, actor: 'w2' }),
        code('run.stale-ms'),
      );
      const retried = await store.runs.start(runId, { workerId: 'w2', staleMs: 60_000, actor: 'w2' });
      assert.equal(retried?.attempts, 2);
    });
  });

  describe('readiness', () => {
    test('ping answers while the database does, and fails once it is closed', async () => {
      const options = await ctx.backend.fresh();
      const store = await openStore(options);
      await store.ping();
      await store.close();
      await assert.rejects(store.ping());
    });
  });

  listingCases(ctx);
}
