// Group commit for monitor executions: the records of executions finishing while a write is in flight share
// the next transaction (store.monitors.record takes a batch), so the commit — most of a small write's cost —
// is paid once per batch rather than once per execution. Each caller still learns whether its own detector
// state was written or refused by a newer version.
import type { MonitorRecord, StateConflict, Store } from '../../store/index.js';

interface Waiting {
  record: MonitorRecord;
  resolve(conflict: StateConflict | undefined): void;
  reject(error: unknown): void;
}

/** Records per transaction at most (the store chunks statements below the parameter limits). */
export const MAX_RECORD_BATCH = 500;

export class MonitorRecorder {
  #waiting: Waiting[] = [];
  #writing = false;

  constructor(private readonly store: Pick<Store, 'monitors'>) {}

  /** Stores one execution with the next batch; resolves with its state conflict, if the state was refused. */
  record(record: MonitorRecord): Promise<StateConflict | undefined> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ record, resolve, reject });
      if (!this.#writing) {
        this.#writing = true;
        // One turn later, so executions finishing in the same turn join the first batch too.
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    while (this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, MAX_RECORD_BATCH);
      try {
        const { conflicts } = await this.store.monitors.record(batch.map((w) => w.record));
        for (const w of batch) w.resolve(conflictOf(w.record, conflicts));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    this.#writing = false;
  }
}

function conflictOf(record: MonitorRecord, conflicts: readonly StateConflict[]): StateConflict | undefined {
  return conflicts.find(
    (c) =>
      c.onboardingId === record.onboardingId &&
      c.monitorId === record.sample.monitorId &&
      c.expectedVersion === (record.expectedVersion ?? 0),
  );
}
