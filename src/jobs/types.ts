// The one job interface (docs/jobs.md). Two implementations share it and one contract test suite:
// an in-process durable queue persisted in SQLite (embedded mode) and graphile-worker on PostgreSQL
// (any number of `gangway worker` processes). Delivery is at-least-once: a handler may run again after
// a crash, so it receives `attempt` and must be idempotent.

/**
 * What happens when a job is added with a key that an existing, not yet running job already holds.
 * `replace`: the existing job takes the new payload, options and runAt (a re-scheduled timer).
 * `preserve`: the existing job takes the new payload and options but keeps its runAt if it was never
 * attempted (a debounce that must not push the deadline back). In both modes the attempt counter restarts. A job that is already
 * running loses its key and a new job is created.
 */
export type JobKeyMode = 'replace' | 'preserve';

/** Options of {@link JobQueue.add}. */
export interface AddJobOptions {
  /** When the job becomes due; default now. A time in the past runs at once. */
  runAt?: Date;
  /** At most one pending job per key: adding again replaces or preserves (see {@link JobKeyMode}). */
  key?: string;
  /** Default `replace`. */
  keyMode?: JobKeyMode;
  /** Attempts before the job is failed permanently (default 25, like graphile-worker). */
  maxAttempts?: number;
  /** Among due jobs, numerically smaller runs first (default 0). */
  priority?: number;
}

/** A job as stored by {@link JobQueue.add}. */
export interface AddedJob {
  id: string;
  name: string;
  key: string | null;
  runAt: Date;
}

/** What a handler receives. `attempt` starts at 1; a job resumed after a crash sees a higher number. */
export interface JobRun<P = unknown> {
  id: string;
  name: string;
  payload: P;
  attempt: number;
  maxAttempts: number;
  /** Aborted when the queue stops and the grace period is over; the job will run again later. */
  signal: AbortSignal;
}

/** What a handler may return besides nothing. */
export interface JobOutcome {
  /**
   * Run this job again at `runAt` with `payload`, under the same key (a monitor's next execution): the embedded
   * queue re-arms the row in place, one write instead of an add and a delete. Dropped when the job has no key or
   * lost it while running — removed, or replaced by a newer add of the same key, which then stands.
   */
  repeat?: { runAt: Date; payload: unknown };
}

/** Runs one job; a thrown error (or rejected promise) is a failed attempt, retried with backoff. */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing is the common case.
export type JobHandler<P = unknown> = (job: JobRun<P>) => Promise<JobOutcome | void> | JobOutcome | void;

/** Handlers by job name; a worker only takes jobs it has a handler for. */
export type JobHandlers = Readonly<Record<string, JobHandler>>;

/** Options of {@link JobQueue.start}. */
export interface StartOptions {
  /** Jobs run at the same time by this queue object (default 1). */
  concurrency?: number;
  /**
   * Stable identity of this worker process (default random). A worker restarted with the same id
   * releases at once the jobs its dead predecessor held; jobs of other dead workers are released
   * when their lease expires.
   */
  workerId?: string;
}

/** Options of {@link JobQueue.stop}. */
export interface StopOptions {
  /** How long running jobs may take to finish before their signal is aborted (default 10 s). */
  timeoutMs?: number;
}

/** Exponential backoff between attempts: min(maxMs, initialMs × factor^(attempt−1)). */
export interface BackoffPolicy {
  initialMs: number;
  factor: number;
  maxMs: number;
}

/** Events for tests and metrics; listeners run synchronously and must not throw. */
export interface JobEventMap {
  'job:started': {
    id: string;
    name: string;
    attempt: number;
    workerId: string;
    runAt: Date;
    startedAt: Date;
  };
  'job:completed': { id: string; name: string; attempt: number; workerId: string; durationMs: number };
  /** `retryAt` null: the job failed permanently (maxAttempts reached or removed while running). */
  'job:failed': {
    id: string;
    name: string;
    attempt: number;
    workerId: string;
    error: string;
    retryAt: Date | null;
  };
  /** A running job did not finish within the stop grace period: released to run again. */
  'job:released': { id: string; name: string; attempt: number; workerId: string };
  /** A background failure of the queue itself (database unreachable...); it keeps trying. */
  'queue:error': { error: unknown };
}

export type JobEventName = keyof JobEventMap;

/** A durable job queue: embedded (SQLite) or scaled (PostgreSQL). */
export interface JobQueue {
  readonly kind: 'sqlite' | 'postgres';
  /** Stores a job; it survives restarts until it completed or failed permanently. */
  add(name: string, payload: unknown, options?: AddJobOptions): Promise<AddedJob>;
  /**
   * Cancels the pending job holding `key` (true when there was one). A job already running keeps
   * running but loses its key and will not be retried.
   */
  remove(key: string): Promise<boolean>;
  /** Starts taking due jobs with these handlers. */
  start(handlers: JobHandlers, options?: StartOptions): Promise<void>;
  /** Stops taking jobs and waits for running ones up to a bound; unfinished ones are released. */
  stop(options?: StopOptions): Promise<void>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends JobEventName>(event: E, listener: (event: JobEventMap[E]) => void): () => void;
  /** Stops (if started) and releases the connection the queue owns. */
  close(options?: StopOptions): Promise<void>;
}
