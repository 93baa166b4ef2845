// How the contract suite (and its child worker processes) open each queue implementation, with
// scaled-down times so retries, leases and timers are measurable in well under a second.
import { createPostgresJobQueue } from '../../src/jobs/postgres/queue.js';
import { createSqliteJobQueue } from '../../src/jobs/sqlite/queue.js';
import type { JobQueue } from '../../src/jobs/types.js';

/** Where a queue's jobs live; serialisable so a child process can open the same storage. */
export type TargetConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; connectionString: string };

/** Scaled-down times: a dead worker's job is released after 1.5 s, retries wait 100, 200, 400... ms. */
export const TUNING = {
  leaseMs: 1_500,
  heartbeatMs: 300,
  pollIntervalMs: 500,
  backoff: { initialMs: 100, factor: 2, maxMs: 1_000 },
} as const;

/** Opens a queue object on the target's storage (a new object each call, as after a restart). */
export function openQueue(config: TargetConfig): JobQueue {
  if (config.kind === 'sqlite') return createSqliteJobQueue({ database: config.file, ...TUNING });
  return createPostgresJobQueue({ connectionString: config.connectionString, ...TUNING });
}
