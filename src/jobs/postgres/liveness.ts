// What graphile-worker leaves to us on PostgreSQL:
// - Crash recovery. graphile-worker only releases a dead worker's jobs after 4 hours. Each worker
//   therefore renews a heartbeat row; any running queue releases (force_unlock_workers) the jobs of
//   workers whose heartbeat is older than the lease, and a restarted worker id releases its
//   predecessor's jobs at once.
// - Timer precision. graphile-worker finds future jobs by polling; one timer per process, armed for
//   the next due job whenever jobs change, nudges the pool at the due time instead.
import type pg from 'pg';
import { MAX_TIMER_MS } from '../common.js';

/** Creates our heartbeat table (serialised by an advisory lock so concurrent starts do not race). */
export async function migrateHeartbeats(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query("select pg_advisory_xact_lock(hashtext('gangway.job_worker_heartbeats'))");
    await client.query(
      `create table if not exists job_worker_heartbeats (
         worker_id text primary key,
         owner text not null,
         seen_at timestamptz not null default now()
       )`,
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Quotes a schema name for interpolation (graphile-worker lets the schema be configured). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Heartbeats of this process's graphile workers and the reaping of dead ones. */
export class Liveness {
  readonly #workers = new Set<string>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly owner: string,
    private readonly leaseMs: number,
  ) {}

  /** Records a graphile worker of this process (called when the pool creates it). */
  async register(workerId: string): Promise<void> {
    this.#workers.add(workerId);
    await this.pool.query(
      `insert into job_worker_heartbeats (worker_id, owner) values ($1, $2)
       on conflict (worker_id) do update set owner = excluded.owner, seen_at = now()`,
      [workerId, this.owner],
    );
  }

  /** Forgets a worker that stopped cleanly. */
  async unregister(workerId: string): Promise<void> {
    this.#workers.delete(workerId);
    await this.pool.query('delete from job_worker_heartbeats where worker_id = $1', [workerId]);
  }

  /** Releases the jobs of a previous incarnation of this owner (its process died: ids are unique). */
  async releasePredecessor(): Promise<number> {
    const { rows } = await this.pool.query<{ worker_id: string }>(
      'select worker_id from job_worker_heartbeats where owner = $1',
      [this.owner],
    );
    return this.#unlock(rows.map((r) => r.worker_id));
  }

  /** Renews our heartbeats, then releases the jobs of workers whose heartbeat expired; returns how many. */
  async beat(): Promise<number> {
    if (this.#workers.size > 0) {
      await this.pool.query('update job_worker_heartbeats set seen_at = now() where worker_id = any($1)', [
        [...this.#workers],
      ]);
    }
    const lease = `${Math.round(this.leaseMs)} milliseconds`;
    // locked_at is when the job was taken, so a worker killed before its first heartbeat is caught too.
    const { rows } = await this.pool.query<{ locked_by: string }>(
      `select distinct j.locked_by from ${quoteIdent(this.schema)}.jobs j
       where j.locked_by is not null and j.locked_at < now() - $1::interval
         and not exists (select 1 from job_worker_heartbeats h
                         where h.worker_id = j.locked_by and h.seen_at > now() - $1::interval)`,
      [lease],
    );
    const dead = rows.map((r) => r.locked_by);
    const { rows: stale } = await this.pool.query<{ worker_id: string }>(
      'delete from job_worker_heartbeats where seen_at < now() - $1::interval returning worker_id',
      [lease],
    );
    return this.#unlock([...new Set([...dead, ...stale.map((r) => r.worker_id)])]);
  }

  async #unlock(workerIds: string[]): Promise<number> {
    if (workerIds.length === 0) return 0;
    const schema = quoteIdent(this.schema);
    await this.pool.query(`select ${schema}.force_unlock_workers($1::text[])`, [workerIds]);
    await this.pool.query('delete from job_worker_heartbeats where worker_id = any($1)', [workerIds]);
    // Wake every pool: the released jobs are due now.
    await this.pool.query(`select pg_notify('jobs:insert', $1)`, [
      JSON.stringify({ count: workerIds.length }),
    ]);
    return workerIds.length;
  }
}

/** One timer for the next due job this process can run; `wake` nudges the worker pool. */
export class DueTimer {
  #timer: NodeJS.Timeout | undefined;
  #pending: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly names: string[],
    private readonly wake: () => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Re-reads the next due time and re-arms; concurrent requests collapse into one query. */
  refresh(): void {
    if (this.#stopped) return;
    if (this.#pending) {
      this.#again = true;
      return;
    }
    this.#pending = this.#arm()
      .catch(this.onError)
      .finally(() => {
        this.#pending = undefined;
        if (this.#again) {
          this.#again = false;
          this.refresh();
        }
      });
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
  }

  async #arm(): Promise<void> {
    // Measured against the database clock, which is the clock graphile-worker compares run_at with.
    const { rows } = await this.pool.query<{ ms: number | null }>(
      `select (extract(epoch from (min(run_at) - now())) * 1000)::float8 as ms
       from ${quoteIdent(this.schema)}.jobs
       where locked_at is null and attempts < max_attempts and run_at > now()
         and task_identifier = any($1)`,
      [this.names],
    );
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    const ms = rows[0]?.ms;
    if (ms === null || ms === undefined) return;
    // A couple of milliseconds late rather than early: get_job compares run_at <= now().
    this.#timer = setTimeout(
      () => {
        this.wake();
        this.refresh();
      },
      Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(ms) + 2)),
    );
    this.#timer.unref();
  }
}
