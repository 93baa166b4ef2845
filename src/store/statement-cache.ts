// Kysely's SQLite driver prepares every query it runs; compiling the SQL text is most of a small query's cost.
// This wrapper keeps the prepared statements by their SQL text (least recently used first out), so the hot paths
// (monitor samples, job bookkeeping, incident reads) compile each distinct query once.
import type { Database as BetterSqliteDatabase, Statement } from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Statements kept: distinct query texts (batched inserts vary with the batch size, so bounded). */
export const STATEMENT_CACHE_SIZE = 1000;

/** The better-sqlite3 database as Kysely's SqliteDialect wants it, preparing each SQL text once. */
export function cachingDatabase(db: BetterSqliteDatabase, max = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const cache = new Map<string, Statement>();
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql);
      // A statement still iterating (a streamed select) cannot run twice at once: that caller gets a fresh one.
      if (hit && !hit.busy) {
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const statement = db.prepare(sql);
      if (!hit) {
        cache.set(sql, statement);
        if (cache.size > max) {
          const oldest = cache.keys().next();
          if (!oldest.done) cache.delete(oldest.value);
        }
      }
      return statement;
    },
  };
}
