// The embedded queue's own tables (prefixed job_ so they never collide with the store's), versioned
// in job_migrations so a later version can alter them in order.
import type { Database } from 'better-sqlite3';

const MIGRATIONS: readonly string[] = [
  `create table job_queue (
     id integer primary key autoincrement,
     name text not null,
     payload text not null,
     key text unique,
     run_at integer not null,
     priority integer not null default 0,
     attempts integer not null default 0,
     max_attempts integer not null,
     last_error text,
     failed_at integer,
     locked_by text,
     lock_token text,
     locked_until integer,
     created_at integer not null,
     updated_at integer not null
   );
   create index job_queue_due on job_queue (priority, run_at, id)
     where locked_by is null and failed_at is null;
   create index job_queue_next on job_queue (run_at) where locked_by is null and failed_at is null;
   create index job_queue_locked on job_queue (locked_until) where locked_by is not null;`,
];

/** Brings the job tables up to date; safe to call from several processes at once. */
export function migrateJobTables(db: Database): void {
  db.exec(
    'create table if not exists job_migrations (version integer primary key, applied_at integer not null)',
  );
  // IMMEDIATE takes the write lock first, so two processes starting together apply each step once.
  const apply = db.transaction(() => {
    const row = db.prepare('select max(version) as v from job_migrations').get() as { v: number | null };
    const current = row.v ?? 0;
    for (let version = current + 1; version <= MIGRATIONS.length; version++) {
      db.exec(MIGRATIONS[version - 1] as string);
      db.prepare('insert into job_migrations (version, applied_at) values (?, ?)').run(version, Date.now());
    }
  });
  apply.immediate();
}
