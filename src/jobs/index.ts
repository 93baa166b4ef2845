// The jobs layer's public surface: one interface, two implementations (docs/jobs.md).
export { backoffDelay, DEFAULT_BACKOFF, DEFAULT_LEASE_MS, DEFAULT_MAX_ATTEMPTS } from './common.js';
export { createPostgresJobQueue, type PostgresJobQueueOptions } from './postgres/queue.js';
export { createSqliteJobQueue, type SqliteJobQueueOptions } from './sqlite/queue.js';
export type {
  AddedJob,
  AddJobOptions,
  BackoffPolicy,
  JobEventMap,
  JobEventName,
  JobHandler,
  JobHandlers,
  JobKeyMode,
  JobOutcome,
  JobQueue,
  JobRun,
  StartOptions,
  StopOptions,
} from './types.js';
