// The one contract suite every JobQueue implementation must pass (embedded SQLite and PostgreSQL).
// Times are scaled down (test/jobs/targets.ts); each test uses its own job names, so tests sharing a
// database never take each other's jobs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { JobQueue, JobRun } from '../../src/jobs/types.js';
import {
  type ChildWorker,
  killChild,
  record,
  sleep,
  spawnChildWorker,
  uniqueName,
  waitFor,
} from './helpers.js';
import { openQueue, type TargetConfig, TUNING } from './targets.js';

/** What a target provides to the suite. */
export interface ContractTarget {
  config: TargetConfig;
  /** How late a delayed job may start and still be "on time". */
  toleranceMs: number;
  teardown(): Promise<void>;
}

/** Registers the contract suite for one implementation. */
export function describeJobQueueContract(label: string, setup: () => Promise<ContractTarget>): void {
  describe(`JobQueue contract: ${label}`, () => {
    let target: ContractTarget;
    const open: JobQueue[] = [];
    const children: ChildWorker[] = [];
    /** A new queue object on the shared storage, closed after the suite. */
    const queue = (): JobQueue => {
      const q = openQueue(target.config);
      open.push(q);
      return q;
    };

    before(async () => {
      target = await setup();
    });
    after(async () => {
      for (const child of children) await killChild(child);
      for (const q of open) await q.close({ timeoutMs: 100 });
      await target?.teardown();
    });

    test('due jobs run by priority (smaller first), later ones by runAt', async (t) => {
      const q = queue();
      const name = uniqueName('order');
      const seen: string[] = [];
      const past = new Date(Date.now() - 1000);
      // Already due when the worker starts: priority decides.
      await q.add(name, 'p5', { runAt: past, priority: 5 });
      await q.add(name, 'p-1', { runAt: past, priority: -1 });
      await q.add(name, 'p0', { runAt: past });
      await q.start({ [name]: (job) => void seen.push(String(job.payload)) }, { concurrency: 1 });
      await waitFor(() => seen.length === 3, 'the three due jobs');
      // Added out of order while running: each becomes due in turn.
      const now = Date.now();
      await q.add(name, 'c', { runAt: new Date(now + 450) });
      await q.add(name, 'a', { runAt: new Date(now + 150) });
      await q.add(name, 'b', { runAt: new Date(now + 300) });
      await waitFor(() => seen.length === 6, 'six jobs');
      assert.deepEqual(seen, ['p-1', 'p0', 'p5', 'a', 'b', 'c']);
      await q.stop();
      t.diagnostic(`order: ${seen.join(' ')}`);
    });

    test('a live worker keeps a job that runs longer than the lease; no other worker takes it', async () => {
      const name = uniqueName('long');
      const q1 = queue();
      const q2 = queue();
      const events1 = record(q1);
      const events2 = record(q2);
      const handler = () => sleep(TUNING.leaseMs + 900);
      await q1.start({ [name]: handler }, { workerId: uniqueName('keeper') });
      await q1.add(name, null);
      await waitFor(() => events1.started.length === 1, 'the long job to start');
      await q2.start({ [name]: handler }, { workerId: uniqueName('thief') });
      await waitFor(() => events1.completed.length === 1, 'the long job to finish', 10_000);
      await sleep(200);
      assert.equal(events2.started.length, 0, 'the second worker never ran it');
      assert.equal(events1.started.length, 1);
      await Promise.all([q1.stop(), q2.stop()]);
    });

    test('delayed jobs start at their runAt, within the tolerance, never early', async (t) => {
      const q = queue();
      const events = record(q);
      const name = uniqueName('delay');
      await q.start({ [name]: () => {} }, { concurrency: 2 });
      const delays = [200, 350, 500, 650, 800];
      for (const ms of delays) await q.add(name, { ms }, { runAt: new Date(Date.now() + ms) });
      await waitFor(() => events.completed.length === delays.length, 'all delayed jobs');
      const lateness = events.started.map((e) => e.startedAt.getTime() - e.runAt.getTime());
      t.diagnostic(`lateness ms: ${lateness.join(', ')} (max ${Math.max(...lateness)})`);
      for (const late of lateness) {
        assert.ok(late >= -5, `started ${-late} ms early`);
        assert.ok(late <= target.toleranceMs, `started ${late} ms late (tolerance ${target.toleranceMs} ms)`);
      }
      await q.stop();
    });

    test('a keyed job is re-scheduled by replace, keeps its time with preserve, is cancelled by remove', async () => {
      const q = queue();
      const name = uniqueName('escalate');
      const runs: { payload: unknown; at: number }[] = [];
      await q.start({ [name]: (job) => void runs.push({ payload: job.payload, at: Date.now() }) });
      const t0 = Date.now();
      const first = await q.add(name, { level: 1 }, { key: 'incident-1:ack', runAt: new Date(t0 + 200) });
      const second = await q.add(name, { level: 2 }, { key: 'incident-1:ack', runAt: new Date(t0 + 600) });
      assert.equal(second.id, first.id, 'replace keeps one job');
      await q.add(name, { level: 'kept' }, { key: 'incident-2:ack', runAt: new Date(t0 + 300) });
      await q.add(
        name,
        { level: 'new payload' },
        { key: 'incident-2:ack', keyMode: 'preserve', runAt: new Date(t0 + 5000) },
      );
      await q.add(name, { level: 'cancelled' }, { key: 'incident-3:ack', runAt: new Date(t0 + 250) });
      assert.equal(await q.remove('incident-3:ack'), true);
      assert.equal(await q.remove('incident-3:ack'), false, 'nothing left to remove');
      await waitFor(() => runs.length >= 2, 'the two keyed jobs');
      await sleep(300);
      assert.deepEqual(
        runs.map((r) => r.payload),
        [{ level: 'new payload' }, { level: 2 }],
      );
      assert.ok((runs[0]?.at ?? 0) - t0 < 2000, 'preserve kept the early runAt');
      assert.ok((runs[1]?.at ?? 0) - t0 >= 600, 'replace moved the runAt later');
      await q.stop();
    });

    test('a running keyed job that is removed finishes its attempt but is never retried; the key is free', async () => {
      const q = queue();
      const events = record(q);
      const name = uniqueName('removed');
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const payloads: unknown[] = [];
      await q.start(
        {
          [name]: async (job) => {
            payloads.push(job.payload);
            if (job.payload === 'first') {
              await gate;
              throw new Error('failed after the removal');
            }
          },
        },
        { concurrency: 2 },
      );
      await q.add(name, 'first', { key: 'incident-5:notify', maxAttempts: 5 });
      await waitFor(() => events.started.length === 1, 'the first job to start');
      assert.equal(await q.remove('incident-5:notify'), true);
      // The key is free again: a new job takes it while the old one is still running.
      await q.add(name, 'second', { key: 'incident-5:notify' });
      await waitFor(() => events.completed.length === 1, 'the second job');
      release();
      await waitFor(() => events.failed.length === 1, 'the removed job to fail');
      assert.equal(events.failed[0]?.retryAt, null, 'a removed job is not retried');
      await sleep(TUNING.backoff.initialMs * 3);
      assert.deepEqual(payloads, ['first', 'second']);
      await q.stop();
    });

    test('a job that repeats runs again under its key; a removal or a newer add while it runs wins', async () => {
      const q = queue();
      const name = uniqueName('repeat');
      const runs: { key: string; n: number }[] = [];
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      await q.start(
        {
          [name]: async (job) => {
            const p = job.payload as { key: string; n: number; hold?: boolean };
            runs.push({ key: p.key, n: p.n });
            if (p.hold) await gate;
            // Each job asks for three runs in all.
            if (p.n < 3)
              return { repeat: { runAt: new Date(Date.now() + 20), payload: { key: p.key, n: p.n + 1 } } };
          },
        },
        { concurrency: 4 },
      );
      await q.add(name, { key: 'plain', n: 1 }, { key: 'repeat:plain' });
      // Removed while running: it does not come back.
      await q.add(name, { key: 'removed', n: 1, hold: true }, { key: 'repeat:removed' });
      // Replaced while running by a newer add: the newer job runs (n 10, no repeat), the old repeat is dropped.
      await q.add(name, { key: 'replaced', n: 1, hold: true }, { key: 'repeat:replaced' });
      await waitFor(() => runs.filter((r) => r.n === 1).length === 3, 'the three first runs');
      assert.equal(await q.remove('repeat:removed'), true);
      await q.add(name, { key: 'replaced', n: 10 }, { key: 'repeat:replaced' });
      release();
      await waitFor(() => runs.filter((r) => r.key === 'plain').length === 3, 'three runs of the plain job');
      await sleep(300);
      const of = (key: string) => runs.filter((r) => r.key === key).map((r) => r.n);
      assert.deepEqual(of('plain'), [1, 2, 3]);
      assert.deepEqual(of('removed'), [1]);
      assert.deepEqual(of('replaced'), [1, 10]);
      await q.stop();
    });

    test('a failing job is retried with exponential backoff and attempt numbers', async (t) => {
      const q = queue();
      const events = record(q);
      const name = uniqueName('retry');
      const attempts: number[] = [];
      await q.start({
        [name]: (job) => {
          attempts.push(job.attempt);
          if (job.attempt < 3) throw new Error(`boom ${job.attempt}`);
        },
      });
      await q.add(name, null, { maxAttempts: 5 });
      await waitFor(() => events.completed.length === 1, 'the third attempt to succeed');
      assert.deepEqual(attempts, [1, 2, 3]);
      assert.deepEqual(
        events.failed.map((f) => f.error),
        ['boom 1', 'boom 2'],
      );
      const starts = events.started.map((e) => e.startedAt.getTime());
      const gaps = starts.slice(1).map((s, i) => s - (starts[i] ?? 0));
      t.diagnostic(`gaps between attempts ms: ${gaps.join(', ')} (backoff 100, 200)`);
      assert.ok((gaps[0] ?? 0) >= TUNING.backoff.initialMs - 5, `first backoff ${gaps[0]} ms`);
      assert.ok(
        (gaps[1] ?? 0) >= TUNING.backoff.initialMs * TUNING.backoff.factor - 5,
        `second ${gaps[1]} ms`,
      );
      assert.ok((gaps[1] ?? 0) > (gaps[0] ?? 0), 'the backoff grows');
      await q.stop();
    });

    test('a failure that says when to come back (retryAfterMs) waits that long, not the backoff', async () => {
      const q = queue();
      const events = record(q);
      const name = uniqueName('retry-after');
      await q.start({
        [name]: (job) => {
          if (job.attempt === 1) throw Object.assign(new Error('429'), { retryAfterMs: 900 });
        },
      });
      await q.add(name, null, { maxAttempts: 3 });
      await waitFor(() => events.completed.length === 1, 'the second attempt');
      const [first, second] = events.started.map((e) => e.startedAt.getTime());
      const gap = (second ?? 0) - (first ?? 0);
      assert.ok(
        gap >= 890,
        `retried after ${gap} ms, before the 900 ms asked (backoff ${TUNING.backoff.initialMs})`,
      );
      const retryAt = events.failed[0]?.retryAt?.getTime() ?? 0;
      assert.ok(retryAt - (first ?? 0) >= 890, 'job:failed reports the later retry time');
      await q.stop();
    });

    test('a job fails permanently after maxAttempts and is not run again', async () => {
      const q = queue();
      const events = record(q);
      const name = uniqueName('doomed');
      await q.start({
        [name]: () => {
          throw new Error('always');
        },
      });
      await q.add(name, null, { maxAttempts: 2 });
      await waitFor(() => events.failed.length === 2, 'two failures');
      assert.ok(events.failed[0]?.retryAt instanceof Date, 'the first failure is retried');
      assert.equal(events.failed[1]?.retryAt, null, 'the second is final');
      await sleep(TUNING.backoff.initialMs * 4 + 200);
      assert.equal(events.started.length, 2);
      await q.stop();
    });

    test('stop waits for running jobs; one that outlives the bound is released and runs again', async () => {
      const q1 = queue();
      const events1 = record(q1);
      const quick = uniqueName('quick');
      const stuck = uniqueName('stuck');
      let quickDone = false;
      let aborted = false;
      await q1.start(
        {
          [quick]: async () => {
            await sleep(150);
            quickDone = true;
          },
          [stuck]: async (job: JobRun) => {
            job.signal.addEventListener('abort', () => {
              aborted = true;
            });
            await new Promise(() => {});
          },
        },
        { concurrency: 2 },
      );
      await q1.add(quick, null);
      await q1.add(stuck, null);
      await waitFor(() => events1.started.length === 2, 'both jobs started');
      await q1.stop({ timeoutMs: 400 });
      assert.equal(quickDone, true, 'stop waited for the quick job');
      assert.equal(aborted, true, 'the stuck job was told to abort');
      assert.deepEqual(
        events1.released.map((e) => e.name),
        [stuck],
      );
      const q2 = queue();
      const events2 = record(q2);
      await q2.start({ [stuck]: () => {} });
      await waitFor(() => events2.completed.length === 1, 'the released job to run again');
      assert.equal(events2.completed[0]?.attempt, 2);
      await q2.stop();
    });

    test('a delayed job survives a restart and fires once; jobs due while down run at once', async (t) => {
      const name = uniqueName('durable');
      const q1 = queue();
      const events1 = record(q1);
      await q1.start({ [name]: () => {} });
      const fireAt = Date.now() + 700;
      await q1.add(name, 'timer', { runAt: new Date(fireAt), key: 'incident-9:ack' });
      await q1.add(name, 'due-while-down', { runAt: new Date(Date.now() + 150) });
      // Stop before either is due and drop the object, as a service shut down between trigger and deadline.
      await sleep(50);
      await q1.close();
      await sleep(250);
      const q2 = queue();
      const events2 = record(q2);
      const restartedAt = Date.now();
      await q2.start({ [name]: () => {} });
      await waitFor(() => events2.completed.length === 2, 'both jobs after the restart');
      await sleep(400);
      assert.equal(events1.started.length, 0, 'nothing ran before the restart');
      assert.equal(events2.started.length, 2, 'each job ran exactly once');
      const [down, timer] = events2.started;
      assert.ok(down && timer);
      const catchUp = down.startedAt.getTime() - restartedAt;
      const late = timer.startedAt.getTime() - fireAt;
      t.diagnostic(`catch-up after restart: ${catchUp} ms; timer lateness: ${late} ms`);
      assert.ok(catchUp < 1000, `job due while down ran ${catchUp} ms after start`);
      assert.ok(late >= -5 && late <= target.toleranceMs, `timer fired ${late} ms off its runAt`);
      await q2.stop();
    });

    for (const sameId of [false, true]) {
      const how = sameId ? 'the same worker id restarted' : 'another worker, once the lease expired';
      test(`a worker killed with SIGKILL mid-job: ${how} takes the job again (attempt 2)`, async (t) => {
        const name = uniqueName('crash');
        const producer = queue();
        const added = await producer.add(name, { run: 'long' });
        const childId = uniqueName('child');
        const child = spawnChildWorker(target.config, name, childId);
        children.push(child);
        await waitFor(
          () => child.lines.some((l) => l.startsWith('started ')),
          `the child to start the job (stderr: ${child.stderr.join('\n')})`,
          30_000,
        );
        assert.equal(
          child.lines.find((l) => l.startsWith('started ')),
          `started ${added.id} 1`,
        );
        await killChild(child);
        const killedAt = Date.now();
        const rescuer = queue();
        const events = record(rescuer);
        await rescuer.start({ [name]: () => {} }, { workerId: sameId ? childId : uniqueName('rescuer') });
        await waitFor(() => events.completed.length === 1, 'the job to be taken again', 15_000);
        const pickup = (events.started[0]?.startedAt.getTime() ?? 0) - killedAt;
        t.diagnostic(`picked up ${pickup} ms after SIGKILL (lease ${TUNING.leaseMs} ms)`);
        assert.equal(events.started.length, 1);
        assert.equal(events.started[0]?.id, added.id);
        assert.equal(events.started[0]?.attempt, 2);
        if (sameId) assert.ok(pickup < TUNING.leaseMs, 'a restarted worker does not wait for its old lease');
        else assert.ok(pickup >= TUNING.leaseMs - 400, 'a live lease was not stolen early');
        await rescuer.stop();
      });
    }
  });
}
