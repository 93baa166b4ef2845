// The only file that knows which database it talks to: every other line of the store is shared Kysely code.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  sql,
} from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { cachingDatabase } from './statement-cache.js';

export type DialectName = 'sqlite' | 'postgres';

/** A connected database, and what migrations need to know about its dialect. */
export interface Connection {
  dialect: DialectName;
  db: Kysely<Database>;
  /** Column type for binary data (evidence bodies). */
  blobType: 'blob' | 'bytea';
  /** Where the SQLite file lives (undefined on PostgreSQL). */
  file?: string;
  /** Runs `fn` while holding a lock that keeps concurrent openers from migrating at the same time. */
  withMigrationLock<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
}

/** True for a postgres:// or postgresql:// URL. */
export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}

// Kysely starts SQLite transactions with a deferred BEGIN: two processes that both read, then write, can then
// fail with SQLITE_BUSY instead of waiting. BEGIN IMMEDIATE takes the write lock up front, so busy_timeout
// makes the second writer wait and the audit chain is appended by one writer at a time.
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

/** Opens the SQLite file `<dataDir>/gangway.db` with WAL, a busy timeout and foreign keys on. */
export function connectSqlite(dataDir: string): Connection {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'gangway.db');
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('foreign_keys = ON');
  // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commits.
  sqlite.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: cachingDatabase(sqlite) }),
  });
  return {
    dialect: 'sqlite',
    db,
    blobType: 'blob',
    file,
    // The migrator's own write transaction is the lock on SQLite.
    withMigrationLock: (fn) => fn(db),
  };
}

// Any constant works; it only has to be the same in every process migrating this database.
const MIGRATION_LOCK_KEY = 0x6761_6e67;

/** Connects a pg Pool to a postgres:// URL. */
export function connectPostgres(url: string, poolSize = 10): Connection {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client losing its server (restart, test teardown) must not crash the process.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    dialect: 'postgres',
    db,
    blobType: 'bytea',
    async withMigrationLock(fn) {
      // A one-connection Kysely so the session-level advisory lock and the migration share a session: two
      // processes opening the same empty database at once would otherwise race on CREATE TABLE.
      const single = new pg.Pool({ connectionString: url, max: 1 });
      single.on('error', () => {});
      const lockDb = new Kysely<Database>({ dialect: new PostgresDialect({ pool: single }) });
      try {
        await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(lockDb);
        try {
          return await fn(lockDb);
        } finally {
          await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(lockDb);
        }
      } finally {
        await lockDb.destroy();
      }
    },
  };
}
