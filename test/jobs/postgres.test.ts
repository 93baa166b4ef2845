// The job queue contract on graphile-worker over a real, throw-away PostgreSQL, plus what only the
// scaled mode promises: several workers share the jobs and never run one twice at the same time.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createPostgresJobQueue } from '../../src/jobs/postgres/queue.js';
import type { JobQueue } from '../../src/jobs/types.js';
import { type PgServer, startPostgres } from '../support/postgres.js';
import { describeJobQueueContract } from './contract.js';
import { sleep, uniqueName, waitFor } from './helpers.js';
import { TUNING } from './targets.js';

let server: PgServer | undefined;
let starting: Promise<PgServer> | undefined;
/** One server for both suites of this file, stopped when the last one is done. */
function pgServer(): Promise<PgServer> {
  starting ??= startPostgres().then((s) => {
    server = s;
    return s;
  });
  return starting;
}
after(async () => {
  await server?.stop();
});

describeJobQueueContract('PostgreSQL (graphile-worker)', async () => {
  const connectionString = await (await pgServer()).createDatabase();
  return { config: { kind: 'postgres', connectionString }, toleranceMs: 250, teardown: async () => {} };
});

describe('PostgreSQL job queue with several workers', () => {
  let connectionString = '';
  const queues: JobQueue[] = [];
  before(async () => {
    connectionString = await (await pgServer()).createDatabase();
  });
  after(async () => {
    for (const q of queues) await q.close({ timeoutMs: 100 });
  });

  test('two workers share the jobs and never run the same job twice, nor at the same time', async (t) => {
    const name = uniqueName('shared');
    const open = (): JobQueue => {
      const q = createPostgresJobQueue({ connectionString, ...TUNING });
      queues.push(q);
      return q;
    };
    const producer = open();
    const total = 60;
    for (let i = 0; i < total; i++) await producer.add(name, { i });
    const runs = new Map<string, number>();
    const running = new Set<string>();
    const overlaps: string[] = [];
    const byWorker = new Map<string, number>();
    const handler = (workerId: string) => async (job: { id: string }) => {
      if (running.has(job.id)) overlaps.push(job.id);
      running.add(job.id);
      runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
      byWorker.set(workerId, (byWorker.get(workerId) ?? 0) + 1);
      await sleep(5);
      running.delete(job.id);
    };
    const a = open();
    const b = open();
    await Promise.all([
      a.start({ [name]: handler('a') }, { concurrency: 4, workerId: 'worker-a' }),
      b.start({ [name]: handler('b') }, { concurrency: 4, workerId: 'worker-b' }),
    ]);
    await waitFor(() => runs.size === total, `${total} jobs`, 20_000);
    await sleep(300);
    t.diagnostic(`jobs per worker: a=${byWorker.get('a')} b=${byWorker.get('b')}`);
    assert.deepEqual(overlaps, []);
    assert.deepEqual(
      [...runs.values()].filter((n) => n !== 1),
      [],
      'every job ran exactly once',
    );
    assert.ok((byWorker.get('a') ?? 0) > 0 && (byWorker.get('b') ?? 0) > 0, 'both workers took jobs');
  });
});
