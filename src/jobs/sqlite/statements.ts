// Every SQL statement of the embedded queue, prepared once. Times are epoch milliseconds.
import type { Database, Statement } from 'better-sqlite3';

/** A job as claimed for running. */
export interface ClaimedRow {
  id: number;
  name: string;
  payload: string;
  run_at: number;
  attempts: number;
  max_attempts: number;
  priority: number;
}

/** The fields of a keyed job that decide how an add with the same key behaves. */
export interface KeyedRow {
  id: number;
  run_at: number;
  attempts: number;
  locked_by: string | null;
}

/** The prepared statements; `names` parameters are JSON arrays of the handled job names. */
export interface JobStatements {
  byKey: Statement<[string], KeyedRow>;
  insert: Statement<[string, string, string | null, number, number, number, number, number], { id: number }>;
  update: Statement<[string, string, number, number, number, number, number]>;
  detachKey: Statement<[number, number]>;
  deleteById: Statement<[number]>;
  stopRetrying: Statement<[number, number]>;
  releaseWorker: Statement<[string]>;
  releaseExpired: Statement<[number]>;
  claim: Statement<[string, string, number, number, number, number, string, number], ClaimedRow>;
  nextPriority: Statement<[number], { priority: number }>;
  repeat: Statement<[number, string, number, number, string]>;
  nextDue: Statement<[string], { run_at: number }>;
  complete: Statement<[number, string]>;
  retry: Statement<[number, string, number, number, string]>;
  failPermanently: Statement<[string, number, number, number, string]>;
  renewLease: Statement<[number, string]>;
  release: Statement<[number, number, string]>;
}

/** Prepares the statements against a migrated database. */
export function prepareStatements(db: Database): JobStatements {
  const unlock = 'locked_by = null, lock_token = null, locked_until = null';
  return {
    byKey: db.prepare('select id, run_at, attempts, locked_by from job_queue where key = ?'),
    insert: db.prepare(
      `insert into job_queue (name, payload, key, run_at, priority, max_attempts, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?) returning id`,
    ),
    update: db.prepare(
      `update job_queue set name = ?, payload = ?, run_at = ?, priority = ?, max_attempts = ?, attempts = 0,
         last_error = null, failed_at = null, updated_at = ? where id = ?`,
    ),
    detachKey: db.prepare('update job_queue set key = null, updated_at = ? where id = ?'),
    deleteById: db.prepare('delete from job_queue where id = ?'),
    // A running job that is removed finishes its attempt but is never retried.
    stopRetrying: db.prepare(
      'update job_queue set key = null, max_attempts = attempts, updated_at = ? where id = ?',
    ),
    releaseWorker: db.prepare(`update job_queue set ${unlock} where locked_by = ?`),
    releaseExpired: db.prepare(
      `update job_queue set ${unlock} where locked_by is not null and locked_until < ?`,
    ),
    // Claims the due jobs of ONE priority (up to the free slots), so two processes sharing the file never take
    // the same one. Equality on priority and a range on run_at is a seek into job_queue_due: the scan stops at
    // the first job not yet due. Without the equality it would walk every pending job of every priority
    // whenever fewer are due than slots are free (timers and monitors keep thousands pending); on the run_at
    // index alone it would sort every due job, quadratic with a backlog.
    claim: db.prepare(
      `update job_queue set locked_by = ?, lock_token = ?, locked_until = ?, attempts = attempts + 1,
         updated_at = ?
       where id in (select id from job_queue indexed by job_queue_due
                    where locked_by is null and failed_at is null and priority = ? and run_at <= ?
                      and name in (select value from json_each(?))
                    order by run_at, id limit ?)
       returning id, name, payload, run_at, attempts, max_attempts, priority`,
    ),
    // The next priority above the given one among pending jobs: a seek, so walking the few priorities in use
    // costs one lookup each however many jobs wait.
    nextPriority: db.prepare(
      `select priority from job_queue indexed by job_queue_due
       where locked_by is null and failed_at is null and priority > ? order by priority limit 1`,
    ),
    // A job that repeats is re-armed in place while it still holds its key (see JobOutcome.repeat).
    repeat: db.prepare(
      `update job_queue set ${unlock}, run_at = ?, payload = ?, attempts = 0, last_error = null, updated_at = ?
       where id = ? and lock_token = ? and key is not null`,
    ),
    nextDue: db.prepare(
      `select run_at from job_queue
       where locked_by is null and failed_at is null and name in (select value from json_each(?))
       order by run_at limit 1`,
    ),
    complete: db.prepare('delete from job_queue where id = ? and lock_token = ?'),
    retry: db.prepare(
      `update job_queue set ${unlock}, run_at = ?, last_error = ?, updated_at = ?
       where id = ? and lock_token = ? and attempts < max_attempts`,
    ),
    failPermanently: db.prepare(
      `update job_queue set ${unlock}, last_error = ?, failed_at = ?, updated_at = ?
       where id = ? and lock_token = ?`,
    ),
    renewLease: db.prepare('update job_queue set locked_until = ? where lock_token = ?'),
    release: db.prepare(`update job_queue set ${unlock}, updated_at = ? where id = ? and lock_token = ?`),
  };
}
