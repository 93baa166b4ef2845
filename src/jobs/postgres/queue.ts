// The scaled job queue: graphile-worker on PostgreSQL. Any number of processes share the work
// (SKIP LOCKED, LISTEN/NOTIFY); jobs keyed with add_job's job_key/job_key_mode; removal with
// remove_job. Our backoff replaces graphile-worker's fixed exp(attempts) seconds, and liveness.ts
// adds heartbeats (crash recovery in seconds, not hours) and a precise next-due timer.
import { EventEmitter } from 'node:events';
import {
  type Job,
  type JobHelpers,
  Logger,
  makeWorkerUtils,
  type Runner,
  run,
  type TaskList,
  type WorkerEvents,
  type WorkerPool,
  type WorkerUtils,
} from 'graphile-worker';
import pg from 'pg';
import { GangwayError } from '../../core/errors.js';
import {
  DEFAULT_BACKOFF,
  DEFAULT_LEASE_MS,
  DEFAULT_STOP_TIMEOUT_MS,
  delay,
  failureText,
  JobEvents,
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
  JobQueue,
  StartOptions,
  StopOptions,
} from '../types.js';
import { DueTimer, Liveness, migrateHeartbeats, quoteIdent } from './liveness.js';

/** Options of {@link createPostgresJobQueue}: a connection string (the queue owns a pool) or a pool. */
export interface PostgresJobQueueOptions {
  connectionString?: string;
  pool?: pg.Pool;
  /** Pool size when the queue creates the pool (default 10). */
  maxPoolSize?: number;
  /** graphile-worker's schema (default graphile_worker). */
  schema?: string;
  /** A worker whose heartbeat is older than this is dead; its jobs are released (default 30 s). */
  leaseMs?: number;
  heartbeatMs?: number;
  /** graphile-worker's poll for jobs it was not notified of (default 1 s); the due timer is sharper. */
  pollIntervalMs?: number;
  backoff?: BackoffPolicy;
}

/** The stored payload wraps the caller's, so arrays are never taken for graphile-worker batch jobs. */
interface StoredPayload {
  v: unknown;
}

interface Active {
  job: Job;
  controller: AbortController;
  abandoned: boolean;
}

const silentLogger = new Logger(() => () => {});

/** Returns the PostgreSQL queue; it connects and migrates on first use. */
export function createPostgresJobQueue(options: PostgresJobQueueOptions): JobQueue {
  return new PostgresJobQueue(options);
}

class PostgresJobQueue implements JobQueue {
  readonly kind = 'postgres' as const;
  readonly #options: PostgresJobQueueOptions;
  readonly #schema: string;
  readonly #leaseMs: number;
  readonly #backoff: BackoffPolicy;
  readonly #events = new JobEvents();
  #pool: pg.Pool | undefined;
  #utils: Promise<WorkerUtils> | undefined;
  #state: 'idle' | 'running' | 'stopping' | 'closed' = 'idle';
  #runner: Runner | undefined;
  #workerPool: WorkerPool | undefined;
  #dueTimer: DueTimer | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #workerId = '';
  readonly #active = new Map<string, Active>();
  /** Post-failure reschedules still in flight; stop waits for them. */
  readonly #followUps = new Set<Promise<void>>();

  constructor(options: PostgresJobQueueOptions) {
    if (!options.pool && !options.connectionString) {
      throw new GangwayError(
        'jobs.no-database',
        'the PostgreSQL job queue needs a connection string or a pool',
      );
    }
    this.#options = options;
    this.#schema = options.schema ?? 'graphile_worker';
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  async add(name: string, payload: unknown, options: AddJobOptions = {}): Promise<AddedJob> {
    this.#assertOpen();
    const job = normaliseAdd(name, payload, options, new Date());
    const utils = await this.#init();
    const stored: StoredPayload = { v: JSON.parse(job.payloadJson) as unknown };
    const added = await utils.addJob(name, stored, {
      runAt: job.runAt,
      maxAttempts: job.maxAttempts,
      priority: job.priority,
      ...(job.key === null
        ? {}
        : { jobKey: job.key, jobKeyMode: job.keyMode === 'preserve' ? 'preserve_run_at' : 'replace' }),
    });
    return { id: String(added.id), name, key: job.key, runAt: new Date(added.run_at) };
  }

  async remove(key: string): Promise<boolean> {
    this.#assertOpen();
    await this.#init();
    const { rows } = await this.#requirePool().query<{ id: string | null }>(
      `select (${quoteIdent(this.#schema)}.remove_job($1)).id as id`,
      [key],
    );
    return rows[0]?.id !== null && rows[0]?.id !== undefined;
  }

  async start(handlers: JobHandlers, options: StartOptions = {}): Promise<void> {
    this.#assertOpen();
    if (this.#state !== 'idle')
      throw new GangwayError('jobs.already-started', 'the job queue is already started');
    const { concurrency, workerId } = normaliseStart(options);
    this.#state = 'running';
    this.#workerId = workerId;
    try {
      await this.#init();
      const pool = this.#requirePool();
      const liveness = new Liveness(pool, this.#schema, workerId, this.#leaseMs);
      await liveness.releasePredecessor();
      const names = Object.keys(handlers);
      const dueTimer = new DueTimer(
        pool,
        this.#schema,
        names,
        () => this.#workerPool?.nudge(concurrency),
        (error) => this.#events.emit('queue:error', { error }),
      );
      this.#dueTimer = dueTimer;
      const events = this.#graphileEvents(liveness, dueTimer);
      this.#runner = await run({
        pgPool: pool,
        schema: this.#schema,
        taskList: this.#taskList(handlers),
        concurrency,
        noHandleSignals: true,
        pollInterval: this.#options.pollIntervalMs ?? 1_000,
        logger: silentLogger,
        events,
        // Our stop() bounds the wait itself; graphile-worker's own abort must not come first.
        gracefulShutdownAbortTimeout: 2_147_483_647,
        crontab: '',
      });
      const heartbeatMs = this.#options.heartbeatMs ?? Math.max(10, Math.floor(this.#leaseMs / 3));
      this.#heartbeat = setInterval(() => {
        liveness.beat().then(
          (released) => {
            if (released > 0) dueTimer.refresh();
          },
          (error: unknown) => this.#events.emit('queue:error', { error }),
        );
      }, heartbeatMs);
      this.#heartbeat.unref();
      dueTimer.refresh();
    } catch (error) {
      this.#state = 'idle';
      throw error;
    }
  }

  async stop(options: StopOptions = {}): Promise<void> {
    if (this.#state !== 'running' || !this.#runner) return;
    this.#state = 'stopping';
    const runner = this.#runner;
    const timeoutMs = options.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    const graceful = runner.stop().then(
      () => true,
      () => true,
    );
    const bound = new AbortController();
    const inTime = await Promise.race([graceful, delay(timeoutMs, bound.signal).then(() => false)]);
    bound.abort();
    if (!inTime) await this.#abandonRunning();
    await runner.promise.catch(() => {});
    await Promise.allSettled([...this.#followUps]);
    clearInterval(this.#heartbeat);
    this.#dueTimer?.stop();
    this.#runner = undefined;
    this.#workerPool = undefined;
    this.#active.clear();
    this.#state = 'idle';
  }

  on<E extends JobEventName>(event: E, listener: (event: JobEventMap[E]) => void): () => void {
    return this.#events.on(event, listener);
  }

  async close(options: StopOptions = {}): Promise<void> {
    if (this.#state === 'closed') return;
    await this.stop(options);
    this.#state = 'closed';
    const utils = this.#utils;
    this.#utils = undefined;
    if (utils) await (await utils.catch(() => undefined))?.release();
    if (!this.#options.pool) await this.#pool?.end();
  }

  #assertOpen(): void {
    if (this.#state === 'closed') throw new GangwayError('jobs.closed', 'the job queue is closed');
  }

  #requirePool(): pg.Pool {
    if (!this.#pool) throw new GangwayError('jobs.not-initialised', 'the job queue is not connected');
    return this.#pool;
  }

  /** Connects, migrates graphile-worker's schema and our heartbeat table, once. */
  #init(): Promise<WorkerUtils> {
    if (!this.#utils) {
      if (!this.#pool) {
        this.#pool =
          this.#options.pool ??
          new pg.Pool({
            connectionString: this.#options.connectionString,
            max: this.#options.maxPoolSize ?? 10,
          });
        this.#guardPool(this.#pool);
      }
      const pool = this.#pool;
      this.#utils = (async () => {
        const utils = await makeWorkerUtils({ pgPool: pool, schema: this.#schema, logger: silentLogger });
        await utils.migrate();
        await migrateHeartbeats(pool);
        return utils;
      })();
      this.#utils.catch(() => {
        // The caller of this first use sees the error; the next use tries again.
        this.#utils = undefined;
      });
    }
    return this.#utils;
  }

  /**
   * A dropped connection must not crash the process (the next query reconnects), and graphile-worker
   * prints a warning for a pool without these handlers: library code never prints.
   */
  #guardPool(pool: pg.Pool): void {
    const report = (error: unknown) => this.#events.emit('queue:error', { error });
    if (pool.listeners('error').length === 0) pool.on('error', report);
    if (pool.listeners('connect').length === 0) pool.on('connect', (client) => client.on('error', report));
  }

  #graphileEvents(liveness: Liveness, dueTimer: DueTimer): WorkerEvents {
    const events = new EventEmitter() as WorkerEvents;
    const report = (error: unknown) => this.#events.emit('queue:error', { error });
    // graphile-worker 0.17 locks jobs in the name of the pool (locked_by = pool id), not of its workers.
    events.on('pool:create', ({ workerPool }) => {
      this.#workerPool = workerPool;
      void liveness.register(workerPool.id).catch(report);
    });
    events.on('pool:release', ({ workerPool }) => void liveness.unregister(workerPool.id).catch(report));
    events.on('pool:listen:notification', () => dueTimer.refresh());
    events.on('job:complete', () => dueTimer.refresh());
    return events;
  }

  /** One graphile task per handler: unwraps the payload, reports events, applies our backoff. */
  #taskList(handlers: JobHandlers): TaskList {
    const tasks: TaskList = {};
    for (const [name, handler] of Object.entries(handlers)) {
      tasks[name] = async (payload: unknown, helpers: JobHelpers) => {
        const job = helpers.job;
        const controller = new AbortController();
        const forward = () => controller.abort(helpers.abortSignal.reason);
        helpers.abortSignal.addEventListener('abort', forward, { once: true });
        const active: Active = { job, controller, abandoned: false };
        this.#active.set(job.id, active);
        const startedAt = Date.now();
        const base = { id: String(job.id), name, attempt: job.attempts, workerId: this.#workerId };
        this.#events.emit('job:started', {
          ...base,
          runAt: new Date(job.run_at),
          startedAt: new Date(startedAt),
        });
        try {
          const outcome = await handler({
            id: String(job.id),
            name,
            payload: (payload as StoredPayload | null)?.v ?? null,
            attempt: job.attempts,
            maxAttempts: job.max_attempts,
            signal: controller.signal,
          });
          if (outcome?.repeat && !active.abandoned) await this.#repeat(job, name, outcome.repeat);
          if (!active.abandoned)
            this.#events.emit('job:completed', { ...base, durationMs: Date.now() - startedAt });
        } catch (error) {
          if (!active.abandoned) this.#followUp(this.#afterFailure(job, name, error));
          throw error;
        } finally {
          helpers.abortSignal.removeEventListener('abort', forward);
          this.#active.delete(job.id);
        }
      };
    }
    return tasks;
  }

  /**
   * graphile-worker deletes a job once its task returns, so a repeat is a new job under the same key — added only
   * while this job still holds the key (not removed, not replaced by a newer add, which then stands).
   */
  async #repeat(job: Job, name: string, repeat: { runAt: Date; payload: unknown }): Promise<void> {
    if (!job.key) return;
    const { rows } = await this.#requirePool().query<{ key: string | null }>(
      `select key from ${quoteIdent(this.#schema)}.jobs where id = $1`,
      [job.id],
    );
    if (rows[0]?.key !== job.key) return;
    await this.add(name, repeat.payload, {
      key: job.key,
      runAt: repeat.runAt,
      maxAttempts: job.max_attempts,
    });
  }

  #followUp(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.#events.emit('queue:error', { error }));
    this.#followUps.add(tracked);
    void tracked.finally(() => this.#followUps.delete(tracked));
  }

  /**
   * Once graphile-worker has recorded the failure (the job is unlocked again), moves its run_at from
   * graphile's exp(attempts) seconds to our backoff; a job out of attempts stays failed.
   */
  async #afterFailure(job: Job, name: string, failure: unknown): Promise<void> {
    const utils = await this.#init();
    const error = failureText(failure);
    const deadline = Date.now() + 5_000;
    const retryAt = new Date(Date.now() + retryDelay(this.#backoff, job.attempts, failure));
    for (;;) {
      const [updated] = await utils.rescheduleJobs([String(job.id)], { runAt: retryAt });
      if (updated) {
        const final = updated.attempts >= updated.max_attempts;
        this.#events.emit('job:failed', {
          id: String(job.id),
          name,
          attempt: job.attempts,
          workerId: this.#workerId,
          error,
          retryAt: final ? null : retryAt,
        });
        this.#dueTimer?.refresh();
        return;
      }
      // Still locked (graphile's failJob not yet written), or gone (removed meanwhile).
      if (Date.now() > deadline) return;
      await delay(10);
    }
  }

  /** After the stop bound: aborts running handlers, fails their attempt in the database, re-runs them soon. */
  async #abandonRunning(): Promise<void> {
    const abandoned = [...this.#active.values()];
    for (const active of abandoned) {
      active.abandoned = true;
      active.controller.abort(new GangwayError('jobs.stopped', 'the job queue stopped'));
    }
    await Promise.resolve(this.#workerPool?.forcefulShutdown('stop bound reached')).catch(() => {});
    const utils = await this.#init();
    const ids = abandoned.map((a) => String(a.job.id));
    if (ids.length > 0) await utils.rescheduleJobs(ids, { runAt: new Date() }).catch(() => []);
    for (const { job } of abandoned) {
      this.#events.emit('job:released', {
        id: String(job.id),
        name: job.task_identifier,
        attempt: job.attempts,
        workerId: this.#workerId,
      });
    }
  }
}
