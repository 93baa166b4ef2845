import type { JobHandler, JobQueue } from '../jobs/index.js';
import type { Store } from '../store/index.js';

export const RETENTION_JOB = 'retention';
const KEY = 'retention:sweep';
const EVERY_MS = 3600_000;

export interface RetentionSettings {
  /** Evidence bodies (exchanges, samples) older than this are deleted; results and hashes stay. */
  evidenceDays: number;
  /** Live-progress events of runs older than this are deleted. */
  runEventsDays: number;
  /** Monitor samples older than this are deleted (their hourly roll-ups stay). */
  samplesDays: number;
  /** Hourly roll-ups of monitor samples older than this are deleted. */
  rollupsDays: number;
}

export const DEFAULT_RETENTION: RetentionSettings = {
  evidenceDays: 90,
  runEventsDays: 30,
  samplesDays: 30,
  rollupsDays: 400,
};

/** Prunes old evidence, run events, monitor samples and roll-ups, then schedules the next sweep (one pending sweep, whatever the process count). */
export function retentionHandler(
  store: Store,
  jobs: Pick<JobQueue, 'add'>,
  settings: RetentionSettings,
): JobHandler {
  return async () => {
    const actor = 'retention';
    await store.results.pruneEvidence({ olderThanDays: settings.evidenceDays, actor });
    await store.runs.pruneEvents({ olderThanDays: settings.runEventsDays, actor });
    await store.monitors.prune({
      samplesOlderThanDays: settings.samplesDays,
      rollupsOlderThanDays: settings.rollupsDays,
      actor,
    });
    await scheduleRetention(jobs, new Date(Date.now() + EVERY_MS));
  };
}

/** Makes sure a sweep is pending; `preserve` keeps an earlier one's time when several processes start. */
export async function scheduleRetention(
  jobs: Pick<JobQueue, 'add'>,
  runAt: Date = new Date(),
): Promise<void> {
  await jobs.add(RETENTION_JOB, {}, { key: KEY, keyMode: 'preserve', runAt, maxAttempts: 3 });
}
