// The embedded job queue: jobs persisted in SQLite, run in this process. One timer is armed for the
// next due job (re-armed on every change), not one per job; a slow sweep releases expired leases and
// notices jobs added by another process sharing the file. Leases are renewed by a heartbeat, so a
// job whose process died is released once its lease expires (or at once when a worker with the same
// id starts again) and runs again with a higher attempt number.
import { randomBytes } from 'node:crypto';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { GangwayError } from '../../core/errors.js';
import {
  DEFAULT_BACKOFF,
  DEFAULT_LEASE_MS,
  DEFAULT_STOP_TIMEOUT_MS,
  failureText,
  JobEvents,
  MAX_TIMER_MS,
  normaliseAdd,
  normaliseStart,
  retryDelay,
} from '../common.js';
import type {
  AddedJob,
  AddJobOptions,
  BackoffPolicy,
  JobEventMap,
  JobEventName,
  JobHandlers,
  JobOutcome,
  JobQueue,
  StartOptions,
  StopOptions,
} from '../types.js';
import { migrateJobTables } from './migrations.js';
import { type ClaimedRow, type JobStatements, prepareStatements } from './statements.js';

/** Options of {@link createSqliteJobQueue}. */
export interface SqliteJobQueueOptions {
  /** A better-sqlite3 database the caller owns, or a file path the queue opens (WAL) and closes. */
  database: Database | string;
  /** How long a running job stays locked without a heartbeat (default 30 s). */
  leaseMs?: number;
  /** How often running jobs' leases are renewed (default leaseMs / 3). */
  heartbeatMs?: number;
  /** Sweep for expired leases and other processes' jobs (default 1 s). */
  pollIntervalMs?: number;
  backoff?: BackoffPolicy;
}

interface Running {
  id: number;
  name: string;
  attempt: number;
  controller: AbortController;
  done: Promise<void>;
  /** Set when stop gave up waiting: the lock is already released, the outcome is ignored. */
  abandoned: boolean;
}

/**
 * Queue objects of this process by database file: an add through one wakes the others at once (another process
 * sharing the file is noticed on the sweep). A process may run two lanes on one file, e.g. stage runs and
 * operations with their own concurrency.
 */
const SIBLINGS = new Map<string, Set<SqliteJobQueue>>();

/** Opens (or adopts) the database and returns the embedded queue; the tables are migrated at once. */
export function createSqliteJobQueue(options: SqliteJobQueueOptions): JobQueue {
  return new SqliteJobQueue(options);
}

class SqliteJobQueue implements JobQueue {
  readonly kind = 'sqlite' as const;
  readonly #db: Database;
  readonly #ownsDb: boolean;
  readonly #file: string;
  readonly #sql: JobStatements;
  readonly #events = new JobEvents();
  readonly #leaseMs: number;
  readonly #heartbeatMs: number;
  readonly #pollIntervalMs: number;
  readonly #backoff: BackoffPolicy;
  #state: 'idle' | 'running' | 'stopping' | 'closed' = 'idle';
  #handlers: JobHandlers = {};
  #names = '[]';
  #concurrency = 1;
  #workerId = '';
  #token = '';
  readonly #active = new Map<number, Running>();
  #timer: NodeJS.Timeout | undefined;
  #pumpQueued = false;
  #intervals: NodeJS.Timeout[] = [];

  constructor(options: SqliteJobQueueOptions) {
    if (typeof options.database === 'string') {
      this.#db = new BetterSqlite3(options.database);
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('busy_timeout = 5000');
      // In WAL mode NORMAL survives a process crash (kill -9); only an OS crash may lose the last commits.
      this.#db.pragma('synchronous = NORMAL');
      this.#ownsDb = true;
    } else {
      this.#db = options.database;
      this.#ownsDb = false;
    }
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.#heartbeatMs = options.heartbeatMs ?? Math.max(10, Math.floor(this.#leaseMs / 3));
    this.#pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    migrateJobTables(this.#db);
    this.#sql = prepareStatements(this.#db);
    this.#file = this.#db.name;
    const siblings = SIBLINGS.get(this.#file) ?? new Set();
    siblings.add(this);
    SIBLINGS.set(this.#file, siblings);
  }

  /** Looks for work in every queue object of this process on the same file (the job may be theirs). */
  #wakeAll(): void {
    for (const queue of SIBLINGS.get(this.#file) ?? [this]) queue.#schedulePump();
  }

  async add(name: string, payload: unknown, options: AddJobOptions = {}): Promise<AddedJob> {
    this.#assertOpen();
    const now = Date.now();
    const job = normaliseAdd(name, payload, options, new Date(now));
    const sql = this.#sql;
    const write = this.#db.transaction((): AddedJob => {
      let runAt = job.runAt.getTime();
      const existing = job.key === null ? undefined : sql.byKey.get(job.key);
      if (existing && existing.locked_by === null) {
        // As graphile-worker: only a job never attempted keeps its time (a retry's time is a backoff).
        if (job.keyMode === 'preserve' && existing.attempts === 0) runAt = existing.run_at;
        sql.update.run(name, job.payloadJson, runAt, job.priority, job.maxAttempts, now, existing.id);
        return { id: String(existing.id), name, key: job.key, runAt: new Date(runAt) };
      }
      // The running holder keeps running without its key; the new job takes the key.
      if (existing) sql.detachKey.run(now, existing.id);
      const row = sql.insert.get(
        name,
        job.payloadJson,
        job.key,
        runAt,
        job.priority,
        job.maxAttempts,
        now,
        now,
      );
      return { id: String(row?.id), name, key: job.key, runAt: new Date(runAt) };
    });
    const added = write.immediate();
    this.#wakeAll();
    return added;
  }

  async remove(key: string): Promise<boolean> {
    this.#assertOpen();
    const sql = this.#sql;
    const removed = this.#db.transaction((): boolean => {
      const existing = sql.byKey.get(key);
      if (!existing) return false;
      if (existing.locked_by === null) sql.deleteById.run(existing.id);
      else sql.stopRetrying.run(Date.now(), existing.id);
      return true;
    });
    const result = removed.immediate();
    this.#wakeAll();
    return result;
  }

  async start(handlers: JobHandlers, options: StartOptions = {}): Promise<void> {
    this.#assertOpen();
    if (this.#state !== 'idle')
      throw new GangwayError('jobs.already-started', 'the job queue is already started');
    const { concurrency, workerId } = normaliseStart(options);
    this.#handlers = handlers;
    this.#names = JSON.stringify(Object.keys(handlers));
    this.#concurrency = concurrency;
    this.#workerId = workerId;
    this.#token = `${workerId}:${randomBytes(6).toString('hex')}`;
    // A worker with our id that left locks behind is dead (ids are unique among live workers).
    this.#sql.releaseWorker.run(workerId);
    this.#sql.releaseExpired.run(Date.now());
    this.#state = 'running';
    this.#intervals = [
      setInterval(() => this.#renewLeases(), this.#heartbeatMs),
      setInterval(() => this.#sweep(), this.#pollIntervalMs),
    ];
    for (const interval of this.#intervals) interval.unref();
    this.#pump();
  }

  async stop(options: StopOptions = {}): Promise<void> {
    if (this.#state !== 'running') return;
    this.#state = 'stopping';
    this.#clearTimer();
    const timeoutMs = options.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    let graceTimer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      graceTimer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.all([...this.#active.values()].map((job) => job.done)), grace]);
    clearTimeout(graceTimer);
    for (const job of this.#active.values()) {
      job.abandoned = true;
      job.controller.abort(new GangwayError('jobs.stopped', 'the job queue stopped'));
      this.#guard(() => this.#sql.release.run(Date.now(), job.id, this.#token));
      this.#events.emit('job:released', {
        id: String(job.id),
        name: job.name,
        attempt: job.attempt,
        workerId: this.#workerId,
      });
    }
    this.#active.clear();
    for (const interval of this.#intervals) clearInterval(interval);
    this.#intervals = [];
    this.#state = 'idle';
  }

  on<E extends JobEventName>(event: E, listener: (event: JobEventMap[E]) => void): () => void {
    return this.#events.on(event, listener);
  }

  async close(options: StopOptions = {}): Promise<void> {
    if (this.#state === 'closed') return;
    await this.stop(options);
    this.#state = 'closed';
    SIBLINGS.get(this.#file)?.delete(this);
    if (SIBLINGS.get(this.#file)?.size === 0) SIBLINGS.delete(this.#file);
    if (this.#ownsDb) this.#db.close();
  }

  #assertOpen(): void {
    if (this.#state === 'closed') throw new GangwayError('jobs.closed', 'the job queue is closed');
  }

  /** Coalesces the many reasons to look for work into one pass on the next turn. */
  #schedulePump(): void {
    if (this.#state !== 'running' || this.#pumpQueued) return;
    this.#pumpQueued = true;
    setImmediate(() => {
      this.#pumpQueued = false;
      this.#pump();
    });
  }

  /** Claims due jobs up to the concurrency (one statement for all free slots), then arms the timer for the next one. */
  #pump(): void {
    if (this.#state !== 'running') return;
    this.#clearTimer();
    const ok = this.#guard(() => {
      let free = this.#concurrency - this.#active.size;
      if (free <= 0) return;
      const now = Date.now();
      // A read first: an empty claim is still a write transaction, and most pumps find nothing due yet.
      const first = this.#sql.nextDue.get(this.#names);
      if (!first) return;
      if (first.run_at > now) {
        this.#armTimer(first.run_at - now);
        return;
      }
      // Smaller priorities first; within one, by due time (RETURNING follows no order: sorted here).
      for (let p = this.#sql.nextPriority.get(Number.MIN_SAFE_INTEGER); p && free > 0; ) {
        const rows = this.#sql.claim.all(
          this.#workerId,
          this.#token,
          now + this.#leaseMs,
          now,
          p.priority,
          now,
          this.#names,
          free,
        );
        rows.sort((a, b) => a.run_at - b.run_at || a.id - b.id);
        for (const row of rows) this.#run(row);
        free -= rows.length;
        p = this.#sql.nextPriority.get(p.priority);
      }
      if (free === 0) return; // every slot taken: the next completion pumps again
      const next = this.#sql.nextDue.get(this.#names);
      // A job due already was added by another process sharing the file between the two statements.
      if (next) this.#armTimer(next.run_at - Date.now());
    });
    // A failing database (locked too long, disk full) is retried on the sweep's rhythm.
    if (!ok) this.#armTimer(this.#pollIntervalMs);
  }

  #armTimer(delayMs: number): void {
    this.#clearTimer();
    this.#timer = setTimeout(() => this.#pump(), Math.min(MAX_TIMER_MS, Math.max(0, delayMs)));
    this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #run(row: ClaimedRow): void {
    const handler = this.#handlers[row.name];
    const controller = new AbortController();
    const startedAt = Date.now();
    const job: Running = {
      id: row.id,
      name: row.name,
      attempt: row.attempts,
      controller,
      done: Promise.resolve(),
      abandoned: false,
    };
    this.#active.set(row.id, job);
    const id = String(row.id);
    const workerId = this.#workerId;
    this.#events.emit('job:started', {
      id,
      name: row.name,
      attempt: row.attempts,
      workerId,
      runAt: new Date(row.run_at),
      startedAt: new Date(startedAt),
    });
    job.done = (async () => {
      let failure: unknown;
      let failed = false;
      let outcome: JobOutcome | undefined;
      try {
        if (!handler) throw new GangwayError('jobs.no-handler', `no handler for job "${row.name}"`);
        outcome =
          (await handler({
            id,
            name: row.name,
            payload: JSON.parse(row.payload) as unknown,
            attempt: row.attempts,
            maxAttempts: row.max_attempts,
            signal: controller.signal,
          })) ?? undefined;
      } catch (error) {
        failed = true;
        failure = error;
      }
      if (job.abandoned) return;
      this.#active.delete(row.id);
      if (failed) this.#recordFailure(row, failure, workerId);
      else {
        this.#guard(() => this.#finish(row.id, outcome));
        this.#events.emit('job:completed', {
          id,
          name: row.name,
          attempt: row.attempts,
          workerId,
          durationMs: Date.now() - startedAt,
        });
      }
      this.#schedulePump();
    })();
  }

  /** Deletes a completed job, or re-arms it in place when it repeats and still holds its key. */
  #finish(id: number, outcome: JobOutcome | undefined): void {
    const repeat = outcome?.repeat;
    if (repeat) {
      const payload = JSON.stringify(repeat.payload ?? null);
      const now = Date.now();
      if (this.#sql.repeat.run(repeat.runAt.getTime(), payload, now, id, this.#token).changes > 0) return;
    }
    this.#sql.complete.run(id, this.#token);
  }

  #recordFailure(row: ClaimedRow, failure: unknown, workerId: string): void {
    const now = Date.now();
    const error = failureText(failure);
    let retryAt: Date | null = null;
    this.#guard(() => {
      const at = now + retryDelay(this.#backoff, row.attempts, failure);
      const retried = this.#sql.retry.run(at, error, now, row.id, this.#token).changes > 0;
      if (retried) retryAt = new Date(at);
      else this.#sql.failPermanently.run(error, now, now, row.id, this.#token);
    });
    this.#events.emit('job:failed', {
      id: String(row.id),
      name: row.name,
      attempt: row.attempts,
      workerId,
      error,
      retryAt,
    });
  }

  #renewLeases(): void {
    if (this.#active.size === 0) return;
    this.#guard(() => this.#sql.renewLease.run(Date.now() + this.#leaseMs, this.#token));
  }

  #sweep(): void {
    if (this.#state !== 'running') return;
    this.#guard(() => this.#sql.releaseExpired.run(Date.now()));
    this.#schedulePump();
  }

  /** Runs a database step; a failure becomes a queue:error event instead of an unhandled throw. */
  #guard(step: () => void): boolean {
    try {
      step();
      return true;
    } catch (error) {
      this.#events.emit('queue:error', { error });
      return false;
    }
  }
}
